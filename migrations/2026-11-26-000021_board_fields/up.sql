-- Custom fields a board's cards carry (`domain::BoardFieldKind`); values live in
-- `cards.custom_fields` under each field's key.
CREATE TABLE board_fields (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    key text NOT NULL,
    label text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('text', 'number', 'money', 'date', 'select', 'user', 'contact')),
    options text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (board_id, key)
);

ALTER TABLE cards ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object');

-- The base card every new card of the board starts from (`domain::BaseCard`).
ALTER TABLE boards ADD COLUMN base_card jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(base_card) = 'object');

-- A card's checklist, in `position` order.
CREATE TABLE card_checklist_items (
    id uuid PRIMARY KEY,
    card_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    position integer NOT NULL,
    text text NOT NULL,
    done_at timestamptz,
    done_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_checklist_items_card_idx ON card_checklist_items (card_id, position);
