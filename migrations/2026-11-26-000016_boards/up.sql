-- Kanban boards (pipelines) and their ordered stages. Cards, labels and board fields follow.
CREATE TABLE boards (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name text NOT NULL,
    colour text NOT NULL CHECK (colour ~ '^#[0-9a-f]{6}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX boards_account_idx ON boards (account_id, created_at);

-- The users a board is shared with (agents see only these boards; admins see all).
CREATE TABLE board_members (
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (board_id, user_id)
);
CREATE INDEX board_members_user_idx ON board_members (user_id);

-- `position` is a `domain::positions` key, compared byte by byte.
CREATE TABLE board_stages (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name text NOT NULL,
    colour text NOT NULL CHECK (colour ~ '^#[0-9a-f]{6}$'),
    stale_days integer CHECK (stale_days BETWEEN 1 AND 3650),
    wip_limit integer CHECK (wip_limit BETWEEN 1 AND 10000),
    position text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (board_id, position)
);
