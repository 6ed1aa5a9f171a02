-- What GET /api/v1/reports/desk runs for an admin with no filter (crates/api/src/reports/
-- desk.rs): totals with medians and p90s over the period and the one before, chats per local
-- weekday and hour, and per operator.
SELECT count(*) FILTER (WHERE v.waiting_since >= :start::timestamptz) AS chats,
       count(*) FILTER (WHERE v.waiting_since < :start::timestamptz) AS previous_chats,
       count(*) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.accepted_at IS NOT NULL) AS answered,
       count(*) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.accepted_at IS NULL AND v.status = 'closed') AS missed,
       count(*) FILTER (WHERE v.waiting_since < :start::timestamptz AND v.accepted_at IS NULL AND v.status = 'closed') AS previous_missed,
       count(*) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.accepted_at IS NOT NULL) AS waited,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM v.accepted_at - v.waiting_since)::bigint) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.accepted_at IS NOT NULL) AS wait_median,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM v.accepted_at - v.waiting_since)::bigint) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.accepted_at IS NOT NULL) AS wait_p90,
       count(*) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.first_response_at IS NOT NULL) AS responded,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM v.first_response_at - v.waiting_since)::bigint) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.first_response_at IS NOT NULL) AS response_median,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM v.first_response_at - v.waiting_since)::bigint) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.first_response_at IS NOT NULL) AS response_p90,
       count(*) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.sla_due_at IS NOT NULL
                          AND (v.first_response_at IS NOT NULL OR v.sla_due_at <= now())) AS sla_measured,
       count(*) FILTER (WHERE v.waiting_since >= :start::timestamptz AND v.first_response_at <= v.sla_due_at) AS sla_met
FROM conversations v
WHERE v.account_id = :account::uuid AND v.waiting_since IS NOT NULL
  AND v.waiting_since >= :prev_start::timestamptz AND v.waiting_since < :end_at::timestamptz;
SELECT extract(isodow FROM (v.waiting_since AT TIME ZONE 'UTC') + make_interval(mins => -180))::int AS weekday,
       extract(hour FROM (v.waiting_since AT TIME ZONE 'UTC') + make_interval(mins => -180))::int AS hour, count(*) AS count
FROM conversations v
WHERE v.account_id = :account::uuid AND v.waiting_since IS NOT NULL
  AND v.waiting_since >= :start::timestamptz AND v.waiting_since < :end_at::timestamptz
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT v.owner_id::text AS key, count(*) AS accepted, count(*) FILTER (WHERE v.status = 'closed') AS closed,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM v.first_response_at - v.waiting_since)::bigint) FILTER (WHERE v.first_response_at IS NOT NULL) AS median
FROM conversations v
WHERE v.account_id = :account::uuid AND v.waiting_since IS NOT NULL
  AND v.waiting_since >= :start::timestamptz AND v.waiting_since < :end_at::timestamptz
  AND v.owner_id IS NOT NULL AND v.accepted_at IS NOT NULL
GROUP BY v.owner_id ORDER BY accepted DESC, key;
