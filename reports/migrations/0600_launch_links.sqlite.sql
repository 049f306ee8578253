-- Personal launch links (issue 14). A course says how a link starts it (launch_kind:
-- 'xapi', 'cmi5' or 'link'; every existing course keeps today's behaviour, 'link': the
-- course's own URL and the e-mail address to use there).
ALTER TABLE courses ADD COLUMN launch_kind TEXT NOT NULL DEFAULT 'link';

-- One active link per participant and required course. The token is the unguessable part
-- of /l/{token}; it is kept (not hashed) because the same link goes out again in every
-- reminder. A revoked link stays (revoked_at set) so that its page can say it ended; a
-- participant taken off the list takes their links with them.
CREATE TABLE launch_links (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    registration TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX launch_links_active ON launch_links (participant_id, course_id)
    WHERE revoked_at IS NULL;
