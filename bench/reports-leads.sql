-- What GET /api/v1/reports/leads runs for an admin with no filter (crates/api/src/reports/
-- queries.rs): the breakdowns of the period and the one before, the daily series, the funnel
-- and conversions, and the first-action percentiles. pgbench -D: account, prev_start, start, end_at.
SELECT CASE WHEN grouping(c.source) = 0 THEN 'source' WHEN grouping(c.medium) = 0 THEN 'medium'
            WHEN grouping(c.channel) = 0 THEN 'channel' ELSE 'site' END AS dimension,
       CASE WHEN grouping(c.source) = 0 THEN c.source WHEN grouping(c.medium) = 0 THEN c.medium
            WHEN grouping(c.channel) = 0 THEN c.channel ELSE c.site_id::text END AS key,
       count(*) FILTER (WHERE c.first_contact_at >= :start::timestamptz) AS count,
       count(*) FILTER (WHERE c.first_contact_at < :start::timestamptz) AS previous_count
FROM contacts c
WHERE c.account_id = :account::uuid AND c.first_contact_at >= :prev_start::timestamptz AND c.first_contact_at < :end_at::timestamptz
GROUP BY GROUPING SETS ((c.source), (c.medium), (c.channel), (c.site_id));
SELECT ((c.first_contact_at AT TIME ZONE 'UTC') + make_interval(mins => -180))::date AS day, count(*) AS count
FROM contacts c
WHERE c.account_id = :account::uuid AND c.first_contact_at >= :start::timestamptz AND c.first_contact_at < :end_at::timestamptz
GROUP BY 1;
SELECT CASE WHEN grouping(c.source) = 0 THEN 'source' WHEN grouping(c.assignee_id) = 0 THEN 'agent' ELSE 'all' END AS dimension,
       CASE WHEN grouping(c.source) = 0 THEN c.source WHEN grouping(c.assignee_id) = 0 THEN c.assignee_id::text END AS key,
       c.status, count(*) AS count
FROM contacts c
WHERE c.account_id = :account::uuid AND c.first_contact_at >= :start::timestamptz AND c.first_contact_at < :end_at::timestamptz
GROUP BY GROUPING SETS ((c.status), (c.source, c.status), (c.assignee_id, c.status));
SELECT count(*) AS measured,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY t.secs) AS median,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY t.secs) AS p90
FROM (SELECT greatest(0, extract(epoch FROM c.first_action_at - c.first_contact_at))::bigint AS secs
      FROM contacts c
      WHERE c.account_id = :account::uuid AND c.first_contact_at >= :start::timestamptz AND c.first_contact_at < :end_at::timestamptz
        AND c.first_action_at IS NOT NULL) t;
