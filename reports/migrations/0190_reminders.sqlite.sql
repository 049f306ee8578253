-- Every reminder e-mail: sent, failed or skipped. One row per (workshop, participant,
-- trigger) makes "never twice" a constraint: a trigger is 'auto:7d', 'auto:2d' or
-- 'manual:<uuid>' for a coordinator's send.
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop_id TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    trigger TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    sent_by TEXT,
    UNIQUE (workshop_id, participant_id, trigger)
);
CREATE INDEX reminders_recent ON reminders (workshop_id, participant_id, sent_at);
