//! Boards and stages: templates, sharing, order, roles and accounts.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{fields, problem, TestApp};

fn stage_names(board: &Value) -> Vec<String> {
    board["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_board_from_a_template_has_its_stages_in_order_in_the_chosen_language() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app
        .post(
            "/api/v1/boards",
            Some(&admin.token),
            &json!({"name": "Vendas", "template": "sales_pipeline", "lang": "pt-BR"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let board: Value = res.json().await.unwrap();
    assert_eq!(stage_names(&board), ["Novo lead", "Qualificado", "Proposta enviada", "Negociação", "Ganho", "Perdido"]);
    assert_eq!(board["stages"][1]["stale_days"], 5);
    assert_eq!(board["colour"], "#2358d8");
    let res = app
        .post(
            "/api/v1/boards",
            Some(&admin.token),
            &json!({"name": "Carteira", "template": "client_portfolio", "colour": "#15803D"}),
        )
        .await;
    let portfolio: Value = res.json().await.unwrap();
    assert_eq!(stage_names(&portfolio), ["Onboarding", "Active", "At risk", "Churned"]);
    assert_eq!(portfolio["colour"], "#15803d");
    let list: Value = app.get("/api/v1/boards", &admin.token).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x", "colour": "blue"}), "colour"),
        (json!({"name": "x", "template": "nope"}), "template"),
        (json!({"name": "x", "member_ids": [Uuid::new_v4()]}), "member_ids"),
        (json!({"name": "a\u{0}b"}), "name"),
    ] {
        let res = app.post("/api/v1/boards", Some(&admin.token), &body).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM boards"), 2, "nothing half-written");
}

#[tokio::test]
async fn agents_see_only_boards_shared_with_them_and_other_accounts_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let shared: Value = app
        .post("/api/v1/boards", Some(&admin.token), &json!({"name": "Shared", "member_ids": [agent.user.id]}))
        .await
        .json()
        .await
        .unwrap();
    let private: Value =
        app.post("/api/v1/boards", Some(&admin.token), &json!({"name": "Private"})).await.json().await.unwrap();
    let list: Value = app.get("/api/v1/boards", &agent.token).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], shared["id"]);
    let private_path = format!("/api/v1/boards/{}", private["id"].as_str().unwrap());
    problem(app.get(&private_path, &agent.token).await, StatusCode::NOT_FOUND).await;
    // Agents do not change boards.
    let shared_path = format!("/api/v1/boards/{}", shared["id"].as_str().unwrap());
    problem(app.patch(&shared_path, &agent.token, &json!({"name": "Mine"})).await, StatusCode::FORBIDDEN).await;
    problem(
        app.post(&format!("{shared_path}/stages"), Some(&agent.token), &json!({"name": "x"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Unsharing takes it away.
    let res = app.patch(&shared_path, &admin.token, &json!({"member_ids": []})).await;
    assert_eq!(res.status(), StatusCode::OK);
    problem(app.get(&shared_path, &agent.token).await, StatusCode::NOT_FOUND).await;

    let stranger = app.signup("Other", "zed@other.test").await;
    problem(app.get(&shared_path, &stranger.token).await, StatusCode::NOT_FOUND).await;
    problem(app.patch(&shared_path, &stranger.token, &json!({"name": "x"})).await, StatusCode::NOT_FOUND).await;
    problem(app.delete(&shared_path, &stranger.token).await, StatusCode::NOT_FOUND).await;
    problem(
        app.post(&format!("{shared_path}/stages"), Some(&stranger.token), &json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let list: Value = app.get("/api/v1/boards", &stranger.token).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn stages_are_added_changed_moved_and_deleted() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board: Value = app
        .post("/api/v1/boards", Some(&admin.token), &json!({"name": "B", "template": "client_portfolio"}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/boards/{}", board["id"].as_str().unwrap());
    let res =
        app.post(&format!("{path}/stages"), Some(&admin.token), &json!({"name": "Renewal", "wip_limit": 5})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let renewal: Value = res.json().await.unwrap();
    let id = |name: &str, b: &Value| {
        b["stages"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()["id"].as_str().unwrap().to_string()
    };
    let current: Value = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(stage_names(&current), ["Onboarding", "Active", "At risk", "Churned", "Renewal"]);

    // Move "Renewal" after "Active", then to the front.
    let move_to = |stage: String, after: Value| {
        let url = format!("{path}/stages/{stage}/move");
        let token = admin.token.clone();
        let app = &app;
        async move { app.post(&url, Some(&token), &json!({"after_id": after})).await }
    };
    let res = move_to(renewal["id"].as_str().unwrap().to_string(), json!(id("Active", &current))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(stage_names(&moved), ["Onboarding", "Active", "Renewal", "At risk", "Churned"]);
    let moved: Value = move_to(renewal["id"].as_str().unwrap().to_string(), Value::Null).await.json().await.unwrap();
    assert_eq!(stage_names(&moved), ["Renewal", "Onboarding", "Active", "At risk", "Churned"]);
    let res = move_to(renewal["id"].as_str().unwrap().to_string(), json!(renewal["id"])).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["after_id"]);

    let stage_path = format!("{path}/stages/{}", renewal["id"].as_str().unwrap());
    let res =
        app.patch(&stage_path, &admin.token, &json!({"name": "Renovação", "wip_limit": null, "stale_days": 10})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        changed,
        json!({"id": renewal["id"], "name": "Renovação", "colour": "#2358d8", "stale_days": 10, "wip_limit": null, "card_count": 0})
    );
    let res = app.patch(&stage_path, &admin.token, &json!({"stale_days": 0})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["stale_days"]);
    assert_eq!(app.delete(&stage_path, &admin.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.delete(&stage_path, &admin.token).await, StatusCode::NOT_FOUND).await;
    // A stage of another board is not found through this one.
    let other: Value = app
        .post("/api/v1/boards", Some(&admin.token), &json!({"name": "C", "template": "sales_pipeline"}))
        .await
        .json()
        .await
        .unwrap();
    let foreign = format!("{path}/stages/{}", other["stages"][0]["id"].as_str().unwrap());
    problem(
        app.request(Method::PATCH, &foreign, Some(&admin.token)).json(&json!({"name": "x"})).send().await.unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(app.delete(&path, &admin.token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM board_stages WHERE board_id = '{}'", board["id"].as_str().unwrap())),
        0
    );
}
