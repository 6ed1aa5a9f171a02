//! Notification rows: each belongs to one user of one account, and every query names both.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::platform::db::schema::{contacts, notifications};
use crate::platform::error::ApiResult;
use crate::platform::events::{self, Audience};

/// Notifies `user_id` in-app, in the caller's transaction, and tells their open desk at once
/// (`notification.created`).
pub fn notify(
    conn: &mut PgConnection,
    account_id: Uuid,
    user_id: Uuid,
    kind: &str,
    title: &str,
    contact_id: Option<Uuid>,
) -> ApiResult<Uuid> {
    let id = Uuid::new_v4();
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(id),
            notifications::account_id.eq(account_id),
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::title.eq(title),
            notifications::contact_id.eq(contact_id),
        ))
        .execute(conn)?;
    events::record(
        conn,
        account_id,
        Audience::users([user_id]),
        events::EventData::NotificationCreated(domain::events::NotificationCreated {
            id,
            kind: kind.to_string(),
            title: title.to_string(),
            contact_id,
        }),
    )?;
    Ok(id)
}

/// id, kind, title, contact, read at, created at.
pub type NotificationRow = (Uuid, String, String, Option<Uuid>, Option<DateTime<Utc>>, DateTime<Utc>);

/// The user's 50 newest notifications, how many are unread, and a label (name, e-mail or
/// phone) for each contact they name.
pub fn latest(
    conn: &mut PgConnection,
    account_id: Uuid,
    user_id: Uuid,
) -> ApiResult<(Vec<NotificationRow>, i64, HashMap<Uuid, String>)> {
    let mine = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::user_id.eq(user_id));
    let rows: Vec<NotificationRow> = mine
        .order(notifications::created_at.desc())
        .limit(50)
        .select((
            notifications::id,
            notifications::kind,
            notifications::title,
            notifications::contact_id,
            notifications::read_at,
            notifications::created_at,
        ))
        .load(conn)?;
    let unread: i64 = mine.filter(notifications::read_at.is_null()).count().get_result(conn)?;
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.3).collect();
    let labels = contacts::table
        .filter(contacts::account_id.eq(account_id))
        .filter(contacts::id.eq_any(&ids))
        .select((contacts::id, contacts::name, contacts::email, contacts::phone))
        .load::<(Uuid, Option<String>, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .filter_map(|(id, name, email, phone)| Some((id, domain::text::contact_label(&name, &email, &phone)?)))
        .collect();
    Ok((rows, unread, labels))
}

/// Marks the user's notification `id` read, or all of the unread ones when `None`; how many
/// rows changed (0 for an `id`: not one of the user's).
pub fn mark_read(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid, id: Option<Uuid>) -> ApiResult<usize> {
    let mut mine = diesel::update(notifications::table)
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::user_id.eq(user_id))
        .into_boxed();
    mine = match id {
        Some(id) => mine.filter(notifications::id.eq(id)),
        None => mine.filter(notifications::read_at.is_null()),
    };
    Ok(mine.set(notifications::read_at.eq(Some(Utc::now()))).execute(conn)?)
}
