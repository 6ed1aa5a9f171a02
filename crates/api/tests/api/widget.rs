//! The widget's script and demo page, and CORS for the visitor endpoints.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{problem, TestApp};

fn acao(res: &reqwest::Response) -> Option<&str> {
    res.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn the_widget_script_is_small_and_loadable_from_any_site() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/widget.js", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(res.headers()["cross-origin-resource-policy"], "cross-origin");
    let body = res.text().await.unwrap();
    // The aim is 25 KB gzipped; uncompressed under that leaves no doubt.
    assert!(body.len() < 25 * 1024, "widget.js is {} bytes", body.len());
    assert!(body.contains("attachShadow"), "the UI lives in a Shadow DOM");
    assert!(!body.contains("innerHTML"), "visitor text is never parsed as HTML");
    assert_eq!(app.request(Method::HEAD, "/widget.js", None).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn the_demo_page_embeds_the_widget_for_a_site_key() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/demo?site_key=site_abc123", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"<script src="/widget.js" data-site-key="site_abc123" async></script>"#));
    for bad in ["/demo", "/demo?site_key=%22%3E%3Cscript%3E"] {
        let res = app.request(Method::GET, bad, None).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn visitor_endpoints_answer_allowed_origins_only_and_operator_endpoints_none() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let res = app
        .request(Method::OPTIONS, "/api/v1/visitor/conversations", None)
        .header("origin", "https://shop.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type, x-site-key, x-visitor-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&res), Some("https://shop.example.com"));
    assert!(res.headers()["access-control-allow-headers"].to_str().unwrap().contains("x-visitor-token"));

    let start = |origin: &'static str| {
        app.visitor_request(Method::POST, "/api/v1/visitor/conversations", &site.public_key, None)
            .header("origin", origin)
            .json(&json!({}))
            .send()
    };
    let res = start("https://shop.example.com").await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(acao(&res), Some("https://shop.example.com"), "no allowed origins: any page");
    let body: serde_json::Value = res.json().await.unwrap();
    let token = body["visitor_token"].as_str().unwrap().to_string();

    let patch = json!({"allowed_origins": ["https://shop.example.com"]});
    assert_eq!(app.patch(&format!("/api/v1/sites/{}", site.id), &admin.token, &patch).await.status(), StatusCode::OK);
    let res = start("https://evil.example.net").await.unwrap();
    assert_eq!(acao(&res), None);
    problem(res, StatusCode::FORBIDDEN).await;
    assert_eq!(start("https://shop.example.com").await.unwrap().status(), StatusCode::CREATED);

    // The event stream (no headers from EventSource) answers the page too.
    let res = app
        .visitor_request(Method::POST, "/api/v1/visitor/tickets", &site.public_key, Some(&token))
        .header("origin", "https://shop.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket: serde_json::Value = res.json().await.unwrap();
    let res = app
        .request(Method::GET, &format!("/api/v1/visitor/events?ticket={}", ticket["ticket"].as_str().unwrap()), None)
        .header("origin", "https://shop.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), Some("https://shop.example.com"));
    drop(res);

    // Operator endpoints: no CORS.
    let res = app.get("/api/v1/conversations", &admin.token).await;
    assert_eq!(acao(&res), None);
    let res = app
        .request(Method::GET, "/api/v1/conversations", Some(&admin.token))
        .header("origin", "https://shop.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(acao(&res), None);
}
