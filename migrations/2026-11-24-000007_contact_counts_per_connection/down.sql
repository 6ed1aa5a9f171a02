DROP FUNCTION contact_counts_compact();

CREATE FUNCTION contact_counts_apply(acc uuid, assignee uuid, st text, delta bigint) RETURNS void AS $$
    INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
    VALUES (acc, coalesce(assignee, '00000000-0000-0000-0000-000000000000'), st, floor(random() * 16)::smallint, delta)
    ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n;
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION contact_counts_trigger() RETURNS trigger AS $$
BEGIN
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
