//! A card's comments, on a connection.

use chrono::Utc;
use diesel::prelude::*;
use domain::{BaseComment, CommentView};
use serde_json::json;
use uuid::Uuid;

use super::Change;
use crate::contacts::queries::Actor;
use crate::platform::db::schema::{card_comments, cards};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;

pub(crate) type CommentRow = (Uuid, Option<Uuid>, String, String, chrono::DateTime<Utc>);

pub(crate) fn view((id, author_id, author_label, body, created_at): CommentRow) -> CommentView {
    CommentView { id, author_id, author_label, body, created_at }
}

pub(crate) const COLUMNS: (
    card_comments::id,
    card_comments::author_id,
    card_comments::author_label,
    card_comments::body,
    card_comments::created_at,
) = (
    card_comments::id,
    card_comments::author_id,
    card_comments::author_label,
    card_comments::body,
    card_comments::created_at,
);

/// A new card's comments from its board's base card, in order, under their authors' names.
pub fn append_base(
    conn: &mut PgConnection,
    account_id: Uuid,
    card_id: Uuid,
    comments: &[BaseComment],
) -> ApiResult<()> {
    if comments.is_empty() {
        return Ok(());
    }
    // One clock reading a microsecond apart each, so they list in the base card's order.
    let start = Utc::now();
    let rows: Vec<_> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                card_comments::id.eq(Uuid::new_v4()),
                card_comments::account_id.eq(account_id),
                card_comments::card_id.eq(card_id),
                card_comments::author_id.eq(c.author_id),
                card_comments::author_label.eq(c.author_label.clone().unwrap_or_default()),
                card_comments::body.eq(c.body.clone()),
                card_comments::created_at.eq(start + chrono::Duration::microseconds(i as i64)),
            )
        })
        .collect();
    diesel::insert_into(card_comments::table).values(rows).execute(conn)?;
    Ok(())
}

/// Card `id`'s comments, oldest first.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<Vec<CommentView>> {
    super::card_for(conn, caller, id, false)?;
    let rows: Vec<CommentRow> = card_comments::table
        .filter(card_comments::card_id.eq(id))
        .order((card_comments::created_at, card_comments::id))
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(view).collect())
}

/// Comments on card `id` as the caller: activity on the card, in its history.
pub fn add(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, text: &str) -> ApiResult<CommentView> {
    let mut card = super::card_for(conn, caller, id, true)?;
    let actor = Actor::user(conn, caller)?;
    let row: CommentRow = diesel::insert_into(card_comments::table)
        .values((
            card_comments::id.eq(Uuid::new_v4()),
            card_comments::account_id.eq(caller.account_id),
            card_comments::card_id.eq(id),
            card_comments::author_id.eq(caller.person_id()),
            card_comments::author_label.eq(&actor.label),
            card_comments::body.eq(text),
        ))
        .returning(COLUMNS)
        .get_result(conn)?;
    card.updated_at = Utc::now();
    diesel::update(cards::table.find(id)).set(cards::updated_at.eq(card.updated_at)).execute(conn)?;
    let preview: String = text.chars().take(200).collect();
    super::record(
        conn,
        caller,
        &card,
        crate::platform::events::EventData::CardUpdated,
        &[Change::with("commented", None, Some(json!(preview)))],
    )?;
    Ok(view(row))
}
