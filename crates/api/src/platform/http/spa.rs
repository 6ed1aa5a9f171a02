//! Serves the built SPA from memory: precompressed brotli/gzip variants chosen by
//! `Accept-Encoding`, ETags and 304s, long-lived caching for content-hashed assets and
//! `no-cache` for everything else (index.html must always be revalidated, so a deploy is
//! picked up at once). Unknown paths get `index.html` so client routes deep-link.
//!
//! `scripts/build-frontend.sh` writes the hashed names (`frontend-0123456789abcdef.js`) and
//! the `.br`/`.gz` files next to each asset.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use sha2::{Digest, Sha256};

use crate::platform::error::ApiError;

/// One file in its encodings.
struct Asset {
    content_type: &'static str,
    immutable: bool,
    /// `(content-coding, bytes, etag)`: `br`, `gzip`, then `identity`.
    variants: Vec<(&'static str, web::Bytes, HeaderValue)>,
}

/// The SPA's files, read once at start-up.
pub struct Assets {
    files: HashMap<String, Asset>,
}

impl Assets {
    pub fn load(dir: &Path) -> anyhow::Result<Assets> {
        let mut files = HashMap::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let name = match path.file_name().and_then(|n| n.to_str()) {
                Some(name) if path.is_file() && !name.ends_with(".br") && !name.ends_with(".gz") => name.to_string(),
                _ => continue,
            };
            let identity = std::fs::read(&path)?;
            let hash = hex::encode(&Sha256::digest(&identity)[..8]);
            let mut variants = Vec::new();
            for (coding, ext) in [("br", "br"), ("gzip", "gz")] {
                if let Ok(bytes) = std::fs::read(dir.join(format!("{name}.{ext}"))) {
                    variants.push((coding, web::Bytes::from(bytes), etag(&hash, coding)));
                }
            }
            variants.push(("identity", web::Bytes::from(identity), etag(&hash, "identity")));
            files.insert(
                format!("/{name}"),
                Asset { content_type: content_type(&name), immutable: is_hashed(&name), variants },
            );
        }
        anyhow::ensure!(files.contains_key("/index.html"), "{} has no index.html", dir.display());
        Ok(Assets { files })
    }
}

fn etag(hash: &str, coding: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{hash}-{coding}\"")).expect("hex is a valid header value")
}

/// `name-0123456789abcdef.ext`: the build put a content hash in the name.
fn is_hashed(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `Accept-Encoding` accepts `coding` (a `q=0` refuses it).
fn accepts(req: &HttpRequest, coding: &str) -> bool {
    if coding == "identity" {
        return true;
    }
    req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| p.replace(' ', "") == "q=0" || p.replace(' ', "") == "q=0.0");
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        },
    )
}

/// The app's default service when the SPA is served. Unmatched API paths (inside the
/// `/api/v1` scope, which has no default of its own) are the API's 404/405, never the page.
pub async fn serve(req: HttpRequest, assets: web::Data<Arc<Assets>>) -> HttpResponse {
    if req.path() == "/api" || req.path().starts_with("/api/") {
        return crate::platform::http::routing::fallback(req).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return ApiError::MethodNotAllowed("GET, HEAD".into()).error_response();
    }
    let asset = match assets.files.get(req.path()) {
        Some(asset) => asset,
        // An unknown file name (`/frontend-old.js` after a deploy) must not get the page.
        None if req.path().rsplit('/').next().is_some_and(|last| last.contains('.')) => {
            return ApiError::NotFound.error_response();
        }
        None => &assets.files["/index.html"],
    };
    let (coding, body, etag) =
        asset.variants.iter().find(|(coding, _, _)| accepts(&req, coding)).expect("identity is always accepted");
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((
            header::CACHE_CONTROL,
            if asset.immutable { "public, max-age=31536000, immutable" } else { "no-cache" },
        ));
    if *coding != "identity" {
        res.insert_header((header::CONTENT_ENCODING, *coding));
    }
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == "*" || t.trim() == etag.to_str().unwrap_or("")));
    if fresh {
        return res.status(StatusCode::NOT_MODIFIED).finish();
    }
    res.body(body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("frontend-0123456789abcdef.js"));
        assert!(is_hashed("frontend_bg-0123456789abcdef.wasm"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("frontend.js"));
        assert!(!is_hashed("style-zzzz456789abcdef.css"));
    }

    #[test]
    fn encodings_are_negotiated() {
        let req = actix_web::test::TestRequest::default()
            .insert_header(("accept-encoding", "gzip, br;q=0"))
            .to_http_request();
        assert!(accepts(&req, "gzip"));
        assert!(!accepts(&req, "br"));
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert!(!accepts(&none, "gzip") && accepts(&none, "identity"));
    }
}
