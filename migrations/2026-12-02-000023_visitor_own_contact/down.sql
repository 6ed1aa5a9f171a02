ALTER TABLE conversations DROP COLUMN visitor_given;
DELETE FROM visitors WHERE contact_id IS NULL;
ALTER TABLE visitors DROP CONSTRAINT visitors_contact_id_fkey;
ALTER TABLE visitors ADD CONSTRAINT visitors_contact_id_fkey
    FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE;
ALTER TABLE visitors ALTER COLUMN contact_id SET NOT NULL;
