-- Usability test F13: the run a reminder row belongs to (as 0780_reminder_runs.sqlite.sql).
ALTER TABLE reminders ADD COLUMN run TEXT;
CREATE INDEX reminders_run ON reminders (workshop_id, run);
