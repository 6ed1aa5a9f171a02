-- Outbound webhooks (Standard Webhooks): an account's subscriptions, and the outbox of
-- deliveries written in the same transaction as the change they announce.
CREATE TABLE webhook_endpoints (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url text NOT NULL,
    description text NOT NULL DEFAULT '',
    -- Event kinds to send; empty: every kind.
    event_types text[] NOT NULL DEFAULT '{}',
    -- `whsec_` + base64 of the signing key.
    secret text NOT NULL,
    -- After a rotation the old secret also signs, until `previous_secret_until`.
    previous_secret text,
    previous_secret_until timestamptz,
    enabled boolean NOT NULL DEFAULT true,
    disabled_reason text,
    -- Set at the first failure after a success, cleared by the next success: how long the
    -- endpoint has failed without a break (it is disabled past WEBHOOK_DISABLE_AFTER_HOURS).
    failing_since timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id) WHERE enabled;

CREATE TABLE webhook_deliveries (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- `webhook-id`: the same for every endpoint an event goes to, and for its retries.
    message_id text NOT NULL,
    kind text NOT NULL,
    -- The resource the event is about: deliveries of one subject to one endpoint go in order.
    subject uuid,
    -- Exactly the bytes sent and signed.
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- An instance sending it holds it until then; after a crash another takes it over.
    lease_until timestamptz,
    last_attempt_at timestamptz,
    response_status integer,
    response_excerpt text,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, subject, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, id DESC);
