//! A board's base card: what every new card starts from (description, labels, members, field
//! defaults, checklist, comments) and its files. Admins write it; everyone who sees the board
//! reads it. Its edits go to the board history. Cards copy it when made (`cards::create_card`).

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use diesel::PgConnection;
use domain::{BaseAttachmentList, BaseAttachmentView, BaseCard, Problem, UploadParams};
use uuid::Uuid;

use super::lock_board;
use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::platform::http::uploads;
use crate::AppState;

/// A board's base card.
///
/// What every new card starts from: description, labels, members, field defaults, checklist,
/// comments (its files are under `/base-card/attachments`).
#[utoipa::path(
    tag = "boards", operation_id = "get_base_card", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "The base card", body = BaseCard),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/base-card")]
pub async fn get_base_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BaseCard>> {
    let board_id = id.into_inner();
    let base = state.db.run(move |conn| queries::base_card::get(conn, &caller, board_id)).await?;
    Ok(web::Json(base))
}

/// Replace a board's base card.
///
/// Labels must be the board's, members users of the account, defaults fit their fields (422
/// naming `custom_fields.<key>`). A comment keeps the author who first saved its text; a new one
/// is the caller's. Cards made before keep what they have. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "put_base_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = BaseCard,
    responses(
        (status = 200, description = "Saved", body = BaseCard),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a label, member or value not of this board or account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/{id}/base-card")]
pub async fn put_base_card(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<BaseCard>,
) -> ApiResult<web::Json<BaseCard>> {
    let (caller, board_id, base) = (admin.0, id.into_inner(), body.0);
    let saved = state.db.transaction(move |conn| queries::base_card::save(conn, &caller, board_id, base)).await?;
    Ok(web::Json(saved))
}

/// Attach a file to a board's base card.
///
/// Every card made on the board from now on starts with it (the same stored file, not a copy
/// of its bytes). The body is the file; `filename` names it. Over `ATTACHMENT_MAX_BYTES` it is a
/// 413 naming the limit. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "upload_base_attachment", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Attached", body = BaseAttachmentView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file name, or an empty file", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/base-card/attachments")]
pub async fn upload_base_attachment(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let (caller, board_id) = (admin.0, id.into_inner());
    let account_id = caller.account_id;
    let owner = move |conn: &mut PgConnection| lock_board(conn, account_id, board_id);
    let upload = uploads::receive(&state, account_id, &params, &req, payload, owner).await?;
    let (filename, content_type, size, stored_key) =
        (upload.filename.clone(), upload.content_type.clone(), upload.size, upload.key.clone());
    let saved = state
        .db
        .transaction(move |conn| {
            queries::base_card::add_file(conn, &caller, board_id, (filename, content_type, size, stored_key))
        })
        .await;
    let file = upload.keep(&state, saved).await?;
    Ok(HttpResponse::Created().json(file))
}

/// A board's base-card files.
///
/// Oldest first.
#[utoipa::path(
    tag = "boards", operation_id = "list_base_attachments", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "Files", body = BaseAttachmentList),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/base-card/attachments")]
pub async fn list_base_attachments(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BaseAttachmentList>> {
    let board_id = id.into_inner();
    let items = state.db.run(move |conn| queries::base_card::files(conn, &caller, board_id)).await?;
    Ok(web::Json(BaseAttachmentList { items }))
}

/// Download a base-card file.
///
/// As a download (`Content-Disposition: attachment`) with the type it was uploaded with.
#[utoipa::path(
    tag = "boards", operation_id = "download_base_attachment", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Board id"), ("attachment_id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>,
            headers(("Content-Disposition" = String, description = "attachment; filename=…"))),
        (status = 404, description = "No such file on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/base-card/attachments/{attachment_id}")]
pub async fn download_base_attachment(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (board_id, id) = path.into_inner();
    let (filename, content_type, key): (String, String, String) =
        state.db.run(move |conn| queries::base_card::locate_file(conn, &caller, board_id, id)).await?;
    let bytes = state.storage.get(&key).await?;
    Ok(uploads::download(&filename, &content_type, bytes))
}

/// Remove a file from the base card.
///
/// Cards already made keep their copy. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "delete_base_attachment", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("attachment_id" = Uuid, Path, description = "File id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file on a board of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/base-card/attachments/{attachment_id}")]
pub async fn delete_base_attachment(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (caller, (board_id, id)) = (admin.0, path.into_inner());
    let key = state.db.transaction(move |conn| queries::base_card::delete_file(conn, &caller, board_id, id)).await?;
    state.storage.release(&state.db, vec![key]).await;
    Ok(HttpResponse::NoContent().finish())
}
