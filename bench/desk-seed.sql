-- Bulk-loads conversations :start..:n into account :'account' (psql variables): chats of the
-- bench leads over two years that reached the Inbox, most accepted by one of its agents and
-- closed, some missed (closed unaccepted), a few still waiting or open; a third on a site
-- with a 60-second reply target. What GET /api/v1/reports/desk reads.
\set ON_ERROR_STOP on
WITH agents AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE account_id = :'account' AND role = 'agent'
), leads AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM (
        SELECT id FROM contacts WHERE account_id = :'account' ORDER BY id LIMIT 100000) l
), chats AS (
    SELECT i,
           now() - (i % 730) * interval '1 day' - (i * 37 % 86400) * interval '1 second' AS waiting_since,
           i % 10 AS kind
    FROM generate_series(:start, :n) AS i
)
INSERT INTO conversations (id, account_id, contact_id, channel, started_at, status, owner_id, lang,
                           waiting_since, accepted_at, first_response_at, closed_at, last_message_at, sla_due_at)
SELECT gen_random_uuid(), :'account', leads.ids[1 + c.i % array_length(leads.ids, 1)],
       CASE WHEN c.i % 3 = 0 THEN 'chatbot' ELSE 'live_chat' END,
       c.waiting_since - interval '40 seconds',
       CASE WHEN c.kind = 0 AND c.i % 730 < 1 THEN 'waiting' WHEN c.kind = 1 AND c.i % 730 < 1 THEN 'active' ELSE 'closed' END,
       CASE WHEN c.kind = 0 THEN NULL ELSE agents.ids[1 + c.i % array_length(agents.ids, 1)] END,
       'pt-BR',
       c.waiting_since,
       CASE WHEN c.kind = 0 THEN NULL ELSE c.waiting_since + (5 + c.i % 120) * interval '1 second' END,
       CASE WHEN c.kind = 0 THEN NULL ELSE c.waiting_since + (15 + c.i % 300) * interval '1 second' END,
       CASE WHEN c.kind = 0 AND c.i % 730 < 1 THEN NULL WHEN c.kind = 1 AND c.i % 730 < 1 THEN NULL
            ELSE c.waiting_since + (300 + c.i % 1800) * interval '1 second' END,
       c.waiting_since + (200 + c.i % 1500) * interval '1 second',
       CASE WHEN c.i % 3 = 0 THEN c.waiting_since + interval '60 seconds' END
FROM chats c, agents, leads;
ANALYZE conversations;
