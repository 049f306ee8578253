-- Usability test F13: a send started on the web pages runs in the background; its rows
-- carry the run's id, so that a page on any instance shows how far it has come. (An
-- invitation run has two triggers: 'invite' and 'invite:<uuid>'.)
ALTER TABLE reminders ADD COLUMN run TEXT;
CREATE INDEX reminders_run ON reminders (workshop_id, run);
