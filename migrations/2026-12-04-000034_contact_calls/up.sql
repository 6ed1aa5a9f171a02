-- Phone calls with a client, logged by hand from the client screen or a conversation: what
-- the desk seed lists beside chats. They belong to the client (deleted with it, moved by a
-- merge) and count in the desk report per user.
CREATE TABLE contact_calls (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- The conversation it was logged from, when one.
    conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    outcome text NOT NULL CHECK (outcome IN ('answered', 'no_answer', 'busy', 'voicemail', 'wrong_number')),
    duration_secs integer CHECK (duration_secs BETWEEN 0 AND 86400),
    note text NOT NULL DEFAULT '',
    called_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_calls_contact ON contact_calls (contact_id, called_at DESC);
CREATE INDEX contact_calls_account_time ON contact_calls (account_id, called_at);
