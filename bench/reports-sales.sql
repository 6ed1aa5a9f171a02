-- What GET /api/v1/reports/sales runs for an admin with no filter (crates/api/src/reports/
-- queries.rs): closings of the period and the one before, per local month and per agent.
SELECT CASE WHEN grouping(c.assignee_id) = 0 THEN 'agent' ELSE 'month' END AS dimension,
       CASE WHEN grouping(c.assignee_id) = 0 THEN c.assignee_id::text
            ELSE to_char(((c.closed_at AT TIME ZONE 'UTC') + make_interval(mins => -180))::date, 'YYYY-MM') END AS key,
       c.status,
       count(*) FILTER (WHERE c.closed_at >= :start::timestamptz) AS count,
       count(*) FILTER (WHERE c.closed_at < :start::timestamptz) AS previous_count
FROM contacts c
WHERE c.account_id = :account::uuid AND c.closed_at >= :prev_start::timestamptz AND c.closed_at < :end_at::timestamptz
  AND c.status IN ('won', 'lost')
GROUP BY GROUPING SETS ((c.assignee_id, c.status),
  (to_char(((c.closed_at AT TIME ZONE 'UTC') + make_interval(mins => -180))::date, 'YYYY-MM'), c.status));
