//! The desk report's SQL: chats that reached an operator's Inbox (`waiting_since` set when the
//! bot hands over), timed as the conversation's own stats are (wait = accepted − waiting
//! since; first response = first operator reply − waiting since), and against the site's
//! first-response target where it had one.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Timestamptz, Uuid as SqlUuid};
use domain::reports::{DeskReport, HeatCell, OperatorRow, ResponseTimes};

use super::queries::{local_time, Names, Scope};
use crate::platform::error::ApiResult;

/// $1 account, $2 site, $3 operator, $4 channel; then $5… as each query adds.
const FILTERS: &str = "v.account_id = $1 AND ($2::uuid IS NULL OR v.site_id = $2)
    AND ($3::uuid IS NULL OR v.owner_id = $3) AND ($4::text IS NULL OR v.channel = $4)
    AND v.waiting_since IS NOT NULL";

#[derive(QueryableByName)]
struct Totals {
    #[diesel(sql_type = BigInt)]
    chats: i64,
    #[diesel(sql_type = BigInt)]
    previous_chats: i64,
    #[diesel(sql_type = BigInt)]
    answered: i64,
    #[diesel(sql_type = BigInt)]
    missed: i64,
    #[diesel(sql_type = BigInt)]
    previous_missed: i64,
    #[diesel(sql_type = BigInt)]
    waited: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    wait_median: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    wait_p90: Option<i64>,
    #[diesel(sql_type = BigInt)]
    responded: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    response_median: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    response_p90: Option<i64>,
    #[diesel(sql_type = BigInt)]
    sla_measured: i64,
    #[diesel(sql_type = BigInt)]
    sla_met: i64,
}

#[derive(QueryableByName)]
struct Cell {
    #[diesel(sql_type = Integer)]
    weekday: i32,
    #[diesel(sql_type = Integer)]
    hour: i32,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct Operator {
    #[diesel(sql_type = Nullable<diesel::sql_types::Text>)]
    key: Option<String>,
    #[diesel(sql_type = BigInt)]
    accepted: i64,
    #[diesel(sql_type = BigInt)]
    closed: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    median: Option<i64>,
    #[diesel(sql_type = BigInt)]
    calls: i64,
}

/// Calls logged in [$5, $6) under the same filters ($3 the user who logged; a chat channel
/// in $4 leaves them out; $2 the client's site), as `k.user_id, count(*) AS calls`.
const CALLS: &str = "SELECT k.user_id, count(*) AS calls
    FROM contact_calls k JOIN contacts c ON c.id = k.contact_id
    WHERE k.account_id = $1 AND ($2::uuid IS NULL OR c.site_id = $2) AND ($3::uuid IS NULL OR k.user_id = $3)
      AND $4::text IS NULL AND k.user_id IS NOT NULL AND k.called_at >= $5 AND k.called_at < $6";

#[derive(QueryableByName)]
struct CallCount {
    #[diesel(sql_type = BigInt)]
    calls: i64,
}

macro_rules! scoped {
    ($sql:expr, $scope:expr) => {
        diesel::sql_query($sql)
            .bind::<SqlUuid, _>($scope.account_id)
            .bind::<Nullable<SqlUuid>, _>($scope.site_id)
            .bind::<Nullable<SqlUuid>, _>($scope.assignee_id)
            .bind::<Nullable<diesel::sql_types::Text>, _>($scope.channel.map(domain::Channel::as_str))
    };
}

pub fn desk(conn: &mut PgConnection, scope: &Scope) -> ApiResult<DeskReport> {
    let (previous_start, start, end) = scope.bounds();
    let wait = "extract(epoch FROM v.accepted_at - v.waiting_since)::bigint";
    let response = "extract(epoch FROM v.first_response_at - v.waiting_since)::bigint";
    let totals: Totals = scoped!(
        format!(
            "SELECT count(*) FILTER (WHERE v.waiting_since >= $6) AS chats,
                    count(*) FILTER (WHERE v.waiting_since < $6) AS previous_chats,
                    count(*) FILTER (WHERE v.waiting_since >= $6 AND v.accepted_at IS NOT NULL) AS answered,
                    count(*) FILTER (WHERE v.waiting_since >= $6 AND v.accepted_at IS NULL AND v.status = 'closed') AS missed,
                    count(*) FILTER (WHERE v.waiting_since < $6 AND v.accepted_at IS NULL AND v.status = 'closed') AS previous_missed,
                    count(*) FILTER (WHERE v.waiting_since >= $6 AND v.accepted_at IS NOT NULL) AS waited,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY {wait}) FILTER (WHERE v.waiting_since >= $6 AND v.accepted_at IS NOT NULL) AS wait_median,
                    percentile_disc(0.9) WITHIN GROUP (ORDER BY {wait}) FILTER (WHERE v.waiting_since >= $6 AND v.accepted_at IS NOT NULL) AS wait_p90,
                    count(*) FILTER (WHERE v.waiting_since >= $6 AND v.first_response_at IS NOT NULL) AS responded,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY {response}) FILTER (WHERE v.waiting_since >= $6 AND v.first_response_at IS NOT NULL) AS response_median,
                    percentile_disc(0.9) WITHIN GROUP (ORDER BY {response}) FILTER (WHERE v.waiting_since >= $6 AND v.first_response_at IS NOT NULL) AS response_p90,
                    count(*) FILTER (WHERE v.waiting_since >= $6 AND v.sla_due_at IS NOT NULL
                                       AND (v.first_response_at IS NOT NULL OR v.sla_due_at <= now())) AS sla_measured,
                    count(*) FILTER (WHERE v.waiting_since >= $6 AND v.first_response_at <= v.sla_due_at) AS sla_met
             FROM conversations v
             WHERE {FILTERS} AND v.waiting_since >= $5 AND v.waiting_since < $7"
        ),
        scope
    )
    .bind::<Timestamptz, _>(previous_start)
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .get_result(conn)?;

    let local = local_time("v.waiting_since", "$7");
    let cells: Vec<Cell> = scoped!(
        format!(
            "SELECT extract(isodow FROM {local})::int AS weekday, extract(hour FROM {local})::int AS hour, count(*) AS count
             FROM conversations v
             WHERE {FILTERS} AND v.waiting_since >= $5 AND v.waiting_since < $6
             GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        scope
    )
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .bind::<Integer, _>(scope.utc_offset as i32)
    .load(conn)?;

    // Chats per owner, beside calls per user who logged them: an operator who only called
    // has a row too.
    let operators: Vec<Operator> = scoped!(
        format!(
            "WITH chats AS (
                SELECT v.owner_id AS user_id, count(*) AS accepted, count(*) FILTER (WHERE v.status = 'closed') AS closed,
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY {response}) FILTER (WHERE v.first_response_at IS NOT NULL) AS median
                FROM conversations v
                WHERE {FILTERS} AND v.waiting_since >= $5 AND v.waiting_since < $6
                  AND v.owner_id IS NOT NULL AND v.accepted_at IS NOT NULL
                GROUP BY v.owner_id),
             calls AS ({CALLS} GROUP BY k.user_id)
             SELECT coalesce(chats.user_id, calls.user_id)::text AS key, coalesce(chats.accepted, 0) AS accepted,
                    coalesce(chats.closed, 0) AS closed, chats.median, coalesce(calls.calls, 0) AS calls
             FROM chats FULL JOIN calls ON calls.user_id = chats.user_id
             ORDER BY accepted DESC, calls DESC, key"
        ),
        scope
    )
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .load(conn)?;

    let calls: CallCount =
        scoped!(format!("SELECT coalesce(sum(calls), 0)::bigint AS calls FROM ({CALLS} GROUP BY k.user_id) t"), scope)
            .bind::<Timestamptz, _>(start)
            .bind::<Timestamptz, _>(end)
            .get_result(conn)?;

    let names = Names::load(conn, scope.account_id)?;
    Ok(DeskReport {
        period: scope.period,
        previous: scope.period.previous(),
        chats: totals.chats,
        previous_chats: totals.previous_chats,
        calls: calls.calls,
        answered: totals.answered,
        missed: totals.missed,
        previous_missed: totals.previous_missed,
        wait: ResponseTimes { measured: totals.waited, median_secs: totals.wait_median, p90_secs: totals.wait_p90 },
        first_response: ResponseTimes {
            measured: totals.responded,
            median_secs: totals.response_median,
            p90_secs: totals.response_p90,
        },
        sla_measured: totals.sla_measured,
        sla_met: totals.sla_met,
        heatmap: cells
            .into_iter()
            .map(|c| HeatCell { weekday: c.weekday as u8, hour: c.hour as u8, count: c.count })
            .collect(),
        by_operator: operators
            .into_iter()
            .map(|o| OperatorRow {
                label: names.user(o.key.as_deref()),
                key: o.key,
                accepted: o.accepted,
                closed: o.closed,
                median_first_response_secs: o.median,
                calls: o.calls,
            })
            .collect(),
    })
}
