DROP TRIGGER contacts_closed_at_update ON contacts;
DROP TRIGGER contacts_closed_at_insert ON contacts;
DROP FUNCTION contacts_closed_at();
ALTER TABLE contacts DROP COLUMN closed_at;
