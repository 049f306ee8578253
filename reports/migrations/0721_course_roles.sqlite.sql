-- Issue 15: requirements per role. A workshop course with rows here is required only of
-- the participants whose role is listed; one without rows is required of everyone.
CREATE TABLE workshop_course_roles (
    workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (workshop_id, course_id, role)
) WITHOUT ROWID;
