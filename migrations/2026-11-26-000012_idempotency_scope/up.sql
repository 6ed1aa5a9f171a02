-- An idempotency key belongs to the credential that sent it (`api_key:<id>` or `site:<id>`),
-- not to the whole account: an anonymous page must not be able to burn or replay the key of
-- a real integration. Keys expire (the janitor deletes them), hence the created_at index.
ALTER TABLE idempotency_keys ADD COLUMN scope text NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (account_id, scope, key);
ALTER TABLE idempotency_keys ALTER COLUMN scope DROP DEFAULT;
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
