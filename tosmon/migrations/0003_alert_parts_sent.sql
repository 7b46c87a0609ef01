-- tosmon schema 3: how many parts of a split alert a channel has accepted, so
-- a run started after a failure or a crash sends only the parts still owed.

ALTER TABLE alerts ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
