-- The live-chat desk: visitors, conversation states, the lead-capture bot and realtime events.

-- Per site: the lead-capture bot's questions (in order) and how long an ignored
-- conversation stays out of one operator's inbox.
ALTER TABLE sites
    ADD COLUMN chat_bot_enabled boolean NOT NULL DEFAULT true,
    ADD COLUMN chat_bot_questions jsonb NOT NULL DEFAULT '[{"field": "name"}, {"field": "email"}]',
    ADD COLUMN chat_ignore_minutes integer NOT NULL DEFAULT 5 CHECK (chat_ignore_minutes BETWEEN 1 AND 1440);

-- A browser that started a chat on a site. Its token is random and kept only as a hash.
CREATE TABLE visitors (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    site_id uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    ip text,
    user_agent text,
    blocked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visitors_contact_idx ON visitors (contact_id);

-- Addresses blocked from starting chats on a site's widget.
CREATE TABLE blocked_addresses (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ip text NOT NULL,
    blocked_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, ip)
);

-- Imported transcripts are finished conversations: 'closed'.
ALTER TABLE conversations
    ADD COLUMN status text NOT NULL DEFAULT 'closed' CHECK (status IN ('bot', 'waiting', 'active', 'closed')),
    ADD COLUMN visitor_id uuid REFERENCES visitors (id) ON DELETE SET NULL,
    ADD COLUMN owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN lang text NOT NULL DEFAULT 'en',
    ADD COLUMN page_url text,
    ADD COLUMN referrer text,
    ADD COLUMN utm_source text,
    ADD COLUMN utm_medium text,
    ADD COLUMN utm_campaign text,
    ADD COLUMN ip text,
    ADD COLUMN user_agent text,
    -- The bot's next question (index into the site's list) while status = 'bot'.
    ADD COLUMN bot_step integer NOT NULL DEFAULT 0,
    ADD COLUMN waiting_since timestamptz,
    ADD COLUMN accepted_at timestamptz,
    ADD COLUMN first_response_at timestamptz,
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN last_message_at timestamptz,
    ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX conversations_inbox_idx ON conversations (account_id, waiting_since) WHERE status = 'waiting';
CREATE INDEX conversations_owner_idx ON conversations (account_id, owner_id, status);
CREATE INDEX conversations_closed_idx ON conversations (account_id, closed_at DESC, id DESC) WHERE status = 'closed';
CREATE INDEX conversations_visitor_idx ON conversations (visitor_id, started_at DESC);

-- Who wrote an operator's message.
ALTER TABLE messages ADD COLUMN author_id uuid REFERENCES users (id) ON DELETE SET NULL;
-- Full-text search over messages, Portuguese and English stemming together.
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('portuguese', body) || to_tsvector('english', body)
) STORED;
CREATE INDEX messages_search_idx ON messages USING gin (search);

-- Operators invited into a conversation (besides its owner): they read and reply too.
CREATE TABLE conversation_participants (
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user_idx ON conversation_participants (user_id);

-- "Ignore": out of one operator's inbox until `until`.
CREATE TABLE conversation_ignores (
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    until timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

-- Realtime events, written in the transaction of the change they report and announced
-- with NOTIFY. Who may see one: every operator of the account (`everyone`), or admins plus
-- `user_ids`; a visitor's own events carry `visitor_id`.
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind text NOT NULL,
    everyone boolean NOT NULL DEFAULT false,
    user_ids uuid[] NOT NULL DEFAULT '{}',
    visitor_id uuid,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_account_idx ON events (account_id, id);
CREATE INDEX events_visitor_idx ON events (visitor_id, id) WHERE visitor_id IS NOT NULL;
CREATE INDEX events_created_idx ON events (created_at);

-- The highest event id the janitor has deleted: a client asking to replay from below it
-- has missed events that are gone, and must reload.
CREATE TABLE event_retention (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    trimmed_through bigint NOT NULL DEFAULT 0
);
INSERT INTO event_retention DEFAULT VALUES;

-- Account-level canned responses for the reply box's `/` shortcut.
CREATE TABLE canned_responses (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    shortcut text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, shortcut)
);

-- Operator presence for the desk.
ALTER TABLE users ADD COLUMN presence text NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'away', 'offline'));
