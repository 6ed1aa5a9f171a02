-- Files attached to cards. The bytes live in the object store (`crate::storage`) under
-- `storage_key`, which the server makes up; `filename` is only ever shown and sent back.
CREATE TABLE card_attachments (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    card_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    storage_key text NOT NULL UNIQUE,
    uploaded_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_attachments_card_idx ON card_attachments (card_id, created_at);
