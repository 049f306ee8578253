-- Trusted reporters (as 0110_trusted_reporters.sqlite.sql): a course's reporters (JSON
-- text, NULL until reviewed at start-up), and the ledger's rows split by trust, every
-- existing row trusted.
ALTER TABLE courses ADD COLUMN reporters TEXT;
-- A new database (no statement yet) has nothing to review: its courses trust no one yet.
UPDATE courses SET reporters = '{"credentials":[],"sources":[]}'
    WHERE NOT EXISTS (SELECT 1 FROM statements);

ALTER TABLE progress ADD COLUMN trusted INTEGER NOT NULL DEFAULT 1;
ALTER TABLE progress ALTER COLUMN trusted DROP DEFAULT;
ALTER TABLE progress DROP CONSTRAINT progress_pkey;
ALTER TABLE progress ADD PRIMARY KEY (learner, course_id, trusted);
