-- Issue 15 (workshop administration).
-- An exemption: a participant need not take one of the workshop's courses (for example
-- because they did it before the previous election), with the reason an admin gave. The
-- reports show it as its own status ("Befriad"). Goes with the participant.
CREATE TABLE exemptions (
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    PRIMARY KEY (participant_id, course_id)
) WITHOUT ROWID;

-- A learner identity (mbox:…, mbox_sha1sum:…, account:HOMEPAGE NAME) an admin connected
-- to a participant (the learner used another address or account in the course). The
-- participant's progress counts this identity's ledger rows too. Goes with the participant.
CREATE TABLE participant_identities (
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    PRIMARY KEY (participant_id, identity)
) WITHOUT ROWID;
CREATE INDEX participant_identities_identity ON participant_identities (identity);
