-- Issue 15: requirements per role (as 0721_course_roles.sqlite.sql).
CREATE TABLE workshop_course_roles (
    workshop_id TEXT COLLATE "C" NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    course_id TEXT COLLATE "C" NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (workshop_id, course_id, role)
);
