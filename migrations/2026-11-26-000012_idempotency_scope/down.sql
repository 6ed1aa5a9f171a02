DROP INDEX idempotency_keys_created_at_idx;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
DELETE FROM idempotency_keys a USING idempotency_keys b
  WHERE a.account_id = b.account_id AND a.key = b.key AND a.scope > b.scope;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (account_id, key);
ALTER TABLE idempotency_keys DROP COLUMN scope;
