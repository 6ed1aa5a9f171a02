//! The SPA's files: precompressed variants, caching, ETags, deep links and security headers.

use reqwest::{Method, StatusCode};

use crate::helpers::TestApp;

const JS: &str = "app-0123456789abcdef.js";

fn built_spa() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    write("index.html", b"<!doctype html><script type=module src=/app-0123456789abcdef.js></script>");
    write(JS, b"console.log('identity')");
    write(&format!("{JS}.br"), b"brotli bytes");
    write(&format!("{JS}.gz"), b"gzip bytes");
    dir
}

#[tokio::test]
async fn assets_are_served_precompressed_with_long_caching_and_etags() {
    let dir = built_spa();
    let app = TestApp::spawn_with(|c| c.static_dir = Some(dir.clone())).await;
    let url = format!("{}/{JS}", app.base);
    let get = |encoding: Option<&'static str>| {
        let mut req = app.client.get(&url);
        if let Some(e) = encoding {
            req = req.header("accept-encoding", e);
        }
        req.send()
    };

    let br = get(Some("gzip, deflate, br")).await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(br.headers()["vary"], "Accept-Encoding");
    assert_eq!(br.headers()["content-type"], "text/javascript; charset=utf-8");
    let etag = br.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(br.bytes().await.unwrap(), "brotli bytes");

    let gz = get(Some("gzip")).await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_ne!(gz.headers()["etag"].to_str().unwrap(), etag, "each encoding has its own ETag");
    let plain = get(None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap(), "console.log('identity')");
    let refused = get(Some("br;q=0, gzip;q=0")).await.unwrap();
    assert!(refused.headers().get("content-encoding").is_none());

    let again =
        app.client.get(&url).header("accept-encoding", "br").header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    let index = app.client.get(format!("{}/clients/123", app.base)).send().await.unwrap();
    assert_eq!(index.status(), StatusCode::OK, "client routes deep-link to the page");
    assert_eq!(index.headers()["cache-control"], "no-cache");
    assert!(index.text().await.unwrap().contains(JS));
    let stale = app.client.get(format!("{}/app-ffffffffffffffff.js", app.base)).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND, "a missing asset is not the page");
    let api = app.client.get(format!("{}/api/v1/missing", app.base)).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND, "an unknown API path is not the page");
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let post = app.request(Method::POST, "/clients", None).send().await.unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.headers()["allow"], "GET, HEAD");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dir = built_spa();
    let app = TestApp::spawn_with(|c| c.static_dir = Some(dir.clone())).await;
    for path in ["/", "/healthz", "/api/v1/me", "/api/v1/missing", "/api/docs/"] {
        let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let csp = res.headers()["content-security-policy"].to_str().unwrap();
        let script_src = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap();
        assert_eq!(script_src, "script-src 'self' 'wasm-unsafe-eval'", "{path}: no inline scripts");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(res.headers()["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
