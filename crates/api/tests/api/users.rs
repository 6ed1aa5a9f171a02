use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{fields, problem, Session, TestApp, PASSWORD};

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

#[tokio::test]
async fn admins_choose_the_boards_a_user_sees_from_the_user() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let board = |name: &'static str| {
        let app = &app;
        let token = admin.token.clone();
        async move {
            let res =
                app.post("/api/v1/boards", Some(&token), &json!({"name": name, "template": "sales_pipeline"})).await;
            res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
        }
    };
    let (sales, renewals) = (board("Vendas").await, board("Renovações").await);
    let user_path = format!("/api/v1/users/{}", agent.user.id);
    let seen = |who: &Session| {
        let app = &app;
        let token = who.token.clone();
        async move {
            let list: Value = app.get("/api/v1/boards", &token).await.json().await.unwrap();
            let mut names: Vec<String> =
                list["items"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap().to_string()).collect();
            names.sort();
            names
        }
    };
    assert!(seen(&agent).await.is_empty());

    let res = app.patch(&user_path, &admin.token, &json!({"board_ids": [sales, renewals, sales]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(seen(&agent).await, ["Renovações", "Vendas"]);
    let shared: Value = app.get(&format!("/api/v1/boards/{sales}"), &admin.token).await.json().await.unwrap();
    assert_eq!(shared["member_ids"], json!([agent.user.id]), "the board's side shows it");

    // Replacing the list unshares the rest.
    let res = app.patch(&user_path, &admin.token, &json!({"board_ids": [renewals]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(seen(&agent).await, ["Renovações"]);

    // A board of another account is refused and nothing changes.
    let other = app.signup("Other", "olga@other.test").await;
    let res =
        app.post("/api/v1/boards", Some(&other.token), &json!({"name": "Alheio", "template": "sales_pipeline"})).await;
    let foreign = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let res = app.patch(&user_path, &admin.token, &json!({"board_ids": [sales, foreign], "name": "Bruno Novo"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["board_ids"]);
    assert_eq!(seen(&agent).await, ["Renovações"]);
    let user: Value = app.get(&user_path, &admin.token).await.json().await.unwrap();
    assert_eq!(user["name"], "Bruno Teste", "the rest of the change was rolled back");
    // Another account's admin cannot touch the user; agents cannot change anyone's boards.
    problem(app.patch(&user_path, &other.token, &json!({"board_ids": []})).await, StatusCode::NOT_FOUND).await;
    problem(app.patch(&user_path, &agent.token, &json!({"board_ids": [sales]})).await, StatusCode::FORBIDDEN).await;
    // Nobody signed in, or an id that is no UUID (a NUL byte in it too): refused, nothing changed.
    let anonymous = app.request(reqwest::Method::PATCH, &user_path, None).json(&json!({"board_ids": []}));
    problem(anonymous.send().await.unwrap(), StatusCode::UNAUTHORIZED).await;
    for bad in [json!(["not-a-uuid"]), json!(["\u{0}"])] {
        let res = app.patch(&user_path, &admin.token, &json!({"board_ids": bad})).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["board_ids[0]"], "{bad}");
    }
    assert_eq!(seen(&agent).await, ["Renovações"]);
}

/// Sound alerts are each user's own setting: on by default, changed only by them.
#[tokio::test]
async fn each_user_turns_their_own_sound_alerts_off_and_on() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    assert!(agent.user.sound_alerts && admin.user.sound_alerts);
    let put = |token: Option<&str>, body: Value| {
        app.request(reqwest::Method::PUT, "/api/v1/users/me/alerts", token).json(&body).send()
    };

    let res = put(Some(&agent.token), json!({"sound": false})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let user: domain::UserView = res.json().await.unwrap();
    assert_eq!((user.id, user.sound_alerts), (agent.user.id, false));
    let me: Value = app.get("/api/v1/me", &agent.token).await.json().await.unwrap();
    assert_eq!(me["user"]["sound_alerts"], false);
    // The admin's own setting did not move.
    let me: Value = app.get("/api/v1/me", &admin.token).await.json().await.unwrap();
    assert_eq!(me["user"]["sound_alerts"], true);

    for bad in [json!({}), json!({"sound": "no"}), json!({"sound": true, "for": admin.user.id})] {
        let p = problem(put(Some(&agent.token), bad.clone()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(!p.errors.is_empty(), "{bad}");
    }
    problem(put(None, json!({"sound": true})).await.unwrap(), StatusCode::UNAUTHORIZED).await;
    let res = put(Some(&agent.token), json!({"sound": true})).await.unwrap();
    assert!(res.json::<domain::UserView>().await.unwrap().sound_alerts);
}
