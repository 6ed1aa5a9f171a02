-- A transaction that changes many contacts (a CSV import) moved one counter row once per
-- contact. Each move adds a version of that row, and finding the newest walks all earlier
-- ones, so an import of n rows cost O(n²): 200,000 rows took many minutes. Such a
-- transaction now sets `prospecta.bulk_counts = 'on'` (SET LOCAL): the trigger then only
-- appends to `contact_count_deltas`, and `contact_counts_flush_bulk()`, called before
-- commit, adds them to the counters in one statement.
CREATE TABLE contact_count_deltas (
    txid bigint NOT NULL DEFAULT txid_current(),
    account_id uuid NOT NULL,
    assignee_key uuid NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL
);
CREATE INDEX contact_count_deltas_txid_idx ON contact_count_deltas (txid);

CREATE OR REPLACE FUNCTION contact_counts_trigger() RETURNS trigger AS $$
DECLARE
    shard_of_connection smallint := (pg_backend_pid() % 64)::smallint;
    bulk boolean := coalesce(current_setting('prospecta.bulk_counts', true), '') = 'on';
BEGIN
    -- Deleting an account cascades to its contacts; its counters are going too.
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF bulk THEN
            INSERT INTO contact_count_deltas (account_id, assignee_key, status, n)
            VALUES (OLD.account_id, coalesce(OLD.assignee_id, '00000000-0000-0000-0000-000000000000'), OLD.status, -1);
        ELSE
            INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
            VALUES (OLD.account_id, coalesce(OLD.assignee_id, '00000000-0000-0000-0000-000000000000'), OLD.status,
                    shard_of_connection, -1)
            ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF bulk THEN
            INSERT INTO contact_count_deltas (account_id, assignee_key, status, n)
            VALUES (NEW.account_id, coalesce(NEW.assignee_id, '00000000-0000-0000-0000-000000000000'), NEW.status, 1);
        ELSE
            INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
            VALUES (NEW.account_id, coalesce(NEW.assignee_id, '00000000-0000-0000-0000-000000000000'), NEW.status,
                    shard_of_connection, 1)
            ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n;
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Adds this transaction's deltas to the counters, one row per key; returns how many
-- deltas it folded.
CREATE FUNCTION contact_counts_flush_bulk() RETURNS bigint AS $$
    WITH moved AS (
        DELETE FROM contact_count_deltas WHERE txid = txid_current()
        RETURNING account_id, assignee_key, status, n
    ), applied AS (
        INSERT INTO contact_counts AS c (account_id, assignee_key, status, shard, n)
        SELECT account_id, assignee_key, status, (pg_backend_pid() % 64)::smallint, sum(n) FROM moved GROUP BY 1, 2, 3
        ON CONFLICT (account_id, assignee_key, status, shard) DO UPDATE SET n = c.n + excluded.n
        RETURNING 1
    )
    SELECT count(*) FROM moved;
$$ LANGUAGE sql;
