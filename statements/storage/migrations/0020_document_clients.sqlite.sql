-- Every client (credential) keeps documents of its own (Communication 4.2: the 'state' and
-- 'profile' scopes are limited to "Activities and Actors associated with the current
-- token"): the credential that wrote a document becomes part of its key.
-- Documents stored before this have no recorded writer. Each goes to the one active
-- credential that holds the scope for its kind ('state', or 'profile' for both profiles)
-- without 'all', when there is exactly one: that credential could read them all along, so
-- it keeps what it had. Otherwise it belongs to no client (''): only credentials with
-- 'all' or 'all/read' see it.
CREATE TABLE documents_by_client (
    kind TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    credential TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL,
    etag TEXT NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (kind, activity_id, agent, registration, doc_id, credential)
) WITHOUT ROWID;
INSERT INTO documents_by_client (kind, activity_id, agent, registration, doc_id, credential,
    content_type, content, etag, updated)
SELECT d.kind, d.activity_id, d.agent, d.registration, d.doc_id,
    (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(c.key) ELSE '' END FROM credentials c
     WHERE c.revoked_at IS NULL AND c.scopes NOT LIKE '%"all"%'
     AND c.scopes LIKE CASE WHEN d.kind = 'state' THEN '%"state"%' ELSE '%"profile"%' END),
    d.content_type, d.content, d.etag, d.updated
FROM documents d;
DROP TABLE documents;
ALTER TABLE documents_by_client RENAME TO documents;
CREATE INDEX documents_updated ON documents (kind, activity_id, agent, registration, updated);
