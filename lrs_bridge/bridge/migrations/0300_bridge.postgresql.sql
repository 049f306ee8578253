-- The bridge's tables, as 0300_bridge.sqlite.sql (times are microseconds since the epoch).

-- Upstream LRSs the bridge pulls statements from. The secret is kept as given, because it
-- is needed to call out; it is never shown or logged. checkpoint is the origin's stored
-- time (µs) through which every statement of the source is stored here: a pull asks for
-- statements stored since a little before it, so equal stored times are never skipped.
CREATE TABLE bridge_sources (
    name TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    key TEXT NOT NULL,
    secret TEXT NOT NULL,
    version TEXT NOT NULL,
    activity TEXT,
    verb TEXT,
    related_activities BOOLEAN NOT NULL DEFAULT FALSE,
    interval_seconds INTEGER,
    created_at BIGINT NOT NULL,
    checkpoint BIGINT,
    last_pull_at BIGINT,
    last_success_at BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    pulled_total BIGINT NOT NULL DEFAULT 0,
    bad_total BIGINT NOT NULL DEFAULT 0
);

-- Statements an upstream returned that could not be stored here (invalid, or an id stored
-- here with other content): reported once per statement id, stored nowhere.
CREATE TABLE bridge_pull_problems (
    source TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    origin_stored BIGINT,
    message TEXT NOT NULL,
    details TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (source, statement_id)
);

-- LRSs accepted statements are forwarded to. peer_credential: the key of the local xAPI
-- credential that LRS uses to send statements here; those are not sent back to it.
CREATE TABLE bridge_targets (
    name TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    key TEXT NOT NULL,
    secret TEXT NOT NULL,
    version TEXT NOT NULL,
    activity TEXT,
    verb TEXT,
    related_activities BOOLEAN NOT NULL DEFAULT FALSE,
    batch_size INTEGER NOT NULL,
    peer_credential TEXT,
    created_at BIGINT NOT NULL,
    last_sent_at BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    sent_total BIGINT NOT NULL DEFAULT 0,
    rejected_total BIGINT NOT NULL DEFAULT 0
);

-- Statements waiting to be forwarded, written in the transaction that stores them, and
-- deleted only once the target has acknowledged them.
CREATE TABLE bridge_outbox (
    target TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (target, seq)
);

-- Statements a target refused for good (400, 409, 413 for the statement alone).
CREATE TABLE bridge_rejected (
    target TEXT NOT NULL,
    seq BIGINT NOT NULL,
    statement_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    message TEXT NOT NULL,
    rejected_at BIGINT NOT NULL,
    PRIMARY KEY (target, seq)
);

-- Changes whenever the targets change (a random value, not a counter, so that a rolled
-- back change can never be mistaken for a later one): appends re-read their cached
-- targets when it differs.
CREATE TABLE bridge_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO bridge_generation (id, value) VALUES (1, 0);
