//! A card's files (their rows; the bytes are `platform::storage`'s), on a connection.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::AttachmentView;
use serde_json::json;
use uuid::Uuid;

use super::Change;
use crate::platform::db::schema::card_attachments;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;

pub(crate) type AttachmentRow = (Uuid, String, String, i64, Option<Uuid>, DateTime<Utc>);

pub(crate) const COLUMNS: (
    card_attachments::id,
    card_attachments::filename,
    card_attachments::content_type,
    card_attachments::size_bytes,
    card_attachments::uploaded_by,
    card_attachments::created_at,
) = (
    card_attachments::id,
    card_attachments::filename,
    card_attachments::content_type,
    card_attachments::size_bytes,
    card_attachments::uploaded_by,
    card_attachments::created_at,
);

pub(crate) fn view(
    card_id: Uuid,
    (id, filename, content_type, size_bytes, uploaded_by, created_at): AttachmentRow,
) -> AttachmentView {
    AttachmentView { id, card_id, filename, content_type, size_bytes, uploaded_by, created_at }
}

/// The attachment's card (visible to the caller) and where its bytes are.
pub(crate) fn locate(
    conn: &mut PgConnection,
    caller: &AuthUser,
    card_id: Uuid,
    id: Uuid,
) -> ApiResult<(String, String, String)> {
    super::card_for(conn, caller, card_id, false)?;
    Ok(card_attachments::table
        .filter(card_attachments::card_id.eq(card_id))
        .filter(card_attachments::id.eq(id))
        .select((card_attachments::filename, card_attachments::content_type, card_attachments::storage_key))
        .first(conn)?)
}

/// A new card's files from its board's base card: rows naming the same stored objects. The
/// base rows are share-locked so a base file removed meanwhile waits for this card to commit,
/// and then sees that its object is still named here (`Storage::release`).
pub fn copy_base(conn: &mut PgConnection, board_id: Uuid, card_id: Uuid) -> ApiResult<()> {
    diesel::sql_query(
        "INSERT INTO card_attachments \
             (id, account_id, card_id, filename, content_type, size_bytes, storage_key, uploaded_by, created_at) \
         SELECT gen_random_uuid(), b.account_id, $2, b.filename, b.content_type, b.size_bytes, b.storage_key, \
                b.uploaded_by, now() + make_interval(secs => b.n / 1e6) \
         FROM (SELECT f.*, row_number() OVER (ORDER BY f.created_at, f.id) AS n \
               FROM (SELECT * FROM board_base_attachments WHERE board_id = $1 FOR SHARE) f) b",
    )
    .bind::<diesel::sql_types::Uuid, _>(board_id)
    .bind::<diesel::sql_types::Uuid, _>(card_id)
    .execute(conn)?;
    Ok(())
}

/// Records a stored file on card `card_id`, in its history.
pub fn add(
    conn: &mut PgConnection,
    caller: &AuthUser,
    card_id: Uuid,
    (filename, content_type, size, stored_key): (String, String, i64, String),
) -> ApiResult<AttachmentView> {
    let card = super::card_for(conn, caller, card_id, true)?;
    let row: AttachmentRow = diesel::insert_into(card_attachments::table)
        .values((
            card_attachments::id.eq(Uuid::new_v4()),
            card_attachments::account_id.eq(caller.account_id),
            card_attachments::card_id.eq(card_id),
            card_attachments::filename.eq(&filename),
            card_attachments::content_type.eq(&content_type),
            card_attachments::size_bytes.eq(size),
            card_attachments::storage_key.eq(&stored_key),
            card_attachments::uploaded_by.eq(caller.person_id()),
        ))
        .returning(COLUMNS)
        .get_result(conn)?;
    let change = Change::with("attached", None, Some(json!(filename)));
    super::record(conn, caller, &card, crate::platform::events::EventData::CardUpdated, &[change])?;
    Ok(view(card_id, row))
}

/// Card `card_id`'s files, oldest first.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, card_id: Uuid) -> ApiResult<Vec<AttachmentView>> {
    super::card_for(conn, caller, card_id, false)?;
    let rows: Vec<AttachmentRow> = card_attachments::table
        .filter(card_attachments::card_id.eq(card_id))
        .order((card_attachments::created_at, card_attachments::id))
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| view(card_id, r)).collect())
}

/// Removes file `id` of card `card_id` (in its history); its storage key, to release once
/// committed.
pub fn delete(conn: &mut PgConnection, caller: &AuthUser, card_id: Uuid, id: Uuid) -> ApiResult<String> {
    let (filename, _, key) = locate(conn, caller, card_id, id)?;
    let card = super::card_for(conn, caller, card_id, true)?;
    diesel::delete(card_attachments::table.find(id)).execute(conn)?;
    super::record(
        conn,
        caller,
        &card,
        crate::platform::events::EventData::CardUpdated,
        &[Change::with("detached", Some(json!(filename)), None)],
    )?;
    Ok(key)
}
