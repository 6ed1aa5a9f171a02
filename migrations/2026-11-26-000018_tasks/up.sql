-- Tasks: something to do by a time, for someone, about a contact, a card or a conversation
-- (at most one of them). `due_notified_at` makes the "due" notification once per task.
CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title text NOT NULL,
    description text NOT NULL DEFAULT '',
    due_at timestamptz,
    assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
    done_at timestamptz,
    contact_id uuid REFERENCES contacts (id) ON DELETE CASCADE,
    card_id uuid REFERENCES cards (id) ON DELETE CASCADE,
    conversation_id uuid REFERENCES conversations (id) ON DELETE CASCADE,
    due_notified_at timestamptz,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(contact_id, card_id, conversation_id) <= 1)
);
CREATE INDEX tasks_account_idx ON tasks (account_id, created_at);
CREATE INDEX tasks_assignee_open_idx ON tasks (assignee_id, due_at) WHERE done_at IS NULL;
-- What the due-notification job scans.
CREATE INDEX tasks_due_idx ON tasks (due_at) WHERE done_at IS NULL AND due_notified_at IS NULL;
CREATE INDEX tasks_card_idx ON tasks (card_id) WHERE card_id IS NOT NULL;
CREATE INDEX tasks_contact_idx ON tasks (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX tasks_conversation_idx ON tasks (conversation_id) WHERE conversation_id IS NOT NULL;
