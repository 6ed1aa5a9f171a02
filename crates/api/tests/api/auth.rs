use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{fields, problem, session, TestApp, PASSWORD};

#[tokio::test]
async fn signup_creates_an_account_whose_admin_is_signed_in() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "Ana@Acme.test").await;
    assert_eq!(admin.user.email, "ana@acme.test", "e-mails are stored lower-cased");

    let me: serde_json::Value = app.get("/api/v1/me", &admin.token).await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["account"]["name"], "Acme");
    assert_eq!(app.count("SELECT count(*) FROM accounts"), 1);
}

#[tokio::test]
async fn signup_with_bad_fields_names_them_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/auth/signup",
            None,
            &json!({"account_name": "", "name": "A", "email": "nope", "password": "short"}),
        )
        .await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["account_name", "email", "password"]);
    // Bounds travel with the code, so a client can word the message in its own language.
    let bounds = |field: &str| p.errors.iter().find(|e| e.field == field).unwrap().params.clone();
    assert_eq!(bounds("account_name"), [("max".to_string(), 120), ("min".to_string(), 1)].into());
    assert_eq!(bounds("password"), [("max".to_string(), 200), ("min".to_string(), 10)].into());

    let res = app
        .post("/api/v1/auth/signup", None, &json!({"account_name": "Acme", "name": "A", "password": PASSWORD}))
        .await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["email"]);
    assert_eq!(p.errors[0].code, "required");

    assert_eq!(app.count("SELECT count(*) FROM accounts"), 0);
    assert_eq!(app.count("SELECT count(*) FROM users"), 0);
}

#[tokio::test]
async fn login_accepts_the_right_password_only() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ana@acme.test").await;

    let ok = app.login("ANA@acme.test", PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let cookie = ok.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.starts_with("prospecta_refresh="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/api/v1/auth"), "{cookie}");

    let p = problem(app.login("ana@acme.test", "wrong password").await, StatusCode::UNAUTHORIZED).await;
    assert!(p.detail.unwrap().contains("wrong"));
    problem(app.login("nobody@acme.test", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn repeated_login_failures_are_rate_limited() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    app.signup("Acme", "ana@acme.test").await;
    for _ in 0..3 {
        problem(app.login("ana@acme.test", "wrong password").await, StatusCode::UNAUTHORIZED).await;
    }
    let res = app.login("ana@acme.test", PASSWORD).await;
    assert!(res.headers().contains_key("retry-after"));
    problem(res, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn requests_without_a_valid_access_token_are_refused() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/api/v1/me", None).send().await.unwrap();
    assert_eq!(res.headers().get("www-authenticate").unwrap(), "Bearer");
    problem(res, StatusCode::UNAUTHORIZED).await;
    problem(app.get("/api/v1/me", "not.a.jwt").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let app = TestApp::spawn_with(|c| c.access_ttl_secs = -60).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let p = problem(app.get("/api/v1/me", &admin.token).await, StatusCode::UNAUTHORIZED).await;
    assert!(p.detail.unwrap().contains("expired"));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session() {
    // No grace: the replay below comes a moment after the rotation, as two tabs' would.
    let app = TestApp::spawn_with(|c| c.refresh_reuse_grace_secs = 0).await;
    let first = app.signup("Acme", "ana@acme.test").await;

    let res = app.refresh(&first.refresh_token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = session(res.json().await.unwrap());
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(app.get("/api/v1/me", &second.token).await.status(), StatusCode::OK);

    // Replaying the spent token looks like theft: it fails and revokes its successor too.
    problem(app.refresh(&first.refresh_token).await, StatusCode::UNAUTHORIZED).await;
    problem(app.refresh(&second.refresh_token).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn two_tabs_refreshing_at_once_keep_the_session_and_a_later_replay_ends_it() {
    let app = TestApp::spawn().await; // the default grace
    let first = app.signup("Acme", "ana@acme.test").await;
    let refresh = || app.refresh(&first.refresh_token);

    // Both tabs send the refresh token they share; one of them spends it first.
    let (a, b) = tokio::join!(refresh(), refresh());
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let (a, b) = (session(a.json().await.unwrap()), session(b.json().await.unwrap()));
    assert_ne!(a.refresh_token, b.refresh_token);
    for tab in [&a, &b] {
        assert_eq!(app.get("/api/v1/me", &tab.token).await.status(), StatusCode::OK);
    }
    // Spent twice, it was spent once: the grace runs from the first time.
    let spent_at = "SELECT count(DISTINCT revoked_at) FROM refresh_tokens WHERE revoked_at IS NOT NULL";
    assert_eq!(app.count(spent_at), 1);

    // Once the grace has passed, the same token again is a copy in someone else's hands.
    app.conn_exec(
        "UPDATE refresh_tokens SET revoked_at = revoked_at - interval '1 minute' WHERE revoked_at IS NOT NULL",
    );
    problem(refresh().await, StatusCode::UNAUTHORIZED).await;
    for tab in [&a, &b] {
        problem(app.refresh(&tab.refresh_token).await, StatusCode::UNAUTHORIZED).await;
    }
}

#[tokio::test]
async fn a_session_ended_by_logout_gets_no_grace() {
    let app = TestApp::spawn().await;
    let first = app.signup("Acme", "ana@acme.test").await;
    let res = app.refresh(&first.refresh_token).await;
    let second = session(res.json().await.unwrap());
    let out = app.post("/api/v1/auth/logout", None, &json!({"refresh_token": second.refresh_token})).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    // Spent a moment ago, but its session has ended.
    problem(app.refresh(&first.refresh_token).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn browsers_refresh_with_the_cookie_and_logout_revokes_it() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ana@acme.test").await;
    app.login_ok("ana@acme.test").await; // the client's cookie jar now holds the refresh cookie

    let refreshed = app.request(Method::POST, "/api/v1/auth/refresh", None).send().await.unwrap();
    assert_eq!(refreshed.status(), StatusCode::OK);
    let cookie = refreshed.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP with SECURE_COOKIES unset: {cookie}");
    let tokens: domain::TokenResponse = refreshed.json().await.unwrap();
    assert_eq!(tokens.refresh_token, None, "a cookie client never sees its refresh token");
    let rotated = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string();

    let out = app.request(Method::POST, "/api/v1/auth/logout", None).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    problem(app.refresh(&rotated).await, StatusCode::UNAUTHORIZED).await;
    problem(app.request(Method::POST, "/api/v1/auth/refresh", None).send().await.unwrap(), StatusCode::UNAUTHORIZED)
        .await;
}

#[tokio::test]
async fn disabled_users_cannot_log_in_or_refresh() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;

    let res = app.patch(&format!("/api/v1/users/{}", agent.user.id), &admin.token, &json!({"disabled": true})).await;
    assert_eq!(res.status(), StatusCode::OK);

    problem(app.login("bruno@acme.test", PASSWORD).await, StatusCode::FORBIDDEN).await;
    problem(app.refresh(&agent.refresh_token).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn refresh_and_logout_bodies_must_be_json_when_present() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app
        .request(Method::POST, "/api/v1/auth/refresh", None)
        .header("content-type", "text/plain")
        .body(admin.refresh_token.clone())
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = app.post("/api/v1/auth/logout", None, &json!({"refresh_token": 42})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["refresh_token"]);
    // Neither attempt spent or revoked the token.
    let res = app.refresh(&admin.refresh_token).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_refresh_cookie_is_secure_behind_https_unless_configured_otherwise() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ana@acme.test").await;
    let login = |proto: &'static str| {
        app.request(Method::POST, "/api/v1/auth/login", None)
            .header("x-forwarded-proto", proto)
            .json(&json!({"email": "ana@acme.test", "password": PASSWORD}))
            .send()
    };
    let res = login("https").await.unwrap();
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
    let res = login("http").await.unwrap();
    assert!(!res.headers()["set-cookie"].to_str().unwrap().contains("Secure"));

    let forced = TestApp::spawn_with(|c| c.secure_cookies = Some(true)).await;
    forced.signup("Acme", "ana@acme.test").await;
    let res = forced.login("ana@acme.test", PASSWORD).await;
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
}
