-- Related cards (a deal and the client's portfolio card), across the account's boards. Each
-- pair is stored once, the smaller id first; it shows on both cards.
CREATE TABLE card_relations (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    low_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    high_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (low_id, high_id),
    CHECK (low_id < high_id)
);
CREATE INDEX card_relations_high_idx ON card_relations (high_id);
