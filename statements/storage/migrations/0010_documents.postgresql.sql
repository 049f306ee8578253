-- State, activity profile and agent profile documents (Communication 2.3, 2.6, 2.7).
-- Empty strings stand for "not part of the key" so the primary key stays simple.
CREATE TABLE documents (
    kind TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    etag TEXT NOT NULL,
    updated BIGINT NOT NULL,
    PRIMARY KEY (kind, activity_id, agent, registration, doc_id)
);
CREATE INDEX documents_updated ON documents (kind, activity_id, agent, registration, updated);

-- Canonical activity definitions learned from statements of credentials with 'define'.
CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    definition BYTEA NOT NULL,
    updated BIGINT NOT NULL
);
