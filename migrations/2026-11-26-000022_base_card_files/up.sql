-- Files on a board's base card. Every new card of the board gets a row in `card_attachments`
-- naming the same stored object: objects are never rewritten, so a copy needs no bytes
-- copied, and an object is deleted only once no row of either table names it
-- (`storage::Storage::release`).
CREATE TABLE board_base_attachments (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    storage_key text NOT NULL,
    uploaded_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX board_base_attachments_board_idx ON board_base_attachments (board_id, created_at);
CREATE INDEX board_base_attachments_key_idx ON board_base_attachments (storage_key);

-- Cards made from the same base card share its objects.
ALTER TABLE card_attachments DROP CONSTRAINT card_attachments_storage_key_key;
CREATE INDEX card_attachments_key_idx ON card_attachments (storage_key);
