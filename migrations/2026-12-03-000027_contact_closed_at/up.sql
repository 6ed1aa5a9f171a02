-- When a client's status became won ("Sale") or lost ("No sale"): the sales report counts
-- closings by this moment. A trigger keeps it, so every writer (edit, merge, import, card
-- won/lost, integrations) records it alike; WHEN clauses keep other writes off plpgsql.
ALTER TABLE contacts ADD COLUMN closed_at timestamptz;

-- Existing closed clients: the last time the change log saw them become won or lost, else
-- their last update (closed before the log existed, or imported closed).
UPDATE contacts c SET closed_at = COALESCE(
    (SELECT max(a.created_at) FROM contact_activities a
     WHERE a.contact_id = c.id AND a.field = 'status' AND a.new_value #>> '{}' = c.status),
    c.updated_at)
WHERE c.status IN ('won', 'lost');

CREATE FUNCTION contacts_closed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.closed_at := CASE WHEN NEW.status IN ('won', 'lost') THEN now() END;
    RETURN NEW;
END $$;

CREATE TRIGGER contacts_closed_at_insert BEFORE INSERT ON contacts
    FOR EACH ROW WHEN (NEW.status IN ('won', 'lost')) EXECUTE FUNCTION contacts_closed_at();
CREATE TRIGGER contacts_closed_at_update BEFORE UPDATE OF status ON contacts
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION contacts_closed_at();

CREATE INDEX contacts_closed_idx ON contacts (account_id, closed_at) WHERE closed_at IS NOT NULL;
