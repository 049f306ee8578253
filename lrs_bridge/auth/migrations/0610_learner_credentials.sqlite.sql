-- Per-learner credentials (issue 14): the xAPI credential a personal launch link issues
-- for one launch. It may write only for its participant's actor (and the registration,
-- when bound to one); it expires, and ends with its link (revoked, or gone with the
-- participant). Only the SHA-256 of the secret is kept, as for other credentials.
CREATE TABLE learner_credentials (
    key TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    link_id TEXT NOT NULL REFERENCES launch_links (id) ON DELETE CASCADE,
    actor TEXT NOT NULL,               -- the launch's actor, JSON
    agent_key TEXT NOT NULL,           -- statements.identity.agent_key of the actor
    registration TEXT,                 -- NULL: not bound to a registration
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX learner_credentials_link ON learner_credentials (link_id);
