-- cmi5 (as 0620_cmi5.sqlite.sql; BIGINT times, BYTEA file contents).
-- cmi5 (issue 14): imported course structures, the files of zip packages, and the LMS
-- side of launches: registrations, sessions (with their one-time fetch URL), what each
-- registration's AUs have reported, and the satisfied statements already written.
-- Times are microseconds since the epoch (UTC).

-- One imported course structure per course (courses.id); structure is the parsed course
-- as JSON (blocks and AUs with their LMS-generated activity ids, moveOn, masteryScore,
-- launchMethod, resolved URLs, launchParameters, entitlementKey).
CREATE TABLE cmi5_courses (
    course_id TEXT PRIMARY KEY,
    publisher_id TEXT NOT NULL,
    structure TEXT NOT NULL,
    packaged INTEGER NOT NULL,          -- 1: a zip package whose files the service serves
    imported_at BIGINT NOT NULL
);

-- The files of a zip package, served under /cmi5/{course_id}/files/{path}.
CREATE TABLE cmi5_files (
    course_id TEXT NOT NULL,
    path TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    PRIMARY KEY (course_id, path)
);

-- A learner's enrolment in a cmi5 course: a personal launch link's registration (a new
-- link, a new enrolment), or one of the LMS's own for launches without a link.
CREATE TABLE cmi5_registrations (
    id TEXT PRIMARY KEY,                -- UUID, the xAPI registration
    course_id TEXT NOT NULL,
    learner TEXT NOT NULL,              -- statements.identity key of the actor
    actor TEXT NOT NULL,                -- the actor as JSON (objectType Agent with account)
    created_at BIGINT NOT NULL
);
CREATE INDEX cmi5_registrations_learner ON cmi5_registrations (course_id, learner, created_at);

-- One AU session: launched by the LMS, ended by terminated, abandoned or (waived) at once.
-- fetch_key is the SHA-256 of the fetch URL's secret; fetched_at is set by its one use.
CREATE TABLE cmi5_sessions (
    id TEXT PRIMARY KEY,                -- UUID, the cmi5 session id
    registration_id TEXT NOT NULL REFERENCES cmi5_registrations (id),
    au_index INTEGER NOT NULL,
    fetch_key TEXT,
    credential TEXT,                    -- key of the credential the fetch URL hands out
    link_token TEXT,                    -- the personal launch link launched from, if any
    launched_at BIGINT NOT NULL,
    fetched_at BIGINT,
    last_seen BIGINT NOT NULL,         -- the AU's last statement in the session (µs)
    ended TEXT,                         -- 'terminated', 'abandoned' or 'waived'
    ended_at BIGINT,
    UNIQUE (fetch_key)
);
CREATE INDEX cmi5_sessions_open ON cmi5_sessions (registration_id, ended);

-- What a registration's AU has reported: one row per (registration, AU), each moment the
-- first one seen.
CREATE TABLE cmi5_au_status (
    registration_id TEXT NOT NULL REFERENCES cmi5_registrations (id),
    au_index INTEGER NOT NULL,
    completed_at BIGINT,
    passed_at BIGINT,
    waived_at BIGINT,
    PRIMARY KEY (registration_id, au_index)
);

-- The satisfied statements written (one per registration and block or course).
CREATE TABLE cmi5_satisfied (
    registration_id TEXT NOT NULL REFERENCES cmi5_registrations (id),
    object_id TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    PRIMARY KEY (registration_id, object_id)
);
