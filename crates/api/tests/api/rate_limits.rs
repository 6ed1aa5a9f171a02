//! Request-rate limits: 429 with `Retry-After`, per key and client address.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{client_from, problem, TestApp};

#[tokio::test]
async fn a_page_flooding_leads_is_slowed_down_per_site_key_and_client_address() {
    let app = TestApp::spawn_with(|c| c.public_rate_per_minute = 3).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let submit = |client: reqwest::Client, i: usize| {
        let url = format!("{}/api/v1/leads", app.base);
        let key = site.public_key.clone();
        async move {
            client
                .post(url)
                .header("x-site-key", key)
                .json(&json!({"email": format!("l{i}@x.test")}))
                .send()
                .await
                .unwrap()
        }
    };
    let flood = client_from("127.0.0.7");
    for i in 0..3 {
        assert_eq!(submit(flood.clone(), i).await.status(), StatusCode::ACCEPTED);
    }
    let res = submit(flood.clone(), 3).await;
    let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 3);
    assert_eq!(
        app.count("SELECT count(*) FROM email_outbox WHERE subject LIKE '[Prospecta] New lead%'"),
        0,
        "nothing was mailed for the refused lead"
    );

    assert_eq!(submit(client_from("127.0.0.8"), 4).await.status(), StatusCode::ACCEPTED, "another visitor");
}

#[tokio::test]
async fn api_keys_signups_and_logins_have_their_own_limits() {
    let app = TestApp::spawn_with(|c| {
        c.api_key_rate_per_minute = 2;
        c.signup_rate_per_hour = 2;
        c.login_rate_per_minute = 4;
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    // Each answer to the key says where it stands: 2 a minute, so one left, then none.
    let standing = |res: &reqwest::Response| {
        let h = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        (h("ratelimit-limit"), h("ratelimit-remaining"), h("ratelimit-reset").is_some_and(|s| (1..=60).contains(&s)))
    };
    let res = app.ingest(&key.secret, &json!({"email": "a@x.test"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(standing(&res), (Some(2), Some(1), true));
    let whoami = app.request(reqwest::Method::GET, "/api/v1/integration/whoami", None).header("x-api-key", &key.secret);
    let res = whoami.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(standing(&res), (Some(2), Some(0), true));
    let res = app.ingest(&key.secret, &json!({"email": "b@x.test"})).await;
    assert!(res.headers().get("retry-after").is_some());
    problem(res, StatusCode::TOO_MANY_REQUESTS).await;

    // One sign-up was spent above; the second passes, the third from this address waits.
    let signup_body =
        |email: &str| json!({"account_name": "X", "name": "X", "email": email, "password": "long enough pw"});
    assert_eq!(app.post("/api/v1/auth/signup", None, &signup_body("b@b.test")).await.status(), StatusCode::ACCEPTED);
    problem(app.post("/api/v1/auth/signup", None, &signup_body("c@c.test")).await, StatusCode::TOO_MANY_REQUESTS).await;

    for _ in 0..4 {
        assert_eq!(app.login("ana@acme.test", crate::helpers::PASSWORD).await.status(), StatusCode::OK);
    }
    problem(app.login("ana@acme.test", crate::helpers::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS).await;
}
