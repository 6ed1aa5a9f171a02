-- Labels a board's cards can carry.
CREATE TABLE board_labels (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name text NOT NULL,
    colour text NOT NULL CHECK (colour ~ '^#[0-9a-f]{6}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX board_labels_board_idx ON board_labels (board_id, created_at);

-- A card sits in one stage at a `domain::positions` key (unique within the stage, compared
-- byte by byte). Money is stored in minor units (cents), never as a float. `version` grows on
-- every change and is the card's ETag.
CREATE TABLE cards (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    -- No cascade: a stage holding cards is deleted only after they move elsewhere.
    stage_id uuid NOT NULL REFERENCES board_stages (id),
    position text COLLATE "C" NOT NULL,
    title text NOT NULL,
    description text NOT NULL DEFAULT '',
    contact_id uuid REFERENCES contacts (id) ON DELETE SET NULL,
    amount_minor bigint CHECK (amount_minor >= 0),
    currency text CHECK (currency ~ '^[A-Z]{3}$'),
    product text,
    version integer NOT NULL DEFAULT 1,
    archived_at timestamptz,
    lost_at timestamptz,
    lost_reason text,
    converted_to_client_at timestamptz,
    converted_to_service_at timestamptz,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((amount_minor IS NULL) = (currency IS NULL)),
    UNIQUE (stage_id, position),
    -- At most one card per contact per board.
    UNIQUE (board_id, contact_id)
);
CREATE INDEX cards_account_idx ON cards (account_id);
CREATE INDEX cards_contact_idx ON cards (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX cards_stage_created_idx ON cards (stage_id, created_at, id);

CREATE TABLE card_labels (
    card_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    label_id uuid NOT NULL REFERENCES board_labels (id) ON DELETE CASCADE,
    PRIMARY KEY (card_id, label_id)
);
CREATE INDEX card_labels_label_idx ON card_labels (label_id);

CREATE TABLE card_members (
    card_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (card_id, user_id)
);
CREATE INDEX card_members_user_idx ON card_members (user_id);

CREATE TABLE card_comments (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    card_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    author_label text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_comments_card_idx ON card_comments (card_id, created_at);

-- Every change on a board, kept after its card is deleted (card_id has no foreign key).
CREATE TABLE board_history (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    card_id uuid,
    card_title text NOT NULL,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    actor_label text NOT NULL,
    action text NOT NULL,
    field text,
    old_value jsonb,
    new_value jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX board_history_board_idx ON board_history (board_id, id DESC);
CREATE INDEX board_history_card_idx ON board_history (card_id, id DESC) WHERE card_id IS NOT NULL;

-- A user's named board filters: the board view's query string.
CREATE TABLE saved_board_filters (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    query text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (board_id, user_id, name)
);
