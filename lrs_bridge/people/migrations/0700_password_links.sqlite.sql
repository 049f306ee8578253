-- Issue 15: an administrator never types anyone's password; they send a set-password link
-- instead. A link "…/password/<id>.<secret>" is found by its public id, its secret checked
-- against its SHA-256 hash, used at most once (used_at) and only before expires_at. Times
-- are microseconds since the epoch.
CREATE TABLE password_links (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX password_links_by_user ON password_links (user_id);
