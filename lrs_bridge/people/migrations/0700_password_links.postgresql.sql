-- Issue 15 (as 0700_password_links.sqlite.sql): single-use, expiring set-password links,
-- kept as a public id and the SHA-256 hash of their secret.
CREATE TABLE password_links (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    secret_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_links_by_user ON password_links (user_id);
