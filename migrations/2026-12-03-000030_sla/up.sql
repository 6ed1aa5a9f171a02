-- Response targets per site: a chat's first reply, a new lead's first action (null: off).
ALTER TABLE sites
    ADD COLUMN sla_chat_first_response_secs integer CHECK (sla_chat_first_response_secs BETWEEN 10 AND 86400),
    ADD COLUMN sla_lead_first_contact_minutes integer CHECK (sla_lead_first_contact_minutes BETWEEN 1 AND 43200);

-- Set when a chat enters the Inbox on a site with a target; breached once, by the watcher.
ALTER TABLE conversations ADD COLUMN sla_due_at timestamptz, ADD COLUMN sla_breached_at timestamptz;
-- What the watcher looks at: running clocks only.
CREATE INDEX conversations_sla_watch_idx ON conversations (sla_due_at)
    WHERE sla_due_at IS NOT NULL AND sla_breached_at IS NULL AND first_response_at IS NULL
      AND status IN ('waiting', 'active');

-- New leads' running clocks (a row per lead of a site with a target); a first action or a
-- breach ends it. Apart from contacts, so the watcher never scans the clients.
CREATE TABLE lead_sla_clocks (
    contact_id uuid PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    site_id uuid REFERENCES sites (id) ON DELETE CASCADE,
    started_at timestamptz NOT NULL DEFAULT now(),
    due_at timestamptz NOT NULL
);
CREATE INDEX lead_sla_clocks_due_idx ON lead_sla_clocks (due_at);
