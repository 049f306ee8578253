-- F4: the contact person of a county (set by a county or national admin), named in the
-- reminder e-mails (Reply-To and signature). One row per county.
CREATE TABLE county_contacts (
    county TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    organisation TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT
);
