//! No request of one account can read or change another account's rows.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn an_admin_of_another_account_gets_404_on_every_resource() {
    let app = TestApp::spawn().await;
    let a = app.signup("Account A", "admin@a.test").await;
    let a_agent = app.create_user(&a, "agent@a.test", "agent").await;
    let a_site = app.create_site(&a, "Site A").await;
    let a_key = app.create_api_key(&a, &["leads:ingest"]).await;
    let b = app.signup("Account B", "admin@b.test").await;

    let user = format!("/api/v1/users/{}", a_agent.user.id);
    let site = format!("/api/v1/sites/{}", a_site.id);
    let key = format!("/api/v1/api-keys/{}", a_key.key.id);
    problem(app.get(&user, &b.token).await, StatusCode::NOT_FOUND).await;
    problem(app.patch(&user, &b.token, &json!({"disabled": true})).await, StatusCode::NOT_FOUND).await;
    problem(app.delete(&user, &b.token).await, StatusCode::NOT_FOUND).await;
    problem(app.get(&site, &b.token).await, StatusCode::NOT_FOUND).await;
    problem(app.patch(&site, &b.token, &json!({"name": "mine"})).await, StatusCode::NOT_FOUND).await;
    problem(app.post(&format!("{site}/rotate-key"), Some(&b.token), &json!({})).await, StatusCode::NOT_FOUND).await;
    problem(app.delete(&site, &b.token).await, StatusCode::NOT_FOUND).await;
    problem(app.delete(&key, &b.token).await, StatusCode::NOT_FOUND).await;

    let users: domain::UserList = app.get("/api/v1/users", &b.token).await.json().await.unwrap();
    assert_eq!(users.items.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(), ["admin@b.test"]);
    let sites: domain::SiteList = app.get("/api/v1/sites", &b.token).await.json().await.unwrap();
    assert!(sites.items.is_empty());
    let keys: domain::ApiKeyList = app.get("/api/v1/api-keys", &b.token).await.json().await.unwrap();
    assert!(keys.items.is_empty());

    // Nothing of A changed.
    assert_eq!(app.count(&format!("SELECT count(*) FROM users WHERE id = '{}' AND NOT disabled", a_agent.user.id)), 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM sites WHERE id = '{}' AND name = 'Site A' AND public_key = '{}'",
            a_site.id, a_site.public_key
        )),
        1
    );
    assert_eq!(app.count("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"), 1);
}
