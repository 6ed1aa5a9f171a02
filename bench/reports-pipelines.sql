-- What GET /api/v1/reports/pipelines runs for an admin with no filter (crates/api/src/reports/
-- pipelines.rs): the account's boards and stages, open deals per stage, won/lost per local
-- month and lost reasons in the period, and stays in stage that ended in the period.
SELECT id, name FROM boards WHERE account_id = :account::uuid ORDER BY name, id;
SELECT s.board_id, s.id, s.name FROM board_stages s JOIN boards b ON b.id = s.board_id
 WHERE b.account_id = :account::uuid ORDER BY s.board_id, s.position;
WITH mine AS (SELECT array_agg(id) AS ids FROM boards WHERE account_id = :account::uuid)
SELECT c.board_id, c.stage_id::text AS key, 'open' AS kind, c.currency, count(*), sum(c.amount_minor)::int8
  FROM cards c, mine WHERE c.board_id = ANY(mine.ids) AND c.archived_at IS NULL AND c.lost_at IS NULL
   AND c.converted_to_client_at IS NULL AND c.converted_to_service_at IS NULL
 GROUP BY c.board_id, c.stage_id, c.currency
UNION ALL
SELECT c.board_id, to_char(((LEAST(c.converted_to_client_at, c.converted_to_service_at) AT TIME ZONE 'UTC') + make_interval(mins => -180)), 'YYYY-MM'),
       'won', c.currency, count(*), sum(c.amount_minor)::int8
  FROM cards c, mine WHERE c.board_id = ANY(mine.ids)
   AND LEAST(c.converted_to_client_at, c.converted_to_service_at) >= :start::timestamptz
   AND LEAST(c.converted_to_client_at, c.converted_to_service_at) < :end_at::timestamptz
 GROUP BY c.board_id, 2, c.currency
UNION ALL
SELECT c.board_id, to_char(((c.lost_at AT TIME ZONE 'UTC') + make_interval(mins => -180)), 'YYYY-MM'), 'lost', c.currency, count(*), sum(c.amount_minor)::int8
  FROM cards c, mine WHERE c.board_id = ANY(mine.ids) AND c.lost_at >= :start::timestamptz AND c.lost_at < :end_at::timestamptz
 GROUP BY c.board_id, 2, c.currency
UNION ALL
SELECT c.board_id, c.lost_reason, 'reason', c.currency, count(*), sum(c.amount_minor)::int8
  FROM cards c, mine WHERE c.board_id = ANY(mine.ids) AND c.lost_at >= :start::timestamptz AND c.lost_at < :end_at::timestamptz
 GROUP BY c.board_id, c.lost_reason, c.currency;
WITH mine AS (SELECT array_agg(id) AS ids FROM boards WHERE account_id = :account::uuid),
moves AS (
  SELECT (h.old_value->>'stage_id')::uuid AS stage_id, h.created_at AS left_at,
         COALESCE(lag(h.created_at) OVER (PARTITION BY h.card_id ORDER BY h.id), c.created_at) AS entered_at
    FROM board_history h JOIN cards c ON c.id = h.card_id, mine
   WHERE h.board_id = ANY(mine.ids) AND h.action = 'moved' AND c.board_id = ANY(mine.ids)
     AND h.old_value->>'stage_id' IS DISTINCT FROM h.new_value->>'stage_id')
SELECT stage_id, count(*), round(avg(extract(epoch FROM left_at - entered_at)))::int8
  FROM moves WHERE left_at >= :start::timestamptz AND left_at < :end_at::timestamptz AND stage_id IS NOT NULL
 GROUP BY stage_id;
