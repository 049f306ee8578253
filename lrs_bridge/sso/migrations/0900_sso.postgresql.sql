-- As 0900_sso.sqlite.sql (times are microseconds since the epoch).
-- Single sign-on (issue 20). A log-in under way with an identity provider: its state (OIDC)
-- or AuthnRequest ID (SAML) is the key, taken exactly once; ``browser`` is the SHA-256 of a
-- random cookie set in the browser that started it, so a response cannot be finished in
-- another browser (log-in CSRF). A SAML response, posted cross-site without cookies, leaves
-- a short-lived ticket (kind 'ticket', user_id set) that the same browser redeems.
CREATE TABLE sso_flows (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    browser TEXT NOT NULL,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    next_url TEXT NOT NULL,
    user_id BIGINT,
    logout TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX sso_flows_by_age ON sso_flows (created_at);

-- Assertions (SAML) and ID tokens (OIDC) already used, until they expire: a replay is refused.
CREATE TABLE sso_seen (
    provider TEXT NOT NULL,
    id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (provider, id)
);
CREATE INDEX sso_seen_by_expiry ON sso_seen (expires_at);
