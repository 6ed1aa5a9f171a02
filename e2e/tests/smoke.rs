//! Smoke tests against a running deployment:
//! `E2E_BASE_URL=https://… E2E_DATABASE_URL=postgres://… cargo test -p e2e`.
//! They create their own account (unique e-mail), so they are safe to run against any
//! environment that allows sign-up; the sign-up link is read from the deployment's e-mail
//! outbox (`psql` on `E2E_DATABASE_URL`, read access to `email_outbox` is enough).

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn base() -> String {
    std::env::var("E2E_BASE_URL")
        .expect("set E2E_BASE_URL to the deployment to test, e.g. http://127.0.0.1:8080")
        .trim_end_matches('/')
        .to_string()
}

fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

/// The token of the link starting `link_start` in the newest mail to `to`.
fn mailed_token(to: &str, link_start: &str) -> String {
    let db = std::env::var("E2E_DATABASE_URL").expect("set E2E_DATABASE_URL to read the sign-up e-mail");
    let sql = format!("SELECT body FROM email_outbox WHERE to_address = '{to}' ORDER BY created_at DESC LIMIT 1");
    let out =
        std::process::Command::new("psql").args([db.as_str(), "-qtAc", sql.as_str()]).output().expect("psql runs");
    let body = String::from_utf8_lossy(&out.stdout);
    let at = body.find(link_start).unwrap_or_else(|| panic!("no {link_start} link in the mail to {to}: {body}"));
    body[at + link_start.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// Signs up with a unique address and confirms it as its owner would; the session's refresh
/// cookie stays in `c`.
async fn sign_up(c: &Client, account: &str, email: &str) -> reqwest::Response {
    let res = c
        .post(format!("{}/api/v1/auth/signup", base()))
        .json(&json!({"account_name": account, "name": "Smoke", "email": email, "password": "smoke test password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let token = mailed_token(email, "/verify-email?token=");
    c.post(format!("{}/api/v1/auth/signup/confirm", base())).json(&json!({"token": token})).send().await.unwrap()
}

#[tokio::test]
async fn probes_answer() {
    let c = client();
    for path in ["/healthz", "/readyz"] {
        let res = c.get(format!("{}{path}", base())).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.headers().contains_key("x-request-id"));
    }
}

#[tokio::test]
async fn the_spec_the_docs_and_the_spa_are_served() {
    let c = client();
    let spec: Value = c.get(format!("{}/api/openapi.json", base())).send().await.unwrap().json().await.unwrap();
    assert_eq!(spec["info"]["title"], "Prospecta API");
    assert!(spec["paths"]["/api/v1/auth/login"]["post"].is_object());

    let docs = c.get(format!("{}/api/docs/", base())).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);

    let spa = c.get(format!("{}/settings/sites", base())).send().await.unwrap();
    assert_eq!(spa.status(), StatusCode::OK);
    assert_eq!(spa.headers()["cache-control"], "no-cache");
    assert!(spa.headers()["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    let html = spa.text().await.unwrap();
    assert!(
        html.contains("/boot-") && !html.contains("import init"),
        "deep links serve the SPA, with no inline script"
    );

    let missing = c.get(format!("{}/api/v1/missing", base())).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn a_new_account_signs_up_configures_a_site_and_an_integration_key() {
    let c = client();
    let email = format!("smoke-{}@example.com", uuid::Uuid::new_v4().simple());
    let res = sign_up(&c, "Smoke Test", &email).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let tokens: domain::TokenResponse = res.json().await.unwrap();
    let token = tokens.access_token;

    let me: domain::MeResponse =
        c.get(format!("{}/api/v1/me", base())).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me.user.email, email);

    let bad = c
        .post(format!("{}/api/v1/sites", base()))
        .bearer_auth(&token)
        .json(&json!({"name": "", "url": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: domain::Problem = bad.json().await.unwrap();
    assert!(problem.field_message("url").is_some());

    let site: domain::SiteView = c
        .post(format!("{}/api/v1/sites", base()))
        .bearer_auth(&token)
        .json(&json!({"name": "Smoke site", "url": "https://smoke.example.com"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(site.public_key.starts_with("site_"));

    let key: domain::CreatedApiKey = c
        .post(format!("{}/api/v1/api-keys", base()))
        .bearer_auth(&token)
        .json(&json!({"name": "smoke", "scopes": ["leads:ingest"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let who =
        c.get(format!("{}/api/v1/integration/whoami", base())).header("x-api-key", &key.secret).send().await.unwrap();
    assert_eq!(who.status(), StatusCode::OK);
    let revoke =
        c.delete(format!("{}/api/v1/api-keys/{}", base(), key.key.id)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    let who =
        c.get(format!("{}/api/v1/integration/whoami", base())).header("x-api-key", &key.secret).send().await.unwrap();
    assert_eq!(who.status(), StatusCode::UNAUTHORIZED);

    // The refresh cookie from sign-up renews the session, and logout ends it.
    let refreshed = c.post(format!("{}/api/v1/auth/refresh", base())).send().await.unwrap();
    assert_eq!(refreshed.status(), StatusCode::OK);
    let out = c.post(format!("{}/api/v1/auth/logout", base())).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let again = c.post(format!("{}/api/v1/auth/refresh", base())).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_lead_sent_by_an_integration_reaches_the_client_list() {
    let c = client();
    let email = format!("smoke-leads-{}@example.com", uuid::Uuid::new_v4().simple());
    let tokens: domain::TokenResponse = sign_up(&c, "Smoke Leads", &email).await.json().await.unwrap();
    let token = tokens.access_token;
    let key: domain::CreatedApiKey = c
        .post(format!("{}/api/v1/api-keys", base()))
        .bearer_auth(&token)
        .json(&json!({"name": "smoke", "scopes": ["leads:ingest"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lead =
        json!({"name": "Smoke Lead", "phone": "(11) 98765-4321", "transcript": [{"sender": "visitor", "body": "oi"}]});
    let send = || {
        c.post(format!("{}/api/v1/leads", base()))
            .header("x-api-key", &key.secret)
            .header("idempotency-key", "smoke-1")
            .json(&lead)
            .send()
    };
    assert_eq!(send().await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(send().await.unwrap().status(), StatusCode::CREATED, "a retry replays the first answer");

    let page: domain::ContactPage =
        c.get(format!("{}/api/v1/contacts", base())).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].phone.as_deref(), Some("+5511987654321"));
    assert_eq!(page.counts.to_contact, 1);
    let detail: domain::ContactDetail = c
        .get(format!("{}/api/v1/contacts/{}", base(), page.items[0].id))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail.conversations[0].messages[0].body, "oi");
}
