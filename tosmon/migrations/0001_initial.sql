-- tosmon schema 1: services, documents, their checks, versions, clauses,
-- flags, changes and the alert outbox. docs/schema.md explains every column.
-- Times are ISO 8601 UTC text ("2024-02-07T09:30:00.000000Z"); booleans are 0/1.

PRAGMA application_id = 1953461101;   -- "tosm": marks the file as tosmon's

CREATE TABLE services (
    id      TEXT PRIMARY KEY,          -- "soundcloud"
    name    TEXT NOT NULL              -- "SoundCloud"
);

CREATE TABLE documents (
    id       INTEGER PRIMARY KEY,
    service  TEXT NOT NULL REFERENCES services(id),
    name     TEXT NOT NULL,            -- "Terms of Use"
    key      TEXT NOT NULL UNIQUE,     -- "soundcloud/Terms of Use"
    url      TEXT NOT NULL DEFAULT '',
    lang     TEXT,                     -- NULL: detected from each version's text
    interval INTEGER,                  -- seconds between checks
    sources  TEXT NOT NULL DEFAULT '[]',  -- JSON: [{url, select, remove, browser}]
    watched  INTEGER NOT NULL DEFAULT 1 CHECK (watched IN (0, 1)),
    added_at TEXT NOT NULL,
    UNIQUE (service, name)
);

-- The tracker's bookkeeping, one row per document; rewritten on every check.
CREATE TABLE document_state (
    document_id   INTEGER PRIMARY KEY REFERENCES documents(id),
    etag          TEXT,
    last_modified TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,   -- failed checks in a row
    tracked       INTEGER NOT NULL DEFAULT 1 CHECK (tracked IN (0, 1)),
    next_due      TEXT,
    last_check    TEXT,
    last_outcome  TEXT,
    last_reason   TEXT
);

-- Raw fetched bytes, content-addressed; kept for new versions and failed checks.
CREATE TABLE snapshots (
    digest      TEXT PRIMARY KEY,               -- sha256 of the raw bytes, hex
    size        INTEGER NOT NULL,               -- raw bytes before compression
    compression TEXT NOT NULL DEFAULT 'zlib',
    content     BLOB NOT NULL,
    media_type  TEXT,
    charset     TEXT,
    first_seen  TEXT NOT NULL
);

CREATE TABLE versions (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    fetched_at  TEXT NOT NULL,
    digest      TEXT NOT NULL,                  -- sha256 of text, hex
    text        TEXT NOT NULL,
    chars       INTEGER NOT NULL,
    lang        TEXT NOT NULL,
    snapshot    TEXT REFERENCES snapshots(digest),
    model       TEXT NOT NULL DEFAULT ''        -- classifier that flagged its clauses
);
CREATE INDEX versions_by_document ON versions (document_id, fetched_at);

CREATE TABLE checks (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    checked_at  TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('first', 'changed', 'unchanged', 'failed')),
    reason      TEXT,
    transient   INTEGER CHECK (transient IN (0, 1)),
    bot_blocked INTEGER CHECK (bot_blocked IN (0, 1)),
    status      INTEGER,
    url         TEXT,
    via         TEXT,
    snapshot    TEXT REFERENCES snapshots(digest),
    version_id  INTEGER REFERENCES versions(id)
);

-- A clause identity: the same clause across versions, even when reworded.
CREATE TABLE clauses (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    first_version INTEGER NOT NULL REFERENCES versions(id),
    last_version  INTEGER REFERENCES versions(id),   -- NULL while in the latest version
    removed_in    INTEGER REFERENCES versions(id)    -- the version it is missing from
);

-- A clause as it reads in one version.
CREATE TABLE clause_texts (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    position   INTEGER NOT NULL,
    clause_id  INTEGER NOT NULL REFERENCES clauses(id),
    heading    TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    PRIMARY KEY (version_id, position),
    UNIQUE (version_id, clause_id)
);

CREATE TABLE flags (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    clause_id  INTEGER NOT NULL REFERENCES clauses(id),
    label      TEXT NOT NULL,
    score      REAL CHECK (score IS NULL OR typeof(score) IN ('real', 'integer')),
    evidence   TEXT NOT NULL DEFAULT '',
    model      TEXT NOT NULL DEFAULT '',
    UNIQUE (version_id, clause_id, label)
);

CREATE TABLE changes (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    from_version INTEGER REFERENCES versions(id),        -- NULL for a first version
    to_version   INTEGER NOT NULL UNIQUE REFERENCES versions(id),
    added        INTEGER NOT NULL DEFAULT 0,
    removed      INTEGER NOT NULL DEFAULT 0,
    modified     INTEGER NOT NULL DEFAULT 0,
    trivial      INTEGER NOT NULL DEFAULT 0              -- of the modified, how many trivially
);

CREATE TABLE change_items (
    id           INTEGER PRIMARY KEY,
    change_id    INTEGER NOT NULL REFERENCES changes(id),
    kind         TEXT NOT NULL CHECK (kind IN ('added', 'removed', 'modified')),
    clause_id    INTEGER NOT NULL REFERENCES clauses(id),
    old_position INTEGER,
    new_position INTEGER,
    heading      TEXT NOT NULL DEFAULT '',
    old_text     TEXT,
    new_text     TEXT,
    trivial      INTEGER NOT NULL DEFAULT 0 CHECK (trivial IN (0, 1)),
    ops          TEXT NOT NULL DEFAULT '[]'              -- JSON: [[-1|0|1, text], ...]
);
CREATE INDEX change_items_by_change ON change_items (change_id);

-- Who is told what; the notification target is never stored.
CREATE TABLE subscriptions (
    name       TEXT PRIMARY KEY,
    filters    TEXT NOT NULL DEFAULT '{}',   -- JSON: {services, labels, languages}
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at TEXT NOT NULL
);

-- The outbox: one row per message owed to one subscription.
CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    subscription TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('change', 'untracked', 'tracked_again')),
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    change_id    INTEGER REFERENCES changes(id),
    dedupe       TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    items        TEXT NOT NULL DEFAULT '[]',   -- JSON: [{label, kind, text, old_text, ...}]
    url          TEXT NOT NULL DEFAULT '',
    version_date TEXT,
    created_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    last_attempt TEXT,
    delivered_at TEXT
);
