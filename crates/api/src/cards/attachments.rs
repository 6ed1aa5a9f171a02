//! Files attached to a card: uploaded as the request body (`?filename=`), listed, downloaded
//! with `Content-Disposition: attachment` and their stored type, deleted. The bytes go to
//! `crate::platform::storage` under a key the server makes up; the name is only ever shown. A card made
//! from a base card names the base card's objects (`boards::base_card`), so a delete releases
//! its object rather than deleting it outright.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{AttachmentList, AttachmentView, Problem, UploadParams};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, Change};
use crate::platform::db::schema::card_attachments;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;
use crate::platform::http::uploads;
use crate::AppState;

type AttachmentRow = (Uuid, String, String, i64, Option<Uuid>, DateTime<Utc>);

const COLUMNS: (
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

fn view(
    card_id: Uuid,
    (id, filename, content_type, size_bytes, uploaded_by, created_at): AttachmentRow,
) -> AttachmentView {
    AttachmentView { id, card_id, filename, content_type, size_bytes, uploaded_by, created_at }
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

/// Attach a file to a card.
///
/// The body is the file itself (any `Content-Type`, kept for the download); `filename` names
/// it. Over the size limit (`ATTACHMENT_MAX_BYTES`, 25 MB by default) it is a 413 naming the
/// limit and nothing is stored.
#[utoipa::path(
    tag = "cards", operation_id = "upload_attachment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Attached", body = AttachmentView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file name, or an empty file", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/attachments")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let card_id = id.into_inner();
    // The card must be there (and the caller's) before anything is read or stored.
    let check = caller.clone();
    let owner = move |conn: &mut PgConnection| queries::card_for(conn, &check, card_id, false).map(|_| ());
    let upload = uploads::receive(&state, caller.account_id, &params, &req, payload, owner).await?;
    let (filename, content_type, size, stored_key) =
        (upload.filename.clone(), upload.content_type.clone(), upload.size, upload.key.clone());
    let saved = state
        .db
        .transaction(move |conn| {
            let card = queries::card_for(conn, &caller, card_id, true)?;
            let row: AttachmentRow = diesel::insert_into(card_attachments::table)
                .values((
                    card_attachments::id.eq(Uuid::new_v4()),
                    card_attachments::account_id.eq(caller.account_id),
                    card_attachments::card_id.eq(card_id),
                    card_attachments::filename.eq(&filename),
                    card_attachments::content_type.eq(&content_type),
                    card_attachments::size_bytes.eq(size),
                    card_attachments::storage_key.eq(&stored_key),
                    card_attachments::uploaded_by.eq(caller.user_id),
                ))
                .returning(COLUMNS)
                .get_result(conn)?;
            let change = Change::with("attached", None, Some(json!(filename)));
            queries::record(conn, &caller, &card, crate::platform::events::EventData::CardUpdated, &[change])?;
            Ok(view(card_id, row))
        })
        .await;
    let attachment = upload.keep(&state, saved).await?;
    Ok(HttpResponse::Created().json(attachment))
}

/// A card's attachments.
///
/// Oldest first.
#[utoipa::path(
    tag = "cards", operation_id = "list_attachments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Attachments", body = AttachmentList),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AttachmentList>> {
    let card_id = id.into_inner();
    let items = state
        .db
        .run(move |conn| {
            queries::card_for(conn, &caller, card_id, false)?;
            let rows: Vec<AttachmentRow> = card_attachments::table
                .filter(card_attachments::card_id.eq(card_id))
                .order((card_attachments::created_at, card_attachments::id))
                .select(COLUMNS)
                .load(conn)?;
            Ok(rows.into_iter().map(|r| view(card_id, r)).collect())
        })
        .await?;
    Ok(web::Json(AttachmentList { items }))
}

/// The attachment's card (visible to the caller) and where its bytes are.
fn locate(conn: &mut PgConnection, caller: &AuthUser, card_id: Uuid, id: Uuid) -> ApiResult<(String, String, String)> {
    queries::card_for(conn, caller, card_id, false)?;
    Ok(card_attachments::table
        .filter(card_attachments::card_id.eq(card_id))
        .filter(card_attachments::id.eq(id))
        .select((card_attachments::filename, card_attachments::content_type, card_attachments::storage_key))
        .first(conn)?)
}

/// Download an attachment.
///
/// As a download (`Content-Disposition: attachment`) with the type it was uploaded with.
#[utoipa::path(
    tag = "cards", operation_id = "download_attachment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id"), ("attachment_id" = Uuid, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>,
            headers(("Content-Disposition" = String, description = "attachment; filename=…"))),
        (status = 404, description = "No such attachment on a card visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/attachments/{attachment_id}")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (card_id, id) = path.into_inner();
    let (filename, content_type, key) = state.db.run(move |conn| locate(conn, &caller, card_id, id)).await?;
    let bytes = state.storage.get(&key).await?;
    Ok(uploads::download(&filename, &content_type, bytes))
}

/// Delete an attachment.
///
/// Its file goes from the store too; the card history keeps that it was there.
#[utoipa::path(
    tag = "cards", operation_id = "delete_attachment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id"), ("attachment_id" = Uuid, Path, description = "Attachment id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such attachment on a card visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/attachments/{attachment_id}")]
pub async fn delete_attachment(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (card_id, id) = path.into_inner();
    let key = state
        .db
        .transaction(move |conn| {
            let (filename, _, key) = locate(conn, &caller, card_id, id)?;
            let card = queries::card_for(conn, &caller, card_id, true)?;
            diesel::delete(card_attachments::table.find(id)).execute(conn)?;
            queries::record(
                conn,
                &caller,
                &card,
                crate::platform::events::EventData::CardUpdated,
                &[Change::with("detached", Some(json!(filename)), None)],
            )?;
            Ok(key)
        })
        .await?;
    state.storage.release(&state.db, vec![key]).await;
    Ok(HttpResponse::NoContent().finish())
}
