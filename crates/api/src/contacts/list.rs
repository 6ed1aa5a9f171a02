//! The contact list's page and tab counts on the async read path (`crate::reads`): the same
//! diesel queries as the synchronous helpers in `queries`, sent together on one connection
//! (pipelined) from the worker thread serving the request.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{ContactFilter, ContactPage, StatusCounts};
use futures_util::future::{BoxFuture, FutureExt, TryFutureExt};

use super::counters;
use super::queries::{self, ContactSummaryRow, CountsSource};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::reads::ReadConn;

/// One page of the list (`limit` rows from `cursor`) with the tab counts under the same filter.
pub async fn page(
    conn: &mut ReadConn,
    caller: &AuthUser,
    filter: &ContactFilter,
    cursor: Option<&str>,
    limit: i64,
) -> ApiResult<ContactPage> {
    let rows_query = crate::db::literal_limit(
        queries::page_query(caller, filter, cursor)?.select(ContactSummaryRow::as_select()),
        limit as u32 + 1,
    );
    // Through a shared reference both statements go out before either answer is read.
    let shared: &AsyncPgConnection = conn;
    let rows = rows_query.load::<ContactSummaryRow>(&mut &*shared);
    let counts: BoxFuture<'_, QueryResult<StatusCounts>> = match queries::counts_source(caller, filter) {
        CountsSource::Counters(Some(q)) => q.load::<(String, i64)>(&mut &*shared).map_ok(counters::fold).boxed(),
        CountsSource::Counters(None) => futures_util::future::ready(Ok(StatusCounts::default())).boxed(),
        CountsSource::Rows(q) => q.first::<(i64, i64, i64, i64)>(&mut &*shared).map_ok(queries::tabs).boxed(),
    };
    let loaded = futures_util::try_join!(rows, counts);
    let (rows, counts) = conn.check(loaded)?;
    let (rows, next_cursor) = queries::split_page(rows, limit, |r: &ContactSummaryRow| (r.first_contact_at, r.id));
    let items = rows.into_iter().map(ContactSummaryRow::into_summary).collect();
    Ok(ContactPage { items, next_cursor, counts })
}
