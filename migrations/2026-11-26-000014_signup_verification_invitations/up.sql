-- Sign-up by e-mail verification and users by invitation, so neither tells a caller whether
-- an address already belongs to another account.

-- A sign-up confirmation goes out before its account exists.
ALTER TABLE email_outbox ALTER COLUMN account_id DROP NOT NULL;

-- A sign-up waiting for its address to be confirmed; the account is created on confirmation,
-- which deletes the row.
CREATE TABLE signup_requests (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    account_name text NOT NULL,
    name text NOT NULL,
    password_hash text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signup_requests_email_idx ON signup_requests (email);

-- An admin's invitation to join their account; the user is created when it is accepted.
CREATE TABLE invitations (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email text NOT NULL,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'agent')),
    invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- One open invitation per address and account: inviting again replaces it.
CREATE UNIQUE INDEX invitations_open_idx ON invitations (account_id, email) WHERE accepted_at IS NULL;
