//! A demoted, disabled or deleted user's access token stops granting what it granted on the
//! very next request, on every instance, although the token itself has not expired.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn demotion_and_disabling_take_effect_on_the_next_request_on_another_instance() {
    let a = TestApp::spawn_with(|c| c.principal_cache_ms = 0).await;
    let b = a.another_instance().await;
    let owner = a.signup("Acme", "ana@acme.test").await;
    let second = a.create_user(&owner, "bruno@acme.test", "admin").await;

    // Bruno, an admin, works through instance B.
    let res = b.post("/api/v1/sites", Some(&second.token), &json!({"name": "Loja"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Demoted through instance A: his unexpired token no longer makes him an admin on B.
    let path = format!("/api/v1/users/{}", second.user.id);
    assert_eq!(a.patch(&path, &owner.token, &json!({"role": "agent"})).await.status(), StatusCode::OK);
    problem(b.post("/api/v1/sites", Some(&second.token), &json!({"name": "Outra"})).await, StatusCode::FORBIDDEN).await;
    let new_admin = json!({"email": "x@acme.test", "name": "X", "role": "admin"});
    problem(b.post("/api/v1/invitations", Some(&second.token), &new_admin).await, StatusCode::FORBIDDEN).await;
    assert_eq!(b.get("/api/v1/contacts", &second.token).await.status(), StatusCode::OK, "still an agent");

    // Disabled: nothing at all, on either instance.
    assert_eq!(a.patch(&path, &owner.token, &json!({"disabled": true})).await.status(), StatusCode::OK);
    problem(b.get("/api/v1/contacts", &second.token).await, StatusCode::UNAUTHORIZED).await;
    problem(a.get("/api/v1/me", &second.token).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(a.count("SELECT count(*) FROM invitations WHERE email = 'x@acme.test'"), 0);
}

#[tokio::test]
async fn a_deleted_users_token_is_refused() {
    let app = TestApp::spawn().await;
    let owner = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&owner, "bruno@acme.test", "agent").await;
    assert_eq!(app.get("/api/v1/me", &agent.token).await.status(), StatusCode::OK);
    let path = format!("/api/v1/users/{}", agent.user.id);
    assert_eq!(app.delete(&path, &owner.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.get("/api/v1/me", &agent.token).await, StatusCode::UNAUTHORIZED).await;
}
