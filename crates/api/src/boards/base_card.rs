//! A board's base card: what every new card starts from (description, labels, members, field
//! defaults, checklist, comments) and its files. Admins write it; everyone who sees the board
//! reads it. Its edits go to the board history. Cards copy it when made (`cards::create_card`).

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{BaseAttachmentList, BaseAttachmentView, BaseCard, BoardFieldView, Problem, UploadParams};
use serde_json::{json, Value};
use uuid::Uuid;

use super::fields::{check_values, definitions};
use super::{lock_board, visible};
use crate::contacts::queries::Actor;
use crate::platform::db::schema::{board_base_attachments as files, board_history, board_labels, boards, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::platform::http::uploads;
use crate::AppState;

type FileRow = (Uuid, String, String, i64, Option<Uuid>, DateTime<Utc>);

const FILE: (
    files::id,
    files::filename,
    files::content_type,
    files::size_bytes,
    files::uploaded_by,
    files::created_at,
) = (files::id, files::filename, files::content_type, files::size_bytes, files::uploaded_by, files::created_at);

fn file_view(
    board_id: Uuid,
    (id, filename, content_type, size_bytes, uploaded_by, created_at): FileRow,
) -> BaseAttachmentView {
    BaseAttachmentView { id, board_id, filename, content_type, size_bytes, uploaded_by, created_at }
}

/// One board-history entry about the base card (no card: `card_id` is null).
fn record(
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
fn sees(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid) -> ApiResult<()> {
    visible(caller).filter(boards::id.eq(board_id)).select(boards::id).first::<Uuid>(conn)?;
    Ok(())
}

/// The base card as saved, and the board's account.
fn stored(conn: &mut PgConnection, board_id: Uuid) -> ApiResult<(BaseCard, Uuid)> {
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

/// A board's base card.
///
/// What every new card starts from: description, labels, members, field defaults, checklist,
/// comments (its files are under `/base-card/attachments`).
#[utoipa::path(
    tag = "boards", operation_id = "get_base_card", security(("bearer" = [])),
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
    let base = state
        .db
        .run(move |conn| {
            sees(conn, &caller, board_id)?;
            base_card(conn, board_id)
        })
        .await?;
    Ok(web::Json(base))
}

/// Replace a board's base card.
///
/// Labels must be the board's, members users of the account, defaults fit their fields (422
/// naming `custom_fields.<key>`). A comment keeps the author who first saved its text; a new one
/// is the caller's. Cards made before keep what they have. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "put_base_card", security(("bearer" = [])),
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
    let (caller, board_id, mut base) = (admin.0, id.into_inner(), body.0);
    let saved = state
        .db
        .transaction(move |conn| {
            lock_board(conn, caller.account_id, board_id)?;
            base.description = base.description.trim().to_string();
            base.label_ids = super::labels::check_labels(conn, board_id, &base.label_ids, "label_ids")?;
            base.member_ids =
                crate::users::queries::check_users(conn, caller.account_id, &base.member_ids, "member_ids")?;
            base.custom_fields.retain(|_, v| !v.is_null());
            check_values(conn, &caller, board_id, &base.custom_fields)?;
            base.checklist = base.checklist.iter().map(|t| t.trim().to_string()).collect();
            // Only the saved comments' authors are needed from before, not a cleaned base card.
            let (before, _) = stored(conn, board_id)?;
            let actor = Actor::user(conn, &caller)?;
            for comment in &mut base.comments {
                comment.body = comment.body.trim().to_string();
                let earlier = before.comments.iter().find(|c| c.body == comment.body);
                comment.author_id = earlier.map_or(actor.user_id, |c| c.author_id);
                comment.author_label =
                    Some(earlier.and_then(|c| c.author_label.clone()).unwrap_or(actor.label.clone()));
            }
            record(conn, &caller, &actor, board_id, "base_card_updated", None, None)?;
            let stored = serde_json::to_value(&base).map_err(|e| ApiError::Internal(e.into()))?;
            diesel::update(boards::table.find(board_id)).set(boards::base_card.eq(stored)).execute(conn)?;
            base_card(conn, board_id)
        })
        .await?;
    Ok(web::Json(saved))
}

/// Attach a file to a board's base card.
///
/// Every card made on the board from now on starts with it (the same stored file, not a copy
/// of its bytes). The body is the file; `filename` names it. Over `ATTACHMENT_MAX_BYTES` it is a
/// 413 naming the limit. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "upload_base_attachment", security(("bearer" = [])),
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
                    files::uploaded_by.eq(caller.user_id),
                ))
                .returning(FILE)
                .get_result(conn)?;
            let actor = Actor::user(conn, &caller)?;
            record(conn, &caller, &actor, board_id, "base_card_attached", None, Some(json!(filename)))?;
            Ok(file_view(board_id, row))
        })
        .await;
    let file = upload.keep(&state, saved).await?;
    Ok(HttpResponse::Created().json(file))
}

/// A board's base-card files.
///
/// Oldest first.
#[utoipa::path(
    tag = "boards", operation_id = "list_base_attachments", security(("bearer" = [])),
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
    let items = state
        .db
        .run(move |conn| {
            sees(conn, &caller, board_id)?;
            let rows: Vec<FileRow> = files::table
                .filter(files::board_id.eq(board_id))
                .order((files::created_at, files::id))
                .select(FILE)
                .load(conn)?;
            Ok(rows.into_iter().map(|r| file_view(board_id, r)).collect())
        })
        .await?;
    Ok(web::Json(BaseAttachmentList { items }))
}

/// Download a base-card file.
///
/// As a download (`Content-Disposition: attachment`) with the type it was uploaded with.
#[utoipa::path(
    tag = "boards", operation_id = "download_base_attachment", security(("bearer" = [])),
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
    let (filename, content_type, key): (String, String, String) = state
        .db
        .run(move |conn| {
            sees(conn, &caller, board_id)?;
            Ok(files::table
                .filter(files::board_id.eq(board_id))
                .filter(files::id.eq(id))
                .select((files::filename, files::content_type, files::storage_key))
                .first(conn)?)
        })
        .await?;
    let bytes = state.storage.get(&key).await?;
    Ok(uploads::download(&filename, &content_type, bytes))
}

/// Remove a file from the base card.
///
/// Cards already made keep their copy. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "delete_base_attachment", security(("bearer" = [])),
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
    let key = state
        .db
        .transaction(move |conn| {
            lock_board(conn, caller.account_id, board_id)?;
            let (filename, key): (String, String) =
                diesel::delete(files::table.filter(files::board_id.eq(board_id)).filter(files::id.eq(id)))
                    .returning((files::filename, files::storage_key))
                    .get_result(conn)?;
            let actor = Actor::user(conn, &caller)?;
            record(conn, &caller, &actor, board_id, "base_card_detached", Some(json!(filename)), None)?;
            Ok(key)
        })
        .await?;
    state.storage.release(&state.db, vec![key]).await;
    Ok(HttpResponse::NoContent().finish())
}
