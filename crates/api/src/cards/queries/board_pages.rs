//! Pages of a stage's cards under the board view's filter: every stage's first page in one
//! statement (a LATERAL join over the board's stages, each side an index scan with a LIMIT),
//! and "load more" for one stage.

use chrono::{DateTime, Utc};
use diesel::dsl::{sql, AsSelect, SqlTypeOf};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Timestamptz, Uuid as SqlUuid};
use domain::BoardOrder;
use uuid::Uuid;

use super::board_view::{Cursor, Filter};
use super::CardRow;
use crate::platform::db::schema::cards;
use crate::platform::error::{ApiError, ApiResult};

/// A stage's page: its cards and the cursor of the next page, if there is one.
pub type Page = (Vec<CardRow>, Option<String>);

/// A card with the date the filter orders by.
type Dated = (CardRow, DateTime<Utc>);

/// `ORDER BY` of a stage's cards, over `cards` or (`prefix` "page.") over the LATERAL rows.
fn order_sql(f: &Filter, prefix: &str) -> String {
    let dir = if f.order == BoardOrder::Desc { "DESC" } else { "ASC" };
    match f.order {
        BoardOrder::Manual if prefix.is_empty() => "cards.position ASC".to_string(),
        BoardOrder::Manual => format!("{prefix}position ASC"),
        _ if prefix.is_empty() => format!("{} {dir}, cards.id {dir}", f.date_sql()),
        _ => format!("{prefix}board_date {dir}, {prefix}id {dir}"),
    }
}

/// Splits `per_stage + 1` rows into the page and its next cursor.
fn page(f: &Filter, mut rows: Vec<Dated>) -> Page {
    let more = rows.len() as i64 > f.per_stage;
    rows.truncate(f.per_stage as usize);
    let next = rows.last().filter(|_| more).map(|(card, at)| match f.order {
        BoardOrder::Manual => Cursor::Position(card.position.clone()).encode(),
        _ => Cursor::Date(*at, card.id).encode(),
    });
    (rows.into_iter().map(|(card, _)| card).collect(), next)
}

/// `SELECT page.* FROM board_stages s CROSS JOIN LATERAL (<a stage's first page>) page …`:
/// diesel has no LATERAL, so the outer query is written here around the boxed inner one.
struct FirstPages<Q> {
    board_id: Uuid,
    inner: Q,
    order: String,
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for FirstPages<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT page.* FROM board_stages AS s CROSS JOIN LATERAL (");
        self.inner.walk_ast(out.reborrow())?;
        out.push_sql(") AS page WHERE s.board_id = ");
        out.push_bind_param::<SqlUuid, _>(&self.board_id)?;
        out.push_sql(" ORDER BY s.position, ");
        out.push_sql(&self.order);
        Ok(())
    }
}

impl<Q> QueryId for FirstPages<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for FirstPages<Q> {
    type SqlType = (SqlTypeOf<AsSelect<CardRow, Pg>>, Timestamptz);
}

impl<Q> RunQueryDsl<PgConnection> for FirstPages<Q> {}

/// The first page of every stage of the board, in board order, keyed by stage.
pub fn first_pages(conn: &mut PgConnection, f: &Filter, board_id: Uuid) -> ApiResult<Vec<(Uuid, Page)>> {
    let inner = f
        .query(board_id)
        .filter(sql::<Bool>("cards.stage_id = s.id"))
        .select((CardRow::as_select(), sql::<Timestamptz>(&format!("{} AS board_date", f.date_sql()))))
        .order(sql::<Timestamptz>(&order_sql(f, "")))
        .limit(f.per_stage + 1);
    let rows: Vec<Dated> = FirstPages { board_id, inner, order: order_sql(f, "page.") }.load(conn)?;
    let mut pages: Vec<(Uuid, Vec<Dated>)> = Vec::new();
    for row in rows {
        match pages.last_mut() {
            Some((stage, list)) if *stage == row.0.stage_id => list.push(row),
            _ => pages.push((row.0.stage_id, vec![row])),
        }
    }
    Ok(pages.into_iter().map(|(stage, rows)| (stage, page(f, rows))).collect())
}

/// One page of one stage's cards under the filter.
pub fn stage_page(
    conn: &mut PgConnection,
    f: &Filter,
    board_id: Uuid,
    stage_id: Uuid,
    cursor: Option<&Cursor>,
) -> ApiResult<Page> {
    let mut q = f.query(board_id).filter(cards::stage_id.eq(stage_id));
    let date = f.date_sql();
    let op = if f.order == BoardOrder::Desc { "<" } else { ">" };
    match (f.order, cursor) {
        (BoardOrder::Manual, Some(Cursor::Position(key))) => q = q.filter(cards::position.gt(key.clone())),
        (BoardOrder::Asc | BoardOrder::Desc, Some(Cursor::Date(at, id))) => {
            q = q.filter(
                sql::<Bool>(&format!("({date}, cards.id) {op} ("))
                    .bind::<Timestamptz, _>(*at)
                    .sql(", ")
                    .bind::<SqlUuid, _>(*id)
                    .sql(")"),
            )
        }
        (_, Some(_)) => return Err(ApiError::field("cursor", "invalid", "belongs to another order")),
        (_, None) => {}
    }
    q = q.order(sql::<Timestamptz>(&order_sql(f, "")));
    let rows: Vec<Dated> =
        q.select((CardRow::as_select(), sql::<Timestamptz>(date))).limit(f.per_stage + 1).load(conn)?;
    Ok(page(f, rows))
}
