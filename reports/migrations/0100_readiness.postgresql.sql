-- Readiness: courses, workshops, participant lists and the progress ledger (as
-- 0100_readiness.sqlite.sql). Times are microseconds since the epoch (UTC), as in the
-- statement log. Columns keep SQLite's shapes (dates as YYYY-MM-DD text, flags as integers,
-- JSON as text), so rows copy between the engines as they are. Text that reports sort by is
-- COLLATE "C": ordered by code point, as SQLite orders it, whatever the database's collation.

CREATE TABLE courses (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    rule TEXT NOT NULL CHECK (rule IN ('any_of', 'all_of')),
    activities TEXT NOT NULL,          -- JSON list of activity IRIs, in step order
    url TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);

-- The two courses configured out of the box (see reports/courses.py; editable).
INSERT INTO courses (id, name, rule, activities, url, description, position) VALUES (
    'valmyndigheten-introduktion',
    'Introduktionsutbildning i valsäkerhet',
    'any_of',
    '["https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet","https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet/au"]',
    'https://www.val.se/valsakerhet/introduktionsutbildning',
    'Valmyndigheten: obligatorisk introduktion före workshoppen (1–2 timmar).',
    1
);
INSERT INTO courses (id, name, rule, activities, url, description, position) VALUES (
    'skr-ett-tryggt-valar',
    'Ett tryggt valår',
    'all_of',
    '["https://skr.se/xapi/activities/ett-tryggt-valar/steg-1","https://skr.se/xapi/activities/ett-tryggt-valar/steg-2","https://skr.se/xapi/activities/ett-tryggt-valar/steg-3"]',
    'https://skr.se/ett-tryggt-valar',
    'SKR: tre steg om hot och hat mot förtroendevalda (5–10 minuter per steg).',
    2
);

CREATE TABLE workshops (
    id TEXT COLLATE "C" PRIMARY KEY,
    county TEXT NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    date TEXT COLLATE "C" NOT NULL,    -- YYYY-MM-DD
    deadline BIGINT NOT NULL,
    deadline_is_default INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX workshops_county ON workshops (county, date);

CREATE TABLE workshop_courses (
    workshop_id TEXT COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    course_id TEXT COLLATE "C" NOT NULL REFERENCES courses (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (workshop_id, course_id)
);

-- A participant's identity keys are kept beside the person so that matching against the
-- ledger is an index look-up: mbox:<lower e-mail>, mbox_sha1sum:<sha1 of mailto:e-mail>,
-- account:<homePage> <name> (statements.identity spells the same keys). The two unique
-- constraints are named: a clash is told apart by the constraint's name.
CREATE TABLE participants (
    id TEXT COLLATE "C" PRIMARY KEY,
    workshop_id TEXT COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C" NOT NULL,
    municipality TEXT COLLATE "C" NOT NULL,
    role TEXT NOT NULL,
    account_home_page TEXT,
    account_name TEXT,
    mbox_key TEXT COLLATE "C" NOT NULL,
    sha1_key TEXT COLLATE "C" NOT NULL,
    account_key TEXT COLLATE "C",
    CONSTRAINT participants_email_unique UNIQUE (workshop_id, mbox_key),
    CONSTRAINT participants_account_unique UNIQUE (workshop_id, account_key)
);
CREATE INDEX participants_workshop ON participants (workshop_id, municipality);
CREATE INDEX participants_mbox ON participants (mbox_key);
CREATE INDEX participants_sha1 ON participants (sha1_key);
CREATE INDEX participants_account ON participants (account_key) WHERE account_key IS NOT NULL;

-- The progress ledger: per learner identity and course, the first completion of each step
-- (step_times, a JSON list; any_of courses have one step), the completion (when every step
-- is done) and the last activity. Derived from the log; rebuildable at any time.
CREATE TABLE progress (
    learner TEXT COLLATE "C" NOT NULL,
    course_id TEXT COLLATE "C" NOT NULL,
    completed_at BIGINT,
    last_activity BIGINT NOT NULL,
    steps_done INTEGER NOT NULL,
    step_times TEXT NOT NULL,
    PRIMARY KEY (learner, course_id)
);
CREATE INDEX progress_course ON progress (course_id);

-- Where the projector is in the log. generation changes whenever the ledger is rebuilt or a
-- course changes, so a projector that read older course definitions does not commit. Every
-- write to the ledger locks this one row first: ledger writers of all instances take turns.
CREATE TABLE progress_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    last_stored BIGINT,
    generation BIGINT NOT NULL
);
INSERT INTO progress_checkpoint (id, seq, last_stored, generation) VALUES (1, 0, NULL, 0);
