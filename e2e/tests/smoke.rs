//! Smoke tests against a running deployment: `E2E_BASE_URL=https://… cargo test -p e2e`.
//! They create their own account (unique e-mail), so they are safe to run against any
//! environment that allows sign-up.

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
    let res = c
        .post(format!("{}/api/v1/auth/signup", base()))
        .json(
            &json!({"account_name": "Smoke Test", "name": "Smoke", "email": email, "password": "smoke test password"}),
        )
        .send()
        .await
        .unwrap();
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
    let tokens: domain::TokenResponse = c
        .post(format!("{}/api/v1/auth/signup", base()))
        .json(
            &json!({"account_name": "Smoke Leads", "name": "Smoke", "email": email, "password": "smoke test password"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
