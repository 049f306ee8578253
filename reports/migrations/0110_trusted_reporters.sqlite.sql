-- Trusted reporters. A course names the sources whose statements count for readiness:
-- reporters is a JSON object {"credentials": [keys], "sources": [bridge source names]};
-- NULL means "not yet reviewed" (a course from before this migration): at start-up the
-- service fills it with every credential and source that has reported the course so far,
-- so an upgrade changes no one's readiness. Statements the service writes itself (no
-- credential, no source) always count.
ALTER TABLE courses ADD COLUMN reporters TEXT;
-- A new database (no statement yet) has nothing to review: its courses trust no one yet.
UPDATE courses SET reporters = '{"credentials":[],"sources":[]}'
    WHERE NOT EXISTS (SELECT 1 FROM statements);

-- The ledger keeps what untrusted sources reported apart (trusted = 0), so that a
-- coordinator can see it, but reports judge only by trusted rows. Every row so far was
-- counted, and the upgraded courses trust every reporter so far: they stay trusted.
CREATE TABLE progress_trusted (
    learner TEXT NOT NULL,
    course_id TEXT NOT NULL,
    trusted INTEGER NOT NULL,
    completed_at INTEGER,
    last_activity INTEGER NOT NULL,
    steps_done INTEGER NOT NULL,
    step_times TEXT NOT NULL,
    PRIMARY KEY (learner, course_id, trusted)
) WITHOUT ROWID;
INSERT INTO progress_trusted
    SELECT learner, course_id, 1, completed_at, last_activity, steps_done, step_times
    FROM progress;
DROP TABLE progress;
ALTER TABLE progress_trusted RENAME TO progress;
CREATE INDEX progress_course ON progress (course_id);
