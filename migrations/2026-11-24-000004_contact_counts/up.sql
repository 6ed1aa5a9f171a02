-- Tab counts without counting: rows per (account, assignee, status), kept exact by a
-- trigger in the same transaction as each contact change. The list uses them whenever the
-- filter is only status and assignee; other filters count live. Each key is spread over
-- 16 shards picked at random, so concurrent leads do not queue on one counter row.
CREATE TABLE contact_counts (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The nil UUID stands for "unassigned", so the key can be a primary key.
    assignee_key uuid NOT NULL,
    status text NOT NULL,
    shard smallint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (account_id, assignee_key, status, shard)
);

CREATE FUNCTION contact_counts_apply(acc uuid, assignee uuid, st text, delta bigint) RETURNS void AS $$
    INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
    VALUES (acc, coalesce(assignee, '00000000-0000-0000-0000-000000000000'), st, floor(random() * 16)::smallint, delta)
    ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n;
$$ LANGUAGE sql;

CREATE FUNCTION contact_counts_trigger() RETURNS trigger AS $$
BEGIN
    -- Deleting an account cascades to its contacts; its counters are going too.
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM contact_counts_apply(OLD.account_id, OLD.assignee_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM contact_counts_apply(NEW.account_id, NEW.assignee_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contacts_count_insert_delete AFTER INSERT OR DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION contact_counts_trigger();
CREATE TRIGGER contacts_count_update AFTER UPDATE OF account_id, assignee_id, status ON contacts
    FOR EACH ROW WHEN (OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION contact_counts_trigger();

INSERT INTO contact_counts (account_id, assignee_key, status, shard, n)
SELECT account_id, coalesce(assignee_id, '00000000-0000-0000-0000-000000000000'), status, 0, count(*)
FROM contacts GROUP BY 1, 2, 3;
