-- tosmon schema 2: indexes for the questions asked of a long history (a
-- clause's life, a label across services, a document's checks and changes,
-- the outbox) and two views that answer the common ones in one table.

CREATE INDEX clause_texts_by_clause ON clause_texts (clause_id);
CREATE INDEX clauses_by_document ON clauses (document_id);
CREATE INDEX flags_by_label ON flags (label);
CREATE INDEX flags_by_clause ON flags (clause_id);
CREATE INDEX checks_by_document ON checks (document_id, checked_at);
CREATE INDEX changes_by_document ON changes (document_id);
CREATE INDEX change_items_by_clause ON change_items (clause_id);
CREATE INDEX alerts_owed ON alerts (id) WHERE delivered_at IS NULL;
CREATE INDEX alerts_delivered ON alerts (delivered_at) WHERE delivered_at IS NOT NULL;

-- One row per clause identity: when it appeared, was last seen, went away,
-- and its latest wording.
CREATE VIEW clause_lives AS
SELECT c.id              AS clause_id,
       d.service         AS service,
       d.name            AS document,
       first.fetched_at  AS first_seen,
       last.fetched_at   AS last_seen,          -- NULL while the clause is current
       gone.fetched_at   AS removed_at,
       (SELECT count(DISTINCT t.text) FROM clause_texts t WHERE t.clause_id = c.id) AS wordings,
       latest.heading    AS heading,
       latest.text       AS text
FROM clauses c
JOIN documents d ON d.id = c.document_id
JOIN versions first ON first.id = c.first_version
LEFT JOIN versions last ON last.id = c.last_version
LEFT JOIN versions gone ON gone.id = c.removed_in
JOIN clause_texts latest ON latest.clause_id = c.id
 AND latest.version_id = (SELECT max(t.version_id) FROM clause_texts t WHERE t.clause_id = c.id);

-- One row per flag, with the clause's words and whether the flag belongs to
-- the document's latest version (what the terms say today).
CREATE VIEW flagged_clauses AS
SELECT f.id              AS flag_id,
       d.service         AS service,
       d.name            AS document,
       f.version_id      AS version_id,
       v.fetched_at      AS version_date,
       f.version_id = (SELECT max(l.id) FROM versions l WHERE l.document_id = d.id) AS in_latest,
       f.clause_id       AS clause_id,
       first.fetched_at  AS clause_first_seen,
       f.label           AS label,
       f.score           AS score,
       f.evidence        AS evidence,
       f.model           AS model,
       t.heading         AS heading,
       t.text            AS text
FROM flags f
JOIN versions v ON v.id = f.version_id
JOIN documents d ON d.id = v.document_id
JOIN clauses c ON c.id = f.clause_id
JOIN versions first ON first.id = c.first_version
JOIN clause_texts t ON t.version_id = f.version_id AND t.clause_id = f.clause_id;
