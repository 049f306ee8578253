-- Every client (credential) keeps documents of its own (Communication 4.2: the 'state' and
-- 'profile' scopes are limited to "Activities and Actors associated with the current
-- token"): the credential that wrote a document becomes part of its key.
-- Documents stored before this have no recorded writer. Each goes to the one active
-- credential that holds the scope for its kind ('state', or 'profile' for both profiles)
-- without 'all', when there is exactly one: that credential could read them all along, so
-- it keeps what it had. Otherwise it belongs to no client (''): only credentials with
-- 'all' or 'all/read' see it.
ALTER TABLE documents ADD COLUMN credential TEXT NOT NULL DEFAULT '';
UPDATE documents d SET credential = (
    SELECT CASE WHEN COUNT(*) = 1 THEN MIN(c.key) ELSE '' END FROM credentials c
    WHERE c.revoked_at IS NULL AND c.scopes NOT LIKE '%"all"%'
    AND c.scopes LIKE CASE WHEN d.kind = 'state' THEN '%"state"%' ELSE '%"profile"%' END);
ALTER TABLE documents ALTER COLUMN credential DROP DEFAULT;
ALTER TABLE documents DROP CONSTRAINT documents_pkey;
ALTER TABLE documents ADD PRIMARY KEY (kind, activity_id, agent, registration, doc_id, credential);
