//! "Forgot password": the same answer for every address, a single-use link by e-mail.

use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, TestApp, PASSWORD};

#[tokio::test]
async fn a_reset_request_answers_the_same_for_every_address_and_mails_only_users() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ana@acme.test").await;
    let known = app.post("/api/v1/auth/password-reset", None, &json!({"email": "ANA@acme.test"})).await;
    let unknown = app.post("/api/v1/auth/password-reset", None, &json!({"email": "nobody@acme.test"})).await;
    assert_eq!((known.status(), unknown.status()), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    app.wait_for_mail("ana@acme.test").await;
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE subject LIKE '%Reset your password'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE to_address = 'nobody@acme.test'"), 0);
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let ana = app.signup("Acme", "ana@acme.test").await;
    app.post("/api/v1/auth/password-reset", None, &json!({"email": "ana@acme.test"})).await;
    app.wait_for_mail("ana@acme.test").await;
    let token = app.mailed_token("ana@acme.test", "/reset-password?token=");
    assert!(token.starts_with("pr_"), "{token}");

    let res =
        app.post("/api/v1/auth/password-reset/confirm", None, &json!({"token": token, "password": "short"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["password"]);
    let new_password = json!({"token": token, "password": "a brand new password"});
    let res = app.post("/api/v1/auth/password-reset/confirm", None, &new_password).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    problem(app.login("ana@acme.test", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.login("ana@acme.test", "a brand new password").await.status(), StatusCode::OK);
    let refresh = app.refresh(&ana.refresh_token).await;
    problem(refresh, StatusCode::UNAUTHORIZED).await;

    let again = app.post("/api/v1/auth/password-reset/confirm", None, &new_password).await;
    assert_eq!(fields(&problem(again, StatusCode::UNPROCESSABLE_ENTITY).await), ["token"], "single use");
}

#[tokio::test]
async fn an_expired_or_made_up_token_is_refused() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ana@acme.test").await;
    app.post("/api/v1/auth/password-reset", None, &json!({"email": "ana@acme.test"})).await;
    app.wait_for_mail("ana@acme.test").await;
    let token = app.mailed_token("ana@acme.test", "/reset-password?token=");
    diesel::sql_query("UPDATE password_resets SET expires_at = now() - interval '1 minute'")
        .execute(&mut app.conn())
        .unwrap();
    for token in [token.as_str(), "pr_made_up"] {
        let res = app
            .post(
                "/api/v1/auth/password-reset/confirm",
                None,
                &json!({"token": token, "password": "a brand new password"}),
            )
            .await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["token"]);
    }
    assert_eq!(app.login("ana@acme.test", PASSWORD).await.status(), StatusCode::OK, "the password did not change");
}

#[tokio::test]
async fn a_reset_is_answered_before_any_of_its_database_work_so_known_addresses_take_no_longer() {
    use diesel::Connection;
    let app = TestApp::spawn().await;
    app.signup("Acme", "ana@acme.test").await;
    // Hold the table a known address's reset writes to: if the answer waited for that work,
    // it would not come.
    let mut lock = app.conn();
    lock.begin_test_transaction().unwrap();
    diesel::sql_query("LOCK TABLE password_resets IN ACCESS EXCLUSIVE MODE").execute(&mut lock).unwrap();
    let res = app
        .request(reqwest::Method::POST, "/api/v1/auth/password-reset", None)
        .json(&json!({"email": "ana@acme.test"}))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .expect("answered while the reset's work waits");
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE subject LIKE '%Reset your password'"), 0);
    drop(lock);
    app.wait_for_mail("ana@acme.test").await;
}
