use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn admins_manage_sites_with_generated_public_keys() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let a = app.create_site(&admin, "Loja Centro").await;
    let b = app.create_site(&admin, "Loja Online").await;
    assert!(a.public_key.starts_with("site_") && a.public_key.len() == 29, "{}", a.public_key);
    assert_ne!(a.public_key, b.public_key);

    let path = format!("/api/v1/sites/{}", a.id);
    let renamed: domain::SiteView =
        app.patch(&path, &admin.token, &json!({"name": "Centro", "url": null})).await.json().await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.url.as_deref()), ("Centro", None));

    let rotated: domain::SiteView =
        app.post(&format!("{path}/rotate-key"), Some(&admin.token), &json!({})).await.json().await.unwrap();
    assert_ne!(rotated.public_key, a.public_key);

    assert_eq!(app.delete(&path, &admin.token).await.status(), StatusCode::NO_CONTENT);
    let list: domain::SiteList = app.get("/api/v1/sites", &admin.token).await.json().await.unwrap();
    assert_eq!(list.items.iter().map(|s| s.id).collect::<Vec<_>>(), [b.id]);
}

#[tokio::test]
async fn site_input_is_validated() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": "", "url": "acme.test"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["name", "url"]);
    let site = app.create_site(&admin, "Loja").await;
    let res = app.patch(&format!("/api/v1/sites/{}", site.id), &admin.token, &json!({"url": "ftp://x"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["url"]);
    assert_eq!(app.count("SELECT count(*) FROM sites"), 1);
}

#[tokio::test]
async fn agents_see_sites_but_cannot_change_them() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;

    assert_eq!(app.get(&format!("/api/v1/sites/{}", site.id), &agent.token).await.status(), StatusCode::OK);
    problem(app.post("/api/v1/sites", Some(&agent.token), &json!({"name": "Mine"})).await, StatusCode::FORBIDDEN).await;
    problem(
        app.patch(&format!("/api/v1/sites/{}", site.id), &agent.token, &json!({"name": "x"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(app.delete(&format!("/api/v1/sites/{}", site.id), &agent.token).await, StatusCode::FORBIDDEN).await;
}
