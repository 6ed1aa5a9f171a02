//! Files attached to a card: uploaded as the request body (`?filename=`), listed, downloaded
//! with `Content-Disposition: attachment` and their stored type, deleted. The bytes go to
//! `crate::platform::storage` under a key the server makes up; the name is only ever shown. A card made
//! from a base card names the base card's objects (`boards::base_card`), so a delete releases
//! its object rather than deleting it outright.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use diesel::PgConnection;
use domain::{AttachmentList, AttachmentView, Problem, UploadParams};
use uuid::Uuid;

use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;
use crate::platform::http::uploads;
use crate::AppState;

/// Attach a file to a card.
///
/// The body is the file itself (any `Content-Type`, kept for the download); `filename` names
/// it. Over the size limit (`ATTACHMENT_MAX_BYTES`, 25 MB by default) it is a 413 naming the
/// limit and nothing is stored.
#[utoipa::path(
    tag = "cards", operation_id = "upload_attachment", security(("bearer" = []), ("api_key" = ["boards:write"])),
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
            queries::attachments::add(conn, &caller, card_id, (filename, content_type, size, stored_key))
        })
        .await;
    let attachment = upload.keep(&state, saved).await?;
    Ok(HttpResponse::Created().json(attachment))
}

/// A card's attachments.
///
/// Oldest first.
#[utoipa::path(
    tag = "cards", operation_id = "list_attachments", security(("bearer" = []), ("api_key" = ["boards:read"])),
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
    let items = state.db.run(move |conn| queries::attachments::list(conn, &caller, card_id)).await?;
    Ok(web::Json(AttachmentList { items }))
}

/// Download an attachment.
///
/// As a download (`Content-Disposition: attachment`) with the type it was uploaded with.
#[utoipa::path(
    tag = "cards", operation_id = "download_attachment", security(("bearer" = []), ("api_key" = ["boards:read"])),
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
    let (filename, content_type, key) =
        state.db.run(move |conn| queries::attachments::locate(conn, &caller, card_id, id)).await?;
    let bytes = state.storage.get(&key).await?;
    Ok(uploads::download(&filename, &content_type, bytes))
}

/// Delete an attachment.
///
/// Its file goes from the store too; the card history keeps that it was there.
#[utoipa::path(
    tag = "cards", operation_id = "delete_attachment", security(("bearer" = []), ("api_key" = ["boards:write"])),
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
    let key = state.db.transaction(move |conn| queries::attachments::delete(conn, &caller, card_id, id)).await?;
    state.storage.release(&state.db, vec![key]).await;
    Ok(HttpResponse::NoContent().finish())
}
