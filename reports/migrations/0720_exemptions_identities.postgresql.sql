-- Issue 15 (workshop administration): exemptions and connected learner identities (as
-- 0720_exemptions_identities.sqlite.sql).
CREATE TABLE exemptions (
    participant_id TEXT COLLATE "C" NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    course_id TEXT COLLATE "C" NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    PRIMARY KEY (participant_id, course_id)
);

CREATE TABLE participant_identities (
    participant_id TEXT COLLATE "C" NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    identity TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    PRIMARY KEY (participant_id, identity)
);
CREATE INDEX participant_identities_identity ON participant_identities (identity);
