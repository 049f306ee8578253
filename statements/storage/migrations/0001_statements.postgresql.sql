-- The statement log. seq is the log's order; stored is assigned when the writer commits
-- and never decreases with seq, so since/until map to a seq range. Appends hold an
-- advisory lock for their transaction, so seq and stored stay monotonic across instances.
CREATE TABLE statements (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    stored BIGINT NOT NULL,
    origin_stored BIGINT,
    verb TEXT NOT NULL,
    registration TEXT,
    voided BOOLEAN NOT NULL DEFAULT FALSE,
    voids TEXT,
    ref TEXT,
    credential TEXT,
    source TEXT,
    attachments TEXT,
    body BYTEA NOT NULL
);
CREATE INDEX statements_stored ON statements (stored, seq);
CREATE INDEX statements_ref ON statements (ref) WHERE ref IS NOT NULL;
CREATE INDEX statements_credential ON statements (credential, seq);

-- One row per (filter kind, value, statement): agent, related agent, activity, related
-- activity, verb, registration. StatementRefs inherit their target's rows.
CREATE TABLE statement_index (
    kind SMALLINT NOT NULL,
    value TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (kind, value, seq)
);
CREATE INDEX statement_index_seq ON statement_index (seq);

CREATE TABLE attachments (
    sha2 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data BYTEA NOT NULL
);

CREATE TABLE credentials (
    key TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    label TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
