-- Lead ingestion spent a quarter of its time in the counter trigger: the SQL helper was
-- parsed and planned again on every row, and 64 writers picking one of 16 shards at random
-- queued on each other's row locks until commit. Now the trigger is PL/pgSQL (its plan is
-- cached per connection) and each connection writes the shard of its backend pid, so two
-- pooled connections rarely share a row. `contact_counts_compact` folds the shards back
-- into shard 0 so readers sum few rows; the server runs it every minute.
DROP FUNCTION contact_counts_apply(uuid, uuid, text, bigint);

CREATE OR REPLACE FUNCTION contact_counts_trigger() RETURNS trigger AS $$
DECLARE
    shard_of_connection smallint := (pg_backend_pid() % 64)::smallint;
BEGIN
    -- Deleting an account cascades to its contacts; its counters are going too.
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

-- Moves every shard other than 0 into shard 0. Rows locked by a transaction in flight are
-- skipped (next time, then), so compaction never waits on or deadlocks with writers.
-- Returns how many shard rows were folded.
CREATE FUNCTION contact_counts_compact() RETURNS bigint AS $$
    WITH picked AS (
        SELECT account_id, assignee_key, status, shard FROM contact_counts WHERE shard <> 0
        FOR UPDATE SKIP LOCKED
    ), moved AS (
        DELETE FROM contact_counts c USING picked p
        WHERE (c.account_id, c.assignee_key, c.status, c.shard) = (p.account_id, p.assignee_key, p.status, p.shard)
        RETURNING c.account_id, c.assignee_key, c.status, c.n
    ), folded AS (
        INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
        SELECT account_id, assignee_key, status, 0, sum(n) FROM moved GROUP BY 1, 2, 3
        ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n
        RETURNING 1
    )
    SELECT count(*) FROM moved;
$$ LANGUAGE sql;
