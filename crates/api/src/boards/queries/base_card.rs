//! A board's base card and its files, on a connection.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{BaseAttachmentView, BaseCard, BoardFieldView};
use serde_json::{json, Value};
use uuid::Uuid;

use super::super::{check_values, definitions};
use super::super::{lock_board, visible};
use crate::contacts::queries::Actor;
use crate::platform::db::schema::{board_base_attachments as files, board_history, board_labels, boards, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

pub(crate) type FileRow = (Uuid, String, String, i64, Option<Uuid>, DateTime<Utc>);

pub(crate) const FILE: (
    files::id,
    files::filename,
    files::content_type,
    files::size_bytes,
    files::uploaded_by,
    files::created_at,
) = (files::id, files::filename, files::content_type, files::size_bytes, files::uploaded_by, files::created_at);

pub(crate) fn file_view(
    board_id: Uuid,
    (id, filename, content_type, size_bytes, uploaded_by, created_at): FileRow,
) -> BaseAttachmentView {
    BaseAttachmentView { id, board_id, filename, content_type, size_bytes, uploaded_by, created_at }
}

/// One board-history entry about the base card (no card: `card_id` is null).
pub(crate) fn record(
    conn: &mut PgConnection,
    caller: &AuthUser,
    actor: &Actor,
    board_id: Uuid,
    action: &str,
    old: Option<Value>,
    new: Option<Value>,
) -> ApiResult<()> {
    diesel::insert_into(board_history::table)
        .values((
            board_history::account_id.eq(caller.account_id),
            board_history::board_id.eq(board_id),
            board_history::card_title.eq(""),
            board_history::user_id.eq(actor.user_id),
            board_history::actor_label.eq(&actor.label),
            board_history::action.eq(action),
            board_history::old_value.eq(old),
            board_history::new_value.eq(new),
        ))
        .execute(conn)?;
    Ok(())
}

/// The board, if the caller sees it.
pub(crate) fn sees(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid) -> ApiResult<()> {
    visible(caller).filter(boards::id.eq(board_id)).select(boards::id).first::<Uuid>(conn)?;
    Ok(())
}

/// The base card as saved, and the board's account.
pub(crate) fn stored(conn: &mut PgConnection, board_id: Uuid) -> ApiResult<(BaseCard, Uuid)> {
    let (stored, account_id): (Value, Uuid) =
        boards::table.find(board_id).select((boards::base_card, boards::account_id)).first(conn)?;
    Ok((serde_json::from_value(stored).unwrap_or_default(), account_id))
}

/// The board's base card, without what went away since it was saved (deleted labels, users
/// and fields), so a new card never fails on it.
pub fn base_card(conn: &mut PgConnection, board_id: Uuid) -> ApiResult<BaseCard> {
    let (mut base, account_id) = stored(conn, board_id)?;
    base.label_ids = board_labels::table
        .filter(board_labels::board_id.eq(board_id))
        .filter(board_labels::id.eq_any(&base.label_ids))
        .select(board_labels::id)
        .load(conn)?;
    let authors = base.comments.iter().filter_map(|c| c.author_id);
    let named: Vec<Uuid> = base.member_ids.iter().copied().chain(authors).collect();
    let present: Vec<Uuid> = users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq_any(&named))
        .select(users::id)
        .load(conn)?;
    base.member_ids.retain(|id| present.contains(id));
    // A comment outlives its author, as on a card: the name stays, the link goes.
    for comment in &mut base.comments {
        comment.author_id = comment.author_id.filter(|id| present.contains(id));
    }
    let defined: Vec<BoardFieldView> = definitions(conn, &[board_id])?.into_iter().map(|(_, f)| f).collect();
    base.custom_fields.retain(|key, value| {
        defined.iter().any(|d| &d.key == key && domain::check_board_value(d.kind, &d.options, value).is_ok())
    });
    Ok(base)
}

/// The base card of a board the caller sees.
pub fn get(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid) -> ApiResult<BaseCard> {
    sees(conn, caller, board_id)?;
    base_card(conn, board_id)
}

/// Saves a locked board's base card, cleaned and checked; comments keep their authors.
pub fn save(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid, mut base: BaseCard) -> ApiResult<BaseCard> {
    lock_board(conn, caller.account_id, board_id)?;
    base.description = base.description.trim().to_string();
    base.label_ids = super::labels::check_labels(conn, board_id, &base.label_ids, "label_ids")?;
    base.member_ids = crate::users::queries::check_users(conn, caller.account_id, &base.member_ids, "member_ids")?;
    base.custom_fields.retain(|_, v| !v.is_null());
    check_values(conn, caller, board_id, &base.custom_fields)?;
    base.checklist = base.checklist.iter().map(|t| t.trim().to_string()).collect();
    // Only the saved comments' authors are needed from before, not a cleaned base card.
    let (before, _) = stored(conn, board_id)?;
    let actor = Actor::user(conn, caller)?;
    for comment in &mut base.comments {
        comment.body = comment.body.trim().to_string();
        let earlier = before.comments.iter().find(|c| c.body == comment.body);
        comment.author_id = earlier.map_or(actor.user_id, |c| c.author_id);
        comment.author_label = Some(earlier.and_then(|c| c.author_label.clone()).unwrap_or(actor.label.clone()));
    }
    record(conn, caller, &actor, board_id, "base_card_updated", None, None)?;
    let stored = serde_json::to_value(&base).map_err(|e| ApiError::Internal(e.into()))?;
    diesel::update(boards::table.find(board_id)).set(boards::base_card.eq(stored)).execute(conn)?;
    base_card(conn, board_id)
}

/// Records a stored file on the base card, in the board history.
pub fn add_file(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    (filename, content_type, size, stored_key): (String, String, i64, String),
) -> ApiResult<BaseAttachmentView> {
    lock_board(conn, caller.account_id, board_id)?;
    let row: FileRow = diesel::insert_into(files::table)
        .values((
            files::id.eq(Uuid::new_v4()),
            files::account_id.eq(caller.account_id),
            files::board_id.eq(board_id),
            files::filename.eq(&filename),
            files::content_type.eq(&content_type),
            files::size_bytes.eq(size),
            files::storage_key.eq(&stored_key),
            files::uploaded_by.eq(caller.person_id()),
        ))
        .returning(FILE)
        .get_result(conn)?;
    let actor = Actor::user(conn, caller)?;
    record(conn, caller, &actor, board_id, "base_card_attached", None, Some(json!(filename)))?;
    Ok(file_view(board_id, row))
}

/// The base card's files, oldest first.
pub fn files(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid) -> ApiResult<Vec<BaseAttachmentView>> {
    sees(conn, caller, board_id)?;
    let rows: Vec<FileRow> = files::table
        .filter(files::board_id.eq(board_id))
        .order((files::created_at, files::id))
        .select(FILE)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| file_view(board_id, r)).collect())
}

/// A base card file's name, type and storage key.
pub fn locate_file(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    id: Uuid,
) -> ApiResult<(String, String, String)> {
    sees(conn, caller, board_id)?;
    Ok(files::table
        .filter(files::board_id.eq(board_id))
        .filter(files::id.eq(id))
        .select((files::filename, files::content_type, files::storage_key))
        .first(conn)?)
}

/// Removes a base card file (in the board history); its storage key, to release once committed.
pub fn delete_file(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid, id: Uuid) -> ApiResult<String> {
    lock_board(conn, caller.account_id, board_id)?;
    let (filename, key): (String, String) =
        diesel::delete(files::table.filter(files::board_id.eq(board_id)).filter(files::id.eq(id)))
            .returning((files::filename, files::storage_key))
            .get_result(conn)?;
    let actor = Actor::user(conn, caller)?;
    record(conn, caller, &actor, board_id, "base_card_detached", Some(json!(filename)), None)?;
    Ok(key)
}
