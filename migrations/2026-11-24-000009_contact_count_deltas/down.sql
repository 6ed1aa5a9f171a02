DROP FUNCTION contact_counts_flush_bulk();

CREATE OR REPLACE FUNCTION contact_counts_trigger() RETURNS trigger AS $$
DECLARE
    shard_of_connection smallint := (pg_backend_pid() % 64)::smallint;
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
        VALUES (OLD.account_id, coalesce(OLD.assignee_id, '00000000-0000-0000-0000-000000000000'), OLD.status,
                shard_of_connection, -1)
        ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
        VALUES (NEW.account_id, coalesce(NEW.assignee_id, '00000000-0000-0000-0000-000000000000'), NEW.status,
                shard_of_connection, 1)
        ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TABLE contact_count_deltas;
