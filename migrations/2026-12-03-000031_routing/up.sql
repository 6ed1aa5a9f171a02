-- Routing per site (null: off): offer a returning client's chat to their agent first for
-- this many seconds; re-route an accepted chat with no operator reply, or a rotation lead
-- nobody touched, after this many minutes.
ALTER TABLE sites
    ADD COLUMN sticky_owner_secs integer CHECK (sticky_owner_secs BETWEEN 5 AND 3600),
    ADD COLUMN reroute_chat_minutes integer CHECK (reroute_chat_minutes BETWEEN 1 AND 1440),
    ADD COLUMN reroute_lead_minutes integer CHECK (reroute_lead_minutes BETWEEN 1 AND 43200);

-- A waiting chat offered to one agent until `offer_expires_at`, then to the shared Inbox.
-- `owner_since`: when its operator got it (accepted, or re-routed to them); the re-route
-- clock runs from there.
ALTER TABLE conversations
    ADD COLUMN offered_to uuid REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN offer_expires_at timestamptz,
    ADD COLUMN owner_since timestamptz;
CREATE INDEX conversations_offers_idx ON conversations (offer_expires_at) WHERE offered_to IS NOT NULL;
-- What the re-route pass looks at: accepted chats nobody answered yet.
CREATE INDEX conversations_unanswered_idx ON conversations (owner_since)
    WHERE status = 'active' AND first_response_at IS NULL AND owner_since IS NOT NULL;

-- A rotation lead's re-route clock: set when dealt on a site that re-routes, cleared when
-- the pass looks at it.
ALTER TABLE auto_assignments ADD COLUMN reroute_due_at timestamptz;
CREATE INDEX auto_assignments_reroute_idx ON auto_assignments (reroute_due_at) WHERE reroute_due_at IS NOT NULL;
