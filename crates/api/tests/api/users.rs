use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, TestApp, PASSWORD};

#[tokio::test]
async fn admins_create_users_who_can_then_log_in() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    assert_eq!(agent.user.account_id, admin.user.account_id);

    let list: domain::UserList = app.get("/api/v1/users", &agent.token).await.json().await.unwrap();
    let emails: Vec<_> = list.items.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["ana@acme.test", "bruno@acme.test"]);
}

#[tokio::test]
async fn agents_cannot_manage_users() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;

    let body = json!({"email": "carla@acme.test", "name": "Carla", "role": "admin"});
    problem(app.post("/api/v1/invitations", Some(&agent.token), &body).await, StatusCode::FORBIDDEN).await;
    problem(app.get("/api/v1/invitations", &agent.token).await, StatusCode::FORBIDDEN).await;
    problem(
        app.patch(&format!("/api/v1/users/{}", agent.user.id), &agent.token, &json!({"role": "admin"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(app.delete(&format!("/api/v1/users/{}", admin.user.id), &agent.token).await, StatusCode::FORBIDDEN).await;
    assert_eq!(app.count("SELECT count(*) FROM users"), 2);
    assert_eq!(app.count("SELECT count(*) FROM invitations WHERE accepted_at IS NULL"), 0);
}

#[tokio::test]
async fn inviting_a_user_validates_every_field() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;

    let res =
        app.post("/api/v1/invitations", Some(&admin.token), &json!({"email": "x", "name": "", "role": "agent"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["email", "name"]);

    let res = app
        .post("/api/v1/invitations", Some(&admin.token), &json!({"email": "c@acme.test", "name": "C", "role": "boss"}))
        .await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["role"]);
    assert!(p.errors[0].message.contains("unknown variant"), "{:?}", p.errors);

    let res = app
        .post(
            "/api/v1/invitations",
            Some(&admin.token),
            &json!({"email": "ANA@acme.test", "name": "C", "role": "agent"}),
        )
        .await;
    assert_eq!(fields(&problem(res, StatusCode::CONFLICT).await), ["email"], "a user of this very account");
    assert_eq!(app.count("SELECT count(*) FROM users"), 1);
    assert_eq!(app.count("SELECT count(*) FROM invitations"), 0);
}

#[tokio::test]
async fn admins_change_roles_and_passwords_but_not_their_own_admin_rights() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let path = format!("/api/v1/users/{}", agent.user.id);

    let updated: domain::UserView =
        app.patch(&path, &admin.token, &json!({"role": "admin", "name": "Bruno L."})).await.json().await.unwrap();
    assert_eq!((updated.role, updated.name.as_str()), (domain::Role::Admin, "Bruno L."));

    let res = app.patch(&path, &admin.token, &json!({"password": "a brand new password"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    problem(app.login("bruno@acme.test", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.login("bruno@acme.test", "a brand new password").await.status(), StatusCode::OK);

    let own = format!("/api/v1/users/{}", admin.user.id);
    assert_eq!(
        fields(&problem(app.patch(&own, &admin.token, &json!({"role": "agent"})).await, StatusCode::CONFLICT).await),
        ["role"]
    );
    assert_eq!(
        fields(&problem(app.patch(&own, &admin.token, &json!({"disabled": true})).await, StatusCode::CONFLICT).await),
        ["disabled"]
    );
}

#[tokio::test]
async fn admins_delete_other_users_but_not_themselves() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;

    problem(app.delete(&format!("/api/v1/users/{}", admin.user.id), &admin.token).await, StatusCode::CONFLICT).await;
    assert_eq!(
        app.delete(&format!("/api/v1/users/{}", agent.user.id), &admin.token).await.status(),
        StatusCode::NO_CONTENT
    );
    problem(app.get(&format!("/api/v1/users/{}", agent.user.id), &admin.token).await, StatusCode::NOT_FOUND).await;
    problem(app.login("bruno@acme.test", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
}
