-- What stays of an action that removes data (a client deleted for good): who, when, how much,
-- never the personal data itself. Read by admins (GET /api/v1/audit), newest first.
CREATE TABLE account_audit (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    actor_label text NOT NULL,
    action text NOT NULL,
    subject_id uuid,
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_audit_account_newest ON account_audit (account_id, id DESC);
