-- Security review 2026-12, finding 7: sessions end on the server. A session cookie names the
-- generation of its person's sessions it was issued in; log-out, a password change and
-- disabling the person add one, which ends every session of theirs on every instance.
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
