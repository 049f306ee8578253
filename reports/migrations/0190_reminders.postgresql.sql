-- Every reminder e-mail: sent, failed or skipped (as 0190_reminders.sqlite.sql). One row per
-- (workshop, participant, trigger) makes "never twice" a constraint, across instances too:
-- a trigger is 'auto:7d', 'auto:2d' or 'manual:<uuid>' for a coordinator's send.
CREATE TABLE reminders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workshop_id TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    trigger TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    sent_by TEXT,
    UNIQUE (workshop_id, participant_id, trigger)
);
CREATE INDEX reminders_recent ON reminders (workshop_id, participant_id, sent_at);
