-- Saved filters may be shared: a board's with everyone who sees the board, a client list's
-- with the whole account.
ALTER TABLE saved_board_filters ADD COLUMN shared boolean NOT NULL DEFAULT false;

CREATE TABLE saved_contact_filters (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    query text NOT NULL,
    shared boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);
CREATE INDEX saved_contact_filters_shared ON saved_contact_filters (account_id) WHERE shared;
