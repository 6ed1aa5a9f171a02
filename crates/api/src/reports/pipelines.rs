//! The pipelines report's SQL: open deals per stage now, deals won and lost per local month of
//! the period with their values and reasons, and stays in a stage (from the board history's
//! moves) that ended in the period. Each is one grouped query over the caller's boards.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use domain::reports::pipelines::add_money;
use domain::reports::{BoardPipeline, LostReasonRow, Period, PipelineMonth, PipelinesReport, StageRow};
use uuid::Uuid;

use super::queries::local_time;
use crate::boards;
use crate::platform::db::schema::{board_stages, boards as board_rows};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

/// What one pipelines report counts.
pub struct PipelineScope {
    pub caller: AuthUser,
    pub period: Period,
    pub utc_offset: i16,
    pub board_id: Option<Uuid>,
    /// Only cards this user is a member of.
    pub member_id: Option<Uuid>,
}

/// $1 boards, $2 member; on cards `c`.
const CARD_FILTERS: &str = "c.board_id = ANY($1)
    AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM card_members m WHERE m.card_id = c.id AND m.user_id = $2))";

/// When a card was won: the first of its conversions.
const WON_AT: &str = "LEAST(c.converted_to_client_at, c.converted_to_service_at)";

#[derive(QueryableByName)]
struct Sum {
    #[diesel(sql_type = SqlUuid)]
    board_id: Uuid,
    /// A stage id, a month or a lost reason, by query.
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    currency: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    minor: Option<i64>,
}

#[derive(QueryableByName)]
struct Stay {
    #[diesel(sql_type = SqlUuid)]
    stage_id: Uuid,
    #[diesel(sql_type = BigInt)]
    stays: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    average_secs: Option<i64>,
}

pub fn pipelines(conn: &mut PgConnection, scope: &PipelineScope) -> ApiResult<PipelinesReport> {
    let mut visible = boards::visible(&scope.caller);
    if let Some(id) = scope.board_id {
        visible = visible.filter(board_rows::id.eq(id));
    }
    let board_list: Vec<(Uuid, String)> =
        visible.order((board_rows::name, board_rows::id)).select((board_rows::id, board_rows::name)).load(conn)?;
    if scope.board_id.is_some() && board_list.is_empty() {
        return Err(ApiError::field("board_id", "unknown", "is not a board you can see"));
    }
    let ids: Vec<Uuid> = board_list.iter().map(|(id, _)| *id).collect();
    let stages: Vec<(Uuid, Uuid, String)> = board_stages::table
        .filter(board_stages::board_id.eq_any(&ids))
        .order((board_stages::board_id, board_stages::position))
        .select((board_stages::board_id, board_stages::id, board_stages::name))
        .load(conn)?;
    let start = scope.period.from.and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::minutes(scope.utc_offset as i64);
    let end = start + Duration::days(scope.period.days());

    let mut out: Vec<BoardPipeline> = board_list
        .into_iter()
        .map(|(board_id, name)| BoardPipeline {
            board_id,
            name,
            stages: stages
                .iter()
                .filter(|(b, _, _)| *b == board_id)
                .map(|(_, stage_id, name)| StageRow {
                    stage_id: *stage_id,
                    name: name.clone(),
                    open: 0,
                    open_value: Vec::new(),
                    stays: 0,
                    average_stay_secs: None,
                })
                .collect(),
            months: scope
                .period
                .months()
                .into_iter()
                .map(|month| PipelineMonth { month, won: 0, won_value: Vec::new(), lost: 0, lost_value: Vec::new() })
                .collect(),
            lost_reasons: Vec::new(),
        })
        .collect();
    let index: HashMap<Uuid, usize> = out.iter().enumerate().map(|(i, b)| (b.board_id, i)).collect();

    for row in sums(conn, scope, &ids, start, end)? {
        let board = &mut out[index[&row.board_id]];
        match row.kind.as_str() {
            "open" => {
                if let Some(stage) = board.stages.iter_mut().find(|s| Some(s.stage_id.to_string()) == row.key) {
                    stage.open += row.count;
                    money(&mut stage.open_value, &row);
                }
            }
            "won" | "lost" => {
                if let Some(month) = board.months.iter_mut().find(|m| Some(&m.month) == row.key.as_ref()) {
                    if row.kind == "won" {
                        month.won += row.count;
                        money(&mut month.won_value, &row);
                    } else {
                        month.lost += row.count;
                        money(&mut month.lost_value, &row);
                    }
                }
            }
            _ => {
                let reasons = &mut board.lost_reasons;
                let at = match reasons.iter().position(|r| r.reason == row.key) {
                    Some(at) => at,
                    None => {
                        reasons.push(LostReasonRow { reason: row.key.clone(), count: 0, value: Vec::new() });
                        reasons.len() - 1
                    }
                };
                reasons[at].count += row.count;
                money(&mut reasons[at].value, &row);
            }
        }
    }
    for board in &mut out {
        board.lost_reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    }
    for stay in stays(conn, scope, &ids, start, end)? {
        if let Some(stage) = out.iter_mut().flat_map(|b| b.stages.iter_mut()).find(|s| s.stage_id == stay.stage_id) {
            stage.stays = stay.stays;
            stage.average_stay_secs = stay.average_secs;
        }
    }
    Ok(PipelinesReport { period: scope.period, boards: out })
}

fn money(sums: &mut Vec<domain::Money>, row: &Sum) {
    if let (Some(currency), Some(minor)) = (&row.currency, row.minor) {
        add_money(sums, minor, currency);
    }
}

/// Open cards per stage now; won and lost per local month ($5 offset) and lost per reason in
/// [$3, $4).
fn sums(
    conn: &mut PgConnection,
    scope: &PipelineScope,
    ids: &[Uuid],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> ApiResult<Vec<Sum>> {
    let month = |column: &str| format!("to_char({}, 'YYYY-MM')", local_time(column, "$5"));
    let sql = format!(
        "SELECT c.board_id, c.stage_id::text AS key, 'open' AS kind, c.currency, count(*) AS count,
                sum(c.amount_minor)::int8 AS minor
           FROM cards c
          WHERE {CARD_FILTERS} AND c.archived_at IS NULL AND c.lost_at IS NULL
            AND c.converted_to_client_at IS NULL AND c.converted_to_service_at IS NULL
          GROUP BY c.board_id, c.stage_id, c.currency
         UNION ALL
         SELECT c.board_id, {won_month}, 'won', c.currency, count(*), sum(c.amount_minor)::int8
           FROM cards c
          WHERE {CARD_FILTERS} AND {WON_AT} >= $3 AND {WON_AT} < $4
          GROUP BY c.board_id, 2, c.currency
         UNION ALL
         SELECT c.board_id, {lost_month}, 'lost', c.currency, count(*), sum(c.amount_minor)::int8
           FROM cards c
          WHERE {CARD_FILTERS} AND c.lost_at >= $3 AND c.lost_at < $4
          GROUP BY c.board_id, 2, c.currency
         UNION ALL
         SELECT c.board_id, c.lost_reason, 'reason', c.currency, count(*), sum(c.amount_minor)::int8
           FROM cards c
          WHERE {CARD_FILTERS} AND c.lost_at >= $3 AND c.lost_at < $4
          GROUP BY c.board_id, c.lost_reason, c.currency",
        won_month = month(WON_AT),
        lost_month = month("c.lost_at"),
    );
    Ok(diesel::sql_query(sql)
        .bind::<Array<SqlUuid>, _>(ids)
        .bind::<Nullable<SqlUuid>, _>(scope.member_id)
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<diesel::sql_types::Integer, _>(scope.utc_offset as i32)
        .load(conn)?)
}

/// Stays that ended in [$3, $4): each move to another stage ends the stay in the stage it
/// left, which began at the card's previous move or, for the first, when it was created.
fn stays(
    conn: &mut PgConnection,
    scope: &PipelineScope,
    ids: &[Uuid],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> ApiResult<Vec<Stay>> {
    let sql = format!(
        "WITH moves AS (
             SELECT (h.old_value->>'stage_id')::uuid AS stage_id, h.created_at AS left_at,
                    COALESCE(lag(h.created_at) OVER (PARTITION BY h.card_id ORDER BY h.id), c.created_at) AS entered_at
               FROM board_history h JOIN cards c ON c.id = h.card_id
              WHERE h.board_id = ANY($1) AND h.action = 'moved' AND {CARD_FILTERS}
                AND h.old_value->>'stage_id' IS DISTINCT FROM h.new_value->>'stage_id')
         SELECT stage_id, count(*) AS stays,
                round(avg(extract(epoch FROM left_at - entered_at)))::int8 AS average_secs
           FROM moves WHERE left_at >= $3 AND left_at < $4 AND stage_id IS NOT NULL
          GROUP BY stage_id"
    );
    Ok(diesel::sql_query(sql)
        .bind::<Array<SqlUuid>, _>(ids)
        .bind::<Nullable<SqlUuid>, _>(scope.member_id)
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .load(conn)?)
}
