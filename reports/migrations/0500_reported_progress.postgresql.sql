-- The progress a course last reported (cmi5's result extension "progress", 0-100) per
-- learner identity and course, and when (µs, as last_activity). NULL while none was
-- reported; existing rows keep NULL until `lrs-bridge progress rebuild` reads the log again.
ALTER TABLE progress ADD COLUMN reported_progress INTEGER;
ALTER TABLE progress ADD COLUMN reported_at BIGINT;
