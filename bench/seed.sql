-- Bulk-loads :n contacts into account :'account' (psql variables), spread over its agents,
-- statuses, sources and two years of first contacts. The counter trigger is paused during
-- the load and the counters rebuilt once afterwards.
\set ON_ERROR_STOP on
ALTER TABLE contacts DISABLE TRIGGER contacts_count_insert_delete;
WITH agents AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE account_id = :'account' AND role = 'agent'
)
INSERT INTO contacts (id, account_id, name, email, phone, first_contact_at, source, medium, channel, rating, status, assignee_id, tags, city, country, page_url)
SELECT
    gen_random_uuid(),
    :'account',
    'Lead ' || i,
    'lead' || i || '@bench.test',
    '+55119' || lpad(i::text, 8, '0'),
    now() - (i % 730) * interval '1 day' - (i % 86400) * interval '1 second',
    (ARRAY['google', 'facebook', 'instagram', 'direct', 'newsletter'])[1 + i % 7 % 5],
    (ARRAY['cpc', 'social', 'organic', 'email'])[1 + i % 4],
    (ARRAY['chatbot', 'form', 'live_chat', 'integration'])[1 + i % 4],
    1 + i % 5,
    (ARRAY['to_contact', 'to_contact', 'in_progress', 'won', 'lost'])[1 + i % 5],
    CASE WHEN i % 6 = 0 THEN NULL ELSE agents.ids[1 + i % array_length(agents.ids, 1)] END,
    CASE WHEN i % 10 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END,
    'São Paulo',
    'BR',
    'https://loja.example.com/p/' || (i % 100)
FROM generate_series(:start, :n) AS i, agents;
ALTER TABLE contacts ENABLE TRIGGER contacts_count_insert_delete;
DELETE FROM contact_counts WHERE account_id = :'account';
INSERT INTO contact_counts (account_id, assignee_key, status, shard, n)
SELECT account_id, coalesce(assignee_id, '00000000-0000-0000-0000-000000000000'), status, 0, count(*)
FROM contacts WHERE account_id = :'account' GROUP BY 1, 2, 3;
ANALYZE contacts;
