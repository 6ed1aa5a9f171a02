//! Login throttling: atomic under parallel guesses, per client so nobody can lock a user
//! out from elsewhere, reset by a success, and `X-Forwarded-For` believed only from proxies.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{client_from, TestApp, PASSWORD};

async fn login_from(app: &TestApp, client: &reqwest::Client, password: &str) -> StatusCode {
    client
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"email": "ana@acme.test", "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn forty_parallel_wrong_passwords_get_at_most_the_limit_of_answers() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 5).await;
    app.signup("Acme", "ana@acme.test").await;
    let client = client_from("127.0.0.2");
    let attempts = (0..40).map(|_| login_from(&app, &client, "wrong password"));
    let statuses = futures_util::future::join_all(attempts).await;
    let unauthorized = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((unauthorized, limited), (5, 35), "{statuses:?}");
}

#[tokio::test]
async fn failures_from_one_client_do_not_lock_the_user_out_of_another() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    app.signup("Acme", "ana@acme.test").await;
    let attacker = client_from("127.0.0.3");
    for _ in 0..3 {
        assert_eq!(login_from(&app, &attacker, "wrong password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_from(&app, &attacker, PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "even the right one");

    let user = client_from("127.0.0.4");
    assert_eq!(login_from(&app, &user, PASSWORD).await, StatusCode::OK, "the real user elsewhere gets in");

    // A success resets that client's count.
    assert_eq!(login_from(&app, &user, "typo").await, StatusCode::UNAUTHORIZED);
    assert_eq!(login_from(&app, &user, "typo").await, StatusCode::UNAUTHORIZED);
    assert_eq!(login_from(&app, &user, PASSWORD).await, StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(login_from(&app, &user, "typo").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_from(&app, &user, PASSWORD).await, StatusCode::OK, "the count started again");
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with(|c| {
        c.login_max_failures = 2;
        c.trusted_proxies = vec!["127.0.0.5".parse().unwrap()];
    })
    .await;
    app.signup("Acme", "ana@acme.test").await;
    let login = |client: reqwest::Client, forwarded: &'static str, password: &'static str| {
        let url = format!("{}/api/v1/auth/login", app.base);
        async move {
            client
                .post(url)
                .header("x-forwarded-for", forwarded)
                .json(&json!({"email": "ana@acme.test", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Through the proxy, two different clients have their own counts.
    for _ in 0..2 {
        assert_eq!(login(client_from("127.0.0.5"), "203.0.113.7", "wrong").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(client_from("127.0.0.5"), "203.0.113.7", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(login(client_from("127.0.0.5"), "198.51.100.9", PASSWORD).await, StatusCode::OK);

    // A client that is not the proxy cannot pick its address with the header.
    for forwarded in ["192.0.2.1", "192.0.2.2"] {
        assert_eq!(login(client_from("127.0.0.6"), forwarded, "wrong").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(client_from("127.0.0.6"), "192.0.2.3", "wrong").await, StatusCode::TOO_MANY_REQUESTS);
}
