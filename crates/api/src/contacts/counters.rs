//! Tab counts kept by a trigger in `contact_counts` (migrations 000004, 000007, 000009): rows per
//! (account, assignee, status, shard). Each database connection writes its own shard, so
//! concurrent leads do not queue on one row; a background compactor folds the shards back
//! into one row per key so reading the counts stays a handful of rows.

use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use domain::{ContactFilter, ContactStatus, StatusCounts};
use uuid::Uuid;

use crate::platform::db::schema::contact_counts as cc;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;

/// The counter rows, as (status, n), behind a list's tabs.
pub type CountsQuery = cc::BoxedQuery<'static, Pg, (Text, BigInt)>;

/// The counter rows for a filter that only narrows by status and assignee; `None` when the
/// list is empty whatever the counters say (unassigned and an assignee at once).
pub fn tab_counts_query(caller: &AuthUser, f: &ContactFilter) -> Option<CountsQuery> {
    let unassigned_key = Uuid::nil();
    let mut q = cc::table.filter(cc::account_id.eq(caller.account_id)).into_boxed();
    if !caller.is_admin() {
        q = q.filter(cc::assignee_key.eq(caller.user_id));
    } else if f.unassigned == Some(true) {
        if f.assignee_id.is_some() {
            return None;
        }
        q = q.filter(cc::assignee_key.eq(unassigned_key));
    } else if let Some(a) = f.assignee_id {
        q = q.filter(cc::assignee_key.eq(a));
    }
    Some(q.select((cc::status, cc::n)))
}

/// Sums the counter rows (one per shard and assignee) into the tabs.
pub fn fold(rows: Vec<(String, i64)>) -> StatusCounts {
    let mut counts = StatusCounts::default();
    for (status, n) in rows {
        match ContactStatus::parse(&status) {
            Some(ContactStatus::ToContact) => counts.to_contact += n,
            Some(ContactStatus::InProgress) => counts.in_progress += n,
            Some(ContactStatus::Won) => counts.won += n,
            Some(ContactStatus::Lost) => counts.lost += n,
            None => {}
        }
    }
    counts
}

/// Folds every shard into shard 0, skipping rows a transaction in flight holds; returns
/// how many shard rows were folded. Totals do not change.
pub fn compact(conn: &mut PgConnection) -> ApiResult<i64> {
    Ok(diesel::select(sql::<BigInt>("contact_counts_compact()")).get_result(conn)?)
}

/// For a transaction about to change many contacts: from here to its end the trigger only
/// appends deltas (migration 000009), and [`flush_bulk`] must run before it commits.
pub fn begin_bulk(conn: &mut PgConnection) -> ApiResult<()> {
    diesel::sql_query("SET LOCAL prospecta.bulk_counts = 'on'").execute(conn)?;
    Ok(())
}

/// Adds the deltas this transaction appended since [`begin_bulk`] to the counters.
pub fn flush_bulk(conn: &mut PgConnection) -> ApiResult<i64> {
    Ok(diesel::select(sql::<BigInt>("contact_counts_flush_bulk()")).get_result(conn)?)
}
