use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn oversized_bodies_get_413_and_write_nothing() {
    let app = TestApp::spawn_with(|c| c.json_limit = 1024).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": "x".repeat(2000)})).await;
    problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(app.count("SELECT count(*) FROM sites"), 0);
}

#[tokio::test]
async fn malformed_json_and_wrong_content_types_are_rejected() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app
        .request(Method::POST, "/api/v1/sites", Some(&admin.token))
        .header("content-type", "application/json")
        .body("{\"name\":")
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .request(Method::POST, "/api/v1/sites", Some(&admin.token))
        .header("content-type", "text/plain")
        .body("{\"name\":\"x\"}")
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": 42})).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.errors[0].field, "name");
}

#[tokio::test]
async fn unknown_api_paths_and_bad_ids_are_problem_404s() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    problem(app.get("/api/v1/nothing-here", &admin.token).await, StatusCode::NOT_FOUND).await;
    problem(app.get("/api/v1/sites/not-a-uuid", &admin.token).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_probes_answer() {
    let app = TestApp::spawn().await;
    let res = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("x-request-id").unwrap().len(), 36);

    let res =
        app.client.get(format!("{}/readyz", app.base)).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("x-request-id").unwrap(), "trace-me-42");

    let res = app.client.get(format!("{}/api/v1/me", app.base)).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(problem(res, StatusCode::UNAUTHORIZED).await.request_id.as_deref(), Some("abc-123"));
}

#[tokio::test]
async fn readiness_fails_with_503_when_the_database_is_gone() {
    let app = TestApp::spawn_with(|c| c.database_url = c.database_url.replace("/test_", "/missing_")).await;
    let res = app.client.get(format!("{}/readyz", app.base)).send().await.unwrap();
    problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(app.client.get(format!("{}/healthz", app.base)).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn connections_the_database_dropped_answer_503_once_and_leave_the_pool() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    for _ in 0..8 {
        assert_eq!(app.get("/api/v1/contacts", &admin.token).await.status(), StatusCode::OK);
    }
    // As a database restart or failover would: every server connection goes away.
    let killed = app.count(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    assert!(killed >= 1, "the pool had connections open");
    let mut unavailable = 0;
    loop {
        let res = app.get("/api/v1/contacts", &admin.token).await;
        if res.status() == StatusCode::OK {
            break;
        }
        problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
        unavailable += 1;
        assert!(unavailable <= killed, "each dead connection fails one request at most, then is replaced");
    }
    for _ in 0..8 {
        assert_eq!(app.get("/api/v1/contacts", &admin.token).await.status(), StatusCode::OK);
    }
}
