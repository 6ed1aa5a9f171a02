use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn api_keys_are_shown_once_stored_hashed_and_authenticate_integrations() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let created = app.create_api_key(&admin, &["leads:ingest", "contacts:read"]).await;
    assert!(created.secret.starts_with("psk_"));
    assert_eq!(created.key.prefix, created.secret[..12]);

    let listed = app.get("/api/v1/api-keys", &admin.token).await.text().await.unwrap();
    assert!(!listed.contains(&created.secret), "the secret is never listed");
    assert_eq!(app.count(&format!("SELECT count(*) FROM api_keys WHERE secret_hash = '{}'", created.secret)), 0);

    for req in [
        app.request(Method::GET, "/api/v1/integration/whoami", None).header("x-api-key", &created.secret),
        app.request(Method::GET, "/api/v1/integration/whoami", Some(&created.secret)),
    ] {
        let who: domain::IntegrationIdentity = req.send().await.unwrap().json().await.unwrap();
        assert_eq!(who.account_id, admin.user.account_id);
        assert_eq!(who.scopes, [domain::ApiScope::ContactsRead, domain::ApiScope::LeadsIngest]);
    }
    let used: domain::ApiKeyList = app.get("/api/v1/api-keys", &admin.token).await.json().await.unwrap();
    assert!(used.items[0].last_used_at.is_some());
}

#[tokio::test]
async fn revoked_and_unknown_keys_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let created = app.create_api_key(&admin, &["leads:ingest"]).await;

    assert_eq!(
        app.delete(&format!("/api/v1/api-keys/{}", created.key.id), &admin.token).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&format!("/api/v1/api-keys/{}", created.key.id), &admin.token).await.status(),
        StatusCode::NO_CONTENT
    );
    let whoami = |secret: &str| {
        app.request(Method::GET, "/api/v1/integration/whoami", None).header("x-api-key", secret.to_string()).send()
    };
    problem(whoami(&created.secret).await.unwrap(), StatusCode::UNAUTHORIZED).await;
    problem(whoami("psk_made_up").await.unwrap(), StatusCode::UNAUTHORIZED).await;
    // A user's access token is not an API key.
    problem(app.get("/api/v1/integration/whoami", &admin.token).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn api_key_input_is_validated_and_agents_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app.post("/api/v1/api-keys", Some(&admin.token), &json!({"name": "x", "scopes": []})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["scopes"]);
    let res = app
        .post("/api/v1/api-keys", Some(&admin.token), &json!({"name": "x", "scopes": ["leads:ingest", "everything"]}))
        .await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["scopes[1]"]);

    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    problem(app.get("/api/v1/api-keys", &agent.token).await, StatusCode::FORBIDDEN).await;
    problem(
        app.post("/api/v1/api-keys", Some(&agent.token), &json!({"name": "x", "scopes": ["leads:ingest"]})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(app.count("SELECT count(*) FROM api_keys"), 0);
}
