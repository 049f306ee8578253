-- F4: the contact person of a county (as 0510_county_contacts.sqlite.sql).
CREATE TABLE county_contacts (
    county TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    organisation TEXT,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);
