//! Files kept on a client (a contract, a proposal): uploaded as the request body
//! (`?filename=`), listed, downloaded with `Content-Disposition: attachment` and their stored
//! type, deleted. Same storage, limits and HTTP shape as a card's attachments
//! (`platform::http::uploads`); whoever may see the client may read and add its files. Each
//! file added or deleted is in the client's change log; a merge moves them, a deletion takes
//! them (and their objects) with the client.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{ClientFileList, ClientFileView, Problem, UploadParams};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, Actor};
use crate::platform::db::schema::contact_files as files;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::AuthUser;
use crate::platform::http::uploads;
use crate::AppState;

/// Keep a file on a client.
///
/// The body is the file itself (any `Content-Type`, kept for the download); `filename` names
/// it. Over the size limit (`ATTACHMENT_MAX_BYTES`, 25 MB by default) it is a 413 naming the
/// limit and nothing is stored.
#[utoipa::path(
    tag = "contacts", operation_id = "upload_client_file", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(("id" = Uuid, Path, description = "Contact id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Kept", body = ClientFileView),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file name, or an empty file", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/files")]
pub async fn upload_client_file(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let contact_id = id.into_inner();
    // The client must be there (and visible) before anything is read or stored.
    let check = caller.clone();
    let owner = move |conn: &mut PgConnection| queries::get(conn, &check, contact_id).map(|_| ());
    let upload = uploads::receive(&state, caller.account_id, &params, &req, payload, owner).await?;
    let stored = (upload.filename.clone(), upload.content_type.clone(), upload.size, upload.key.clone());
    let saved = state.db.transaction(move |conn| add(conn, &caller, contact_id, stored)).await;
    let file = upload.keep(&state, saved).await?;
    Ok(HttpResponse::Created().json(file))
}

/// A client's files.
///
/// Oldest first.
#[utoipa::path(
    tag = "contacts", operation_id = "list_client_files", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(("id" = Uuid, Path, description = "Contact id")),
    responses(
        (status = 200, description = "Files", body = ClientFileList),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/files")]
pub async fn list_client_files(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ClientFileList>> {
    let contact_id = id.into_inner();
    let items = state
        .db
        .run(move |conn| {
            queries::get(conn, &caller, contact_id)?;
            of_contact(conn, contact_id)
        })
        .await?;
    Ok(web::Json(ClientFileList { items }))
}

/// Download a client's file.
///
/// As a download (`Content-Disposition: attachment`) with the type it was uploaded with.
#[utoipa::path(
    tag = "contacts", operation_id = "download_client_file", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(("id" = Uuid, Path, description = "Contact id"), ("file_id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>,
            headers(("Content-Disposition" = String, description = "attachment; filename=…"))),
        (status = 404, description = "No such file on a contact visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/files/{file_id}")]
pub async fn download_client_file(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (contact_id, id) = path.into_inner();
    let (filename, content_type, key) = state.db.run(move |conn| locate(conn, &caller, contact_id, id)).await?;
    let bytes = state.storage.get(&key).await?;
    Ok(uploads::download(&filename, &content_type, bytes))
}

/// Delete a client's file.
///
/// Its bytes go from the store too; the change log keeps that it was there.
#[utoipa::path(
    tag = "contacts", operation_id = "delete_client_file", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(("id" = Uuid, Path, description = "Contact id"), ("file_id" = Uuid, Path, description = "File id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such file on a contact visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/files/{file_id}")]
pub async fn delete_client_file(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (contact_id, id) = path.into_inner();
    let key = state.db.transaction(move |conn| remove(conn, &caller, contact_id, id)).await?;
    state.storage.release(&state.db, vec![key]).await;
    Ok(HttpResponse::NoContent().finish())
}

type FileRow = (Uuid, Uuid, String, String, i64, Option<Uuid>, DateTime<Utc>);

const COLUMNS: (
    files::id,
    files::contact_id,
    files::filename,
    files::content_type,
    files::size_bytes,
    files::uploaded_by,
    files::created_at,
) = (
    files::id,
    files::contact_id,
    files::filename,
    files::content_type,
    files::size_bytes,
    files::uploaded_by,
    files::created_at,
);

fn view((id, contact_id, filename, content_type, size_bytes, uploaded_by, created_at): FileRow) -> ClientFileView {
    ClientFileView { id, contact_id, filename, content_type, size_bytes, uploaded_by, created_at }
}

/// Contact `contact_id`'s files, oldest first (the caller's right to see it checked before).
pub fn of_contact(conn: &mut PgConnection, contact_id: Uuid) -> ApiResult<Vec<ClientFileView>> {
    let rows: Vec<FileRow> = files::table
        .filter(files::contact_id.eq(contact_id))
        .order((files::created_at, files::id))
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(view).collect())
}

/// The storage keys of the contacts' files, to release once they are deleted.
pub fn keys_of(conn: &mut PgConnection, contact_ids: &[Uuid]) -> ApiResult<Vec<(Uuid, String)>> {
    Ok(files::table
        .filter(files::contact_id.eq_any(contact_ids))
        .select((files::contact_id, files::storage_key))
        .load(conn)?)
}

/// A merge: the source's files are the target's from now on.
pub fn move_files(conn: &mut PgConnection, source_id: Uuid, target_id: Uuid) -> ApiResult<()> {
    diesel::update(files::table.filter(files::contact_id.eq(source_id)))
        .set(files::contact_id.eq(target_id))
        .execute(conn)?;
    Ok(())
}

fn add(
    conn: &mut PgConnection,
    caller: &AuthUser,
    contact_id: Uuid,
    (filename, content_type, size, stored_key): (String, String, i64, String),
) -> ApiResult<ClientFileView> {
    queries::get_for_update(conn, caller, contact_id)?;
    let row: FileRow = diesel::insert_into(files::table)
        .values((
            files::id.eq(Uuid::new_v4()),
            files::account_id.eq(caller.account_id),
            files::contact_id.eq(contact_id),
            files::filename.eq(&filename),
            files::content_type.eq(&content_type),
            files::size_bytes.eq(size),
            files::storage_key.eq(&stored_key),
            files::uploaded_by.eq(caller.person_id()),
        ))
        .returning(COLUMNS)
        .get_result(conn)?;
    let actor = Actor::user(conn, caller)?;
    queries::log_changes(conn, caller.account_id, contact_id, &actor, &[("file", None, Some(json!(filename)))])?;
    Ok(view(row))
}

/// The file's name, type and storage key, on a contact the caller sees.
fn locate(
    conn: &mut PgConnection,
    caller: &AuthUser,
    contact_id: Uuid,
    id: Uuid,
) -> ApiResult<(String, String, String)> {
    queries::get(conn, caller, contact_id)?;
    Ok(files::table
        .filter(files::contact_id.eq(contact_id))
        .filter(files::id.eq(id))
        .select((files::filename, files::content_type, files::storage_key))
        .first(conn)?)
}

/// Removes file `id` of the contact (in its change log); its storage key, to release once
/// committed.
fn remove(conn: &mut PgConnection, caller: &AuthUser, contact_id: Uuid, id: Uuid) -> ApiResult<String> {
    queries::get_for_update(conn, caller, contact_id)?;
    let (filename, _, key) = locate(conn, caller, contact_id, id)?;
    diesel::delete(files::table.find(id)).execute(conn)?;
    let actor = Actor::user(conn, caller)?;
    queries::log_changes(conn, caller.account_id, contact_id, &actor, &[("file", Some(json!(filename)), None)])?;
    Ok(key)
}
