//! CORS: only the public site-key endpoints answer browsers on other origins, and only for
//! the origins a site allows.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{fields, problem, TestApp};

fn acao(res: &reqwest::Response) -> Option<&str> {
    res.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_preflight_for_lead_ingestion_is_answered() {
    let app = TestApp::spawn().await;
    let res = app
        .request(Method::OPTIONS, "/api/v1/leads", None)
        .header("origin", "https://shop.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type, x-site-key")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&res), Some("https://shop.example.com"));
    let allowed = res.headers()["access-control-allow-headers"].to_str().unwrap();
    assert!(allowed.contains("x-site-key") && allowed.contains("content-type"), "{allowed}");

    // Operator endpoints have no CORS at all: a preflight is a plain 405.
    let res = app
        .request(Method::OPTIONS, "/api/v1/contacts", None)
        .header("origin", "https://shop.example.com")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(acao(&res), None);
    problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
}

#[tokio::test]
async fn a_site_key_lead_from_an_allowed_origin_is_readable_by_the_page_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let post = |origin: &'static str| {
        app.request(Method::POST, "/api/v1/leads", None)
            .header("origin", origin)
            .header("x-site-key", site.public_key.clone())
            .json(&json!({"email": format!("lead@{}.test", origin.len())}))
            .send()
    };

    // No allowed origins listed: any page may post.
    let res = post("https://anything.example.org").await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(acao(&res), Some("https://anything.example.org"));

    let path = format!("/api/v1/sites/{}", site.id);
    let res = app.patch(&path, &admin.token, &json!({"allowed_origins": ["https://shop.example.com"]})).await;
    let updated: domain::SiteView = res.json().await.unwrap();
    assert_eq!(updated.allowed_origins, ["https://shop.example.com"]);

    let res = post("https://shop.example.com").await.unwrap();
    assert_eq!(acao(&res), Some("https://shop.example.com"));
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    let before = app.count("SELECT count(*) FROM contacts");
    let res = post("https://evil.example.net").await.unwrap();
    assert_eq!(acao(&res), None, "the page may not read the answer");
    problem(res, StatusCode::FORBIDDEN).await;
    assert_eq!(app.count("SELECT count(*) FROM contacts"), before, "a refused origin writes nothing");

    // Invalid input from an allowed page is readable, so the form can show it.
    let res = app
        .request(Method::POST, "/api/v1/leads", None)
        .header("origin", "https://shop.example.com")
        .header("x-site-key", site.public_key.clone())
        .json(&json!({"email": "not an e-mail"}))
        .send()
        .await
        .unwrap();
    assert_eq!(acao(&res), Some("https://shop.example.com"));
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["email"]);

    // Operator endpoints never carry CORS headers, even for a listed origin.
    let res = app
        .request(Method::GET, "/api/v1/sites", Some(&admin.token))
        .header("origin", "https://shop.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), None);
}

#[tokio::test]
async fn allowed_origins_must_be_origins() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    for bad in
        [json!(["https://shop.example.com/contato"]), json!(["shop.example.com"]), json!(["https://Shop.example.com"])]
    {
        let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": "Loja", "allowed_origins": bad})).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["allowed_origins"]);
    }
    let many: Vec<String> = (0..21).map(|i| format!("https://s{i}.example.com")).collect();
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": "Loja", "allowed_origins": many})).await;
    problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(app.count("SELECT count(*) FROM sites"), 0);

    let res = app
        .post(
            "/api/v1/sites",
            Some(&admin.token),
            &json!({"name": "Loja", "allowed_origins": ["http://localhost:3000", "http://localhost:3000"]}),
        )
        .await;
    let site: domain::SiteView = res.json().await.unwrap();
    assert_eq!(site.allowed_origins, ["http://localhost:3000"], "repeats are dropped");
}
