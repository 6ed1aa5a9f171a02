//! A card's checklist items, on a connection.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{ChecklistItemView, UpdateChecklistItemRequest};
use serde_json::json;
use uuid::Uuid;

use super::{CardRow, Change};
use crate::platform::db::schema::{card_checklist_items as items, cards};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;

pub(crate) type ItemRow = (Uuid, String, Option<DateTime<Utc>>, Option<Uuid>, DateTime<Utc>);

pub(crate) const COLUMNS: (items::id, items::text, items::done_at, items::done_by, items::created_at) =
    (items::id, items::text, items::done_at, items::done_by, items::created_at);

pub(crate) fn view((id, text, done_at, done_by, created_at): ItemRow) -> ChecklistItemView {
    ChecklistItemView { id, text, done: done_at.is_some(), done_at, done_by, created_at }
}

/// Adds `texts` after the card's last item.
pub fn append(conn: &mut PgConnection, card_id: Uuid, texts: &[String]) -> ApiResult<Vec<ChecklistItemView>> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let last: Option<i32> =
        items::table.filter(items::card_id.eq(card_id)).select(diesel::dsl::max(items::position)).first(conn)?;
    let start = last.map_or(0, |p| p + 1);
    let rows: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            (
                items::id.eq(Uuid::new_v4()),
                items::card_id.eq(card_id),
                items::position.eq(start + i as i32),
                items::text.eq(text.trim()),
            )
        })
        .collect();
    let added: Vec<ItemRow> = diesel::insert_into(items::table).values(rows).returning(COLUMNS).get_results(conn)?;
    Ok(added.into_iter().map(view).collect())
}

/// Marks the card as worked on now and writes `change` to the history.
pub(crate) fn touch(conn: &mut PgConnection, caller: &AuthUser, mut card: CardRow, change: Change) -> ApiResult<()> {
    card.updated_at = Utc::now();
    diesel::update(cards::table.find(card.id)).set(cards::updated_at.eq(card.updated_at)).execute(conn)?;
    super::record(conn, caller, &card, crate::platform::events::EventData::CardUpdated, &[change])
}

/// Card `id`'s checklist, in order.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<Vec<ChecklistItemView>> {
    super::card_for(conn, caller, id, false)?;
    let rows: Vec<ItemRow> =
        items::table.filter(items::card_id.eq(id)).order((items::position, items::id)).select(COLUMNS).load(conn)?;
    Ok(rows.into_iter().map(view).collect())
}

/// Adds an item last on card `id`'s checklist.
pub fn add(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, text: String) -> ApiResult<ChecklistItemView> {
    let card = super::card_for(conn, caller, id, true)?;
    let item = append(conn, id, &[text])?.pop().ok_or(crate::platform::error::ApiError::NotFound)?;
    touch(conn, caller, card, Change::field("checklist", None, Some(json!(item.text))))?;
    Ok(item)
}

/// Rewords, ticks or unticks an item, each change in the board history.
pub fn update(
    conn: &mut PgConnection,
    caller: &AuthUser,
    id: Uuid,
    item_id: Uuid,
    req: UpdateChecklistItemRequest,
) -> ApiResult<ChecklistItemView> {
    let card = super::card_for(conn, caller, id, true)?;
    let target = items::table.filter(items::card_id.eq(id)).filter(items::id.eq(item_id));
    let before = view(target.select(COLUMNS).first(conn)?);
    if let Some(text) = req.text.as_deref().map(str::trim).filter(|t| *t != before.text) {
        diesel::update(target).set(items::text.eq(text)).execute(conn)?;
        touch(conn, caller, card.clone(), Change::field("checklist", Some(json!(before.text)), Some(json!(text))))?;
    }
    if let Some(done) = req.done.filter(|d| *d != before.done) {
        let (at, by) = if done { (Some(Utc::now()), caller.person_id()) } else { (None, None) };
        diesel::update(target).set((items::done_at.eq(at), items::done_by.eq(by))).execute(conn)?;
        let action = if done { "checked" } else { "unchecked" };
        touch(conn, caller, card, Change::with(action, None, Some(json!(before.text))))?;
    }
    Ok(view(target.select(COLUMNS).first(conn)?))
}

/// Removes an item; how many went (0: not on this card).
pub fn delete(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, item_id: Uuid) -> ApiResult<usize> {
    let card = super::card_for(conn, caller, id, true)?;
    let text: Option<String> = diesel::delete(items::table.filter(items::card_id.eq(id)).filter(items::id.eq(item_id)))
        .returning(items::text)
        .get_result(conn)
        .optional()?;
    match text {
        Some(text) => {
            touch(conn, caller, card, Change::field("checklist", Some(json!(text)), None))?;
            Ok(1)
        }
        None => Ok(0),
    }
}
