-- People who use the readiness API and pages: national admins, county admins (one county)
-- and coordinators (one county or one municipality). E-mail is unique case-insensitively
-- (email_key is its lower-cased form); passwords and tokens are Argon2 hashes only.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    county TEXT,
    municipality TEXT,
    password_hash TEXT,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);

-- Personal API tokens "lrsb_<id>_<secret>": looked up by the public id, the secret checked
-- against its hash. Revoked tokens stay, so the audit log's references keep meaning.
CREATE TABLE user_tokens (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX user_tokens_by_user ON user_tokens (user_id);

-- Who imported, changed, exported or removed what, and when. People are named by user id
-- (actor_id; NULL when the operator did it from the command line), never by e-mail;
-- county is the county the object belongs to (NULL for national things such as courses),
-- so county admins read their own county's entries.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    county TEXT,
    details TEXT NOT NULL
);
CREATE INDEX audit_log_by_county ON audit_log (county, id);
