-- Issue 16, retention: when a workshop's participant list, progress, reminder log and its
-- participants' statements were purged (µs); NULL while they are kept. Its readiness then
-- says the data was purged instead of showing people as "not started".
ALTER TABLE workshops ADD COLUMN purged_at BIGINT;
