-- Security review 2026-12, finding 7 (as 0210_session_generation.sqlite.sql): a session
-- cookie names the generation of its person's sessions it was issued in; log-out, a
-- password change and disabling the person add one, ending every session of theirs.
ALTER TABLE users ADD COLUMN session_generation BIGINT NOT NULL DEFAULT 0;
