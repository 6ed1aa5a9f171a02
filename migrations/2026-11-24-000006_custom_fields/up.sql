-- The custom fields an account adds to its contacts; contact values are checked against them.
CREATE TABLE custom_field_definitions (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('text', 'number', 'date', 'select')),
    options text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, key)
);
