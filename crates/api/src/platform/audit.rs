//! The account's audit: what stays of an action that removed data (a client deleted for
//! good), with who and when but none of the removed personal data. Written in the action's
//! transaction; read by admins, newest first.

use diesel::prelude::*;
use domain::{AuditEntry, AuditPage};
use serde_json::Value;
use uuid::Uuid;

use crate::platform::db::schema::account_audit;
use crate::platform::error::ApiResult;

/// Who did it, as the change logs name them.
pub struct AuditActor<'a> {
    pub user_id: Option<Uuid>,
    pub label: &'a str,
}

/// One entry per subject of `action`, e.g. every client of a bulk delete.
pub fn record_many(
    conn: &mut PgConnection,
    account_id: Uuid,
    actor: &AuditActor,
    action: &str,
    entries: &[(Uuid, Value)],
) -> ApiResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = entries
        .iter()
        .map(|(subject, details)| {
            (
                account_audit::account_id.eq(account_id),
                account_audit::actor_user_id.eq(actor.user_id),
                account_audit::actor_label.eq(actor.label),
                account_audit::action.eq(action),
                account_audit::subject_id.eq(Some(*subject)),
                account_audit::details.eq(details),
            )
        })
        .collect();
    diesel::insert_into(account_audit::table).values(rows).execute(conn)?;
    Ok(())
}

/// Entries older than `before` (all when none), newest first, `limit` at most.
pub fn page(conn: &mut PgConnection, account_id: Uuid, before: Option<i64>, limit: i64) -> ApiResult<AuditPage> {
    type Row = (i64, String, Option<Uuid>, Option<Uuid>, String, Value, chrono::DateTime<chrono::Utc>);
    let mut query = account_audit::table
        .filter(account_audit::account_id.eq(account_id))
        .order(account_audit::id.desc())
        .select((
            account_audit::id,
            account_audit::action,
            account_audit::subject_id,
            account_audit::actor_user_id,
            account_audit::actor_label,
            account_audit::details,
            account_audit::created_at,
        ))
        .limit(limit + 1)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(account_audit::id.lt(before));
    }
    let mut rows: Vec<Row> = query.load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_before = more.then(|| rows.last().map(|r| r.0)).flatten();
    let items = rows
        .into_iter()
        .map(|(id, action, subject_id, actor_user_id, actor, details, created_at)| AuditEntry {
            id,
            action,
            subject_id,
            actor_user_id,
            actor,
            details,
            created_at,
        })
        .collect();
    Ok(AuditPage { items, next_before })
}
