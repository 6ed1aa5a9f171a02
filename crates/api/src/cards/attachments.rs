//! Files attached to a card: uploaded as the request body (`?filename=`), listed, downloaded
//! with `Content-Disposition: attachment` and their stored type, deleted. The bytes go to
//! `crate::storage` under a key the server makes up; the name is only ever shown.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{AttachmentList, AttachmentView, Problem, UploadParams};
use futures_util::StreamExt;
use serde_json::json;
use uuid::Uuid;
use validator::Validate;

use super::queries::{self, Change};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::schema::card_attachments;
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

/// The name to keep: its last path component, trimmed (an upload is never a path).
fn clean_filename(raw: &str) -> ApiResult<String> {
    let name = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(ApiError::field("filename", "required", "must name the file"));
    }
    if domain::text::has_control(name) {
        return Err(ApiError::field("filename", "control_character", "must not contain control characters"));
    }
    Ok(name.chars().take(255).collect())
}

/// The declared type if it looks like one (`type/subtype`), else a neutral binary type.
fn clean_content_type(req: &HttpRequest) -> String {
    let declared = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b));
    match essence.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) && essence.len() <= 100 => essence,
        _ => "application/octet-stream".to_string(),
    }
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the exact name.
fn disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
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
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let card_id = id.into_inner();
    params.validate()?;
    let filename = clean_filename(&params.filename)?;
    let content_type = clean_content_type(&req);
    let max = state.config.attachment_max_bytes;
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(ApiError::PayloadTooLarge(max));
    }
    // The card must be there (and the caller's) before anything is read or stored.
    let check = caller.clone();
    state.db.run(move |conn| queries::card_for(conn, &check, card_id, false).map(|_| ())).await?;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("could not read the upload: {e}"), Vec::new()))?;
        if body.len() + chunk.len() > max {
            return Err(ApiError::PayloadTooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Err(ApiError::field("file", "required", "the body must be the file, not empty"));
    }
    let size = body.len() as i64;
    let key = format!("{}/{}", caller.account_id, Uuid::new_v4());
    state.storage.put(&key, body.freeze()).await?;
    let stored_key = key.clone();
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
            queries::record(conn, &caller, &card, "card.updated", &[change])?;
            Ok(view(card_id, row))
        })
        .await;
    match saved {
        Ok(attachment) => Ok(HttpResponse::Created().json(attachment)),
        Err(e) => {
            state.storage.delete(&key).await;
            Err(e)
        }
    }
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
    let mut res = HttpResponse::Ok();
    res.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    ));
    if let Ok(value) = HeaderValue::from_str(&disposition(&filename)) {
        res.insert_header((header::CONTENT_DISPOSITION, value));
    }
    res.insert_header((header::CACHE_CONTROL, "private, no-store"));
    Ok(res.body(bytes))
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
                "card.updated",
                &[Change::with("detached", Some(json!(filename)), None)],
            )?;
            Ok(key)
        })
        .await?;
    state.storage.delete(&key).await;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths_and_downloads_quote_them_safely() {
        assert_eq!(clean_filename("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_filename("C:\\\\Users\\\\ana\\\\proposta.pdf").unwrap(), "proposta.pdf");
        assert!(clean_filename("../").is_err());
        assert!(clean_filename("a\u{0}b").is_err());
        let header = disposition("Proposta \"final\" ç.pdf");
        assert!(header.starts_with(
            "attachment; filename=\"Proposta _final_ _.pdf\"; filename*=UTF-8''Proposta%20%22final%22%20%C3%A7.pdf"
        ));
    }
}
