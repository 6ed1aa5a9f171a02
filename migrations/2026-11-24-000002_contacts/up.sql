-- Lead CRM: contacts with origin data, notes, change log, transcripts, auto-assignment,
-- idempotent ingestion, in-app notifications and the e-mail outbox.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Strict rotation state per site: the row lock on the site serialises concurrent leads.
ALTER TABLE sites
    ADD COLUMN auto_assign_enabled boolean NOT NULL DEFAULT false,
    ADD COLUMN auto_assign_user_ids uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN auto_assign_cursor bigint NOT NULL DEFAULT 0;

CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    site_id uuid REFERENCES sites (id) ON DELETE SET NULL,
    name text,
    email text CHECK (email = lower(email)),
    phone text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    contact_hours text,
    city text,
    region text,
    country text,
    first_contact_at timestamptz NOT NULL,
    page_url text,
    source text,
    medium text,
    campaign text,
    referrer text,
    ip text,
    channel text NOT NULL CHECK (channel IN ('chatbot', 'live_chat', 'form', 'integration', 'import', 'manual')),
    rating smallint CHECK (rating BETWEEN 1 AND 5),
    status text NOT NULL DEFAULT 'to_contact' CHECK (status IN ('to_contact', 'in_progress', 'won', 'lost')),
    assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
    tags text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}',
    blocked boolean NOT NULL DEFAULT false,
    -- Maintained by the application: notes' text joins the searchable text.
    notes_text text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Dedup keys inside an account.
CREATE UNIQUE INDEX contacts_account_email_key ON contacts (account_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_account_phone_key ON contacts (account_id, phone) WHERE phone IS NOT NULL;
-- Keyset pagination per tab, for admins (all) and agents (their own).
CREATE INDEX contacts_list_idx ON contacts (account_id, status, first_contact_at DESC, id DESC);
CREATE INDEX contacts_assignee_list_idx ON contacts (account_id, assignee_id, status, first_contact_at DESC, id DESC);
CREATE INDEX contacts_tags_idx ON contacts USING gin (tags);
CREATE INDEX contacts_search_idx ON contacts USING gin (
    (coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || notes_text) gin_trgm_ops
);

CREATE TABLE contact_notes (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_notes_contact_idx ON contact_notes (contact_id, created_at);

-- The change log: one row per changed field, who changed it and when.
CREATE TABLE contact_activities (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Who, in words, also for integrations and automatic actions.
    actor_label text NOT NULL,
    field text NOT NULL,
    old_value jsonb,
    new_value jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_activities_contact_idx ON contact_activities (contact_id, id);

CREATE TABLE conversations (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    site_id uuid REFERENCES sites (id) ON DELETE SET NULL,
    channel text NOT NULL,
    started_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_contact_idx ON conversations (contact_id, started_at);

CREATE TABLE messages (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender text NOT NULL CHECK (sender IN ('visitor', 'bot', 'agent', 'system')),
    body text NOT NULL,
    sent_at timestamptz NOT NULL,
    position integer NOT NULL
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, position);

-- A retried ingestion with the same key returns the first response.
CREATE TABLE idempotency_keys (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key text NOT NULL,
    request_hash text NOT NULL,
    response_status smallint,
    response_body jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);

CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL,
    title text NOT NULL,
    contact_id uuid REFERENCES contacts (id) ON DELETE CASCADE,
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);

-- Written in the same transaction as the change it announces; a background sender
-- delivers it with retries, so a mail server outage loses nothing.
CREATE TABLE email_outbox (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    sent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
