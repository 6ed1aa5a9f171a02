//! JSON bodies encoded where the data was loaded.
//!
//! Database work runs on the blocking pool; a page of rows built there and dropped on the
//! HTTP worker costs cross-thread frees and cache misses for every string in it. Hot list
//! endpoints therefore encode their JSON on the blocking thread and hand over only bytes.

use actix_web::http::header::ContentType;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::platform::error::{ApiError, ApiResult};

/// `value` as JSON; `size_hint` avoids regrowing the buffer for large bodies.
pub fn encode_json<T: Serialize>(value: &T, size_hint: usize) -> ApiResult<Vec<u8>> {
    let mut body = Vec::with_capacity(size_hint);
    serde_json::to_writer(&mut body, value).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(body)
}

/// 200 with a body from [`encode_json`].
pub fn json_ok(body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok().insert_header(ContentType::json()).body(body)
}
