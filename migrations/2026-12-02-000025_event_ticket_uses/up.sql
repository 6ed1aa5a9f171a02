-- A stream ticket opens one stream: its id is recorded when used, on any instance, and a
-- second use is refused. Kept a little longer than a ticket lives (the janitor trims it).
CREATE TABLE event_ticket_uses (
    jti uuid PRIMARY KEY,
    used_at timestamptz NOT NULL DEFAULT now()
);
