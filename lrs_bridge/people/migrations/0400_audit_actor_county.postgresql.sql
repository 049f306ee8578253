-- The county of the person who acted, beside the county of the object: an admin who acts
-- on another county's object (or tries to) is seen in their own county's audit log too.
-- Existing entries take the actor's county from the users table.
ALTER TABLE audit_log ADD COLUMN actor_county TEXT;
UPDATE audit_log SET actor_county = (SELECT county FROM users WHERE users.id = audit_log.actor_id)
    WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_by_actor_county ON audit_log (actor_county, id);
