//! Files coming in as a request body and going out as a download: the name kept, the type
//! kept, the size limit, and the `Content-Disposition` header. Card attachments and the base
//! card's files both use these; the bytes themselves go to `crate::platform::storage`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{Bytes, BytesMut, Payload};
use actix_web::{HttpRequest, HttpResponse};
use diesel::PgConnection;
use domain::UploadParams;
use futures_util::StreamExt;
use uuid::Uuid;
use validator::Validate;

use crate::platform::error::{ApiError, ApiResult};
use crate::platform::state::AppState;

/// A file received and stored, not yet named by any row.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Its object's key: `<account>/<uuid>`.
    pub key: String,
}

/// Checks the name, type and size, then `owner` (the card or board it goes on must be there
/// and the caller's) before reading a byte, then reads and stores the file.
pub async fn receive(
    state: &AppState,
    account_id: Uuid,
    params: &UploadParams,
    req: &HttpRequest,
    payload: Payload,
    owner: impl FnOnce(&mut PgConnection) -> ApiResult<()> + Send + 'static,
) -> ApiResult<Upload> {
    params.validate()?;
    let filename = clean_filename(&params.filename)?;
    let content_type = clean_content_type(req);
    let max = state.config.attachment_max_bytes;
    check_declared_size(req, max)?;
    state.db.run(owner).await?;
    let body = read_file(payload, max).await?;
    let size = body.len() as i64;
    let key = format!("{account_id}/{}", Uuid::new_v4());
    state.storage.put(&key, body).await?;
    Ok(Upload { filename, content_type, size, key })
}

impl Upload {
    /// `saved` is the transaction that names the object: when it failed, the object goes.
    pub async fn keep<T>(&self, state: &AppState, saved: ApiResult<T>) -> ApiResult<T> {
        if saved.is_err() {
            state.storage.delete(&self.key).await;
        }
        saved
    }
}

/// The name to keep: its last path component, trimmed (an upload is never a path).
pub fn clean_filename(raw: &str) -> ApiResult<String> {
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

/// A 413 naming the limit before anything is read when the declared length is over it.
fn check_declared_size(req: &HttpRequest, max: usize) -> ApiResult<()> {
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    match declared {
        Some(n) if n > max => Err(ApiError::PayloadTooLarge(max)),
        _ => Ok(()),
    }
}

/// The whole body, refused (413) as soon as it passes `max`, and never empty (422 `file`).
async fn read_file(mut payload: Payload, max: usize) -> ApiResult<Bytes> {
    let mut body = BytesMut::new();
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
    Ok(body.freeze())
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the exact name.
pub fn disposition(filename: &str) -> String {
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

/// A download: the stored type, `Content-Disposition: attachment`, never cached.
pub fn download(filename: &str, content_type: &str, bytes: Bytes) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    res.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    ));
    if let Ok(value) = HeaderValue::from_str(&disposition(filename)) {
        res.insert_header((header::CONTENT_DISPOSITION, value));
    }
    res.insert_header((header::CACHE_CONTROL, "private, no-store"));
    res.body(bytes)
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
