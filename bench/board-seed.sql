-- Fills board :'board' (8 stages, 5 labels, psql variables) with :n cards spread over its
-- stages, each with a label, a member (the account's agents), a deal value in BRL and, for
-- every other card, a linked contact of the account. Positions are fixed-width keys, in order.
\set ON_ERROR_STOP on
DELETE FROM cards WHERE board_id = :'board';
WITH stages AS (
    SELECT array_agg(id ORDER BY position) AS ids FROM board_stages WHERE board_id = :'board'
), agents AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE account_id = :'account' AND role = 'agent'
), leads AS (
    SELECT id, row_number() OVER (ORDER BY id) AS r FROM contacts WHERE account_id = :'account' LIMIT :n
)
INSERT INTO cards (id, account_id, board_id, stage_id, position, title, description, contact_id, amount_minor, currency,
                   product, created_by, created_at, updated_at)
SELECT gen_random_uuid(), :'account', :'board',
       stages.ids[1 + i % array_length(stages.ids, 1)],
       'A' || lpad(i::text, 6, '0') || 'V',
       'Deal ' || i,
       CASE WHEN i % 3 = 0 THEN 'Proposta para o plano ' || (i % 7) ELSE '' END,
       CASE WHEN i % 2 = 0 THEN (SELECT id FROM leads WHERE r = i / 2) END,
       (i % 500) * 1000 + 990, 'BRL',
       'Plano ' || (i % 7),
       agents.ids[1 + i % array_length(agents.ids, 1)],
       now() - (i % 365) * interval '1 day',
       now() - (i % 20) * interval '1 day'
FROM generate_series(1, :n) AS i, stages, agents;
INSERT INTO card_labels (card_id, label_id)
SELECT c.id, l.ids[1 + abs(hashtext(c.id::text)) % array_length(l.ids, 1)]
FROM cards c, (SELECT array_agg(id ORDER BY id) AS ids FROM board_labels WHERE board_id = :'board') l
WHERE c.board_id = :'board';
INSERT INTO card_members (card_id, user_id)
SELECT id, created_by FROM cards WHERE board_id = :'board' AND created_by IS NOT NULL;
ANALYZE cards;
ANALYZE card_labels;
ANALYZE card_members;
