-- Capacity-aware assignment: per-user limits, a site switch to deal only to users online,
-- the queue of leads that arrived when nobody could take them, and a log of the rotation's
-- assignments (what "new leads per day" counts).
ALTER TABLE users
    ADD COLUMN max_open_chats integer CHECK (max_open_chats BETWEEN 1 AND 1000),
    ADD COLUMN max_new_leads_per_day integer CHECK (max_new_leads_per_day BETWEEN 1 AND 100000);

-- Sites that already rotate keep dealing to everyone in their rotation (their admins turn it
-- on); sites made from now on deal only to users online.
ALTER TABLE sites ADD COLUMN auto_assign_online_only boolean NOT NULL DEFAULT false;
ALTER TABLE sites ALTER COLUMN auto_assign_online_only SET DEFAULT true;

-- Dealt in `seq` (arrival) order. A client assigned by hand meanwhile leaves at the next deal.
CREATE TABLE assignment_queue (
    seq bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    site_id uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL UNIQUE REFERENCES contacts (id) ON DELETE CASCADE,
    arrived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assignment_queue_site_idx ON assignment_queue (site_id, seq);

-- Kept two days (the janitor); no foreign key to contacts, so deleting clients never waits on it.
CREATE TABLE auto_assignments (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auto_assignments_user_idx ON auto_assignments (user_id, assigned_at);

-- An operator's open chats, counted against their limit.
CREATE INDEX conversations_open_owner_idx ON conversations (owner_id) WHERE status = 'active';
