//! Presence, chat settings per site, canned responses and the navigation's counts.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn presence_decides_what_the_bot_promises_and_colleagues_see_it() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let (_, chat) = app.start_chat(&site.public_key, "en").await;
    assert_eq!(chat["operators_online"], false);
    let mut stream = app.operator_stream(&admin, None).await;
    let res = app
        .request(Method::PUT, "/api/v1/users/me/presence", Some(&admin.token))
        .json(&json!({"presence": "online"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["presence"], "online");
    let event = stream.expect("presence.changed", std::time::Duration::from_secs(10)).await;
    assert_eq!(event.data["presence"], "online");
    let (_, chat) = app.start_chat(&site.public_key, "en").await;
    assert_eq!(chat["operators_online"], true);
    let res = app
        .request(Method::PUT, "/api/v1/users/me/presence", Some(&admin.token))
        .json(&json!({"presence": "asleep"}))
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn admins_set_the_bot_questions_per_site_and_the_bot_follows_them() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let path = format!("/api/v1/sites/{}/chat", site.id);
    let current: Value = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(
        current,
        json!({"bot_enabled": true, "bot_questions": [{"field": "name", "prompt_en": null, "prompt_pt": null}, {"field": "email", "prompt_en": null, "prompt_pt": null}], "ignore_minutes": 5})
    );
    problem(app.get(&path, &agent.token).await, StatusCode::FORBIDDEN).await;
    let put = |body: Value| app.request(Method::PUT, &path, Some(&admin.token)).json(&body).send();
    let res = put(json!({"bot_enabled": true, "bot_questions": [{"field": "shoe_size"}], "ignore_minutes": 5}))
        .await
        .unwrap();
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["bot_questions[0].field"]);
    let res = put(
        json!({"bot_enabled": true, "bot_questions": [{"field": "phone"}, {"field": "phone"}], "ignore_minutes": 5}),
    )
    .await
    .unwrap();
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["bot_questions[1].field"]);
    let res = put(json!({"bot_enabled": true, "bot_questions": [], "ignore_minutes": 0})).await.unwrap();
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["ignore_minutes"]);
    let res = put(json!({"bot_enabled": true, "bot_questions": [{"field": "phone", "prompt_en": "Your WhatsApp?"}], "ignore_minutes": 10})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (v, chat) = app.start_chat(&site.public_key, "en").await;
    assert_eq!(chat["messages"][0]["body"], "Your WhatsApp?");
    assert_eq!(app.visitor_says(&v, "12").await.status(), StatusCode::CREATED);
    assert_eq!(app.visitor_chat(&v).await["status"], "bot", "a bad phone is asked again");
    assert_eq!(app.visitor_says(&v, "(11) 98765-4321").await.status(), StatusCode::CREATED);
    assert_eq!(app.visitor_chat(&v).await["status"], "waiting");
    // Bot off: straight to the Inbox.
    let res = put(json!({"bot_enabled": false, "bot_questions": [], "ignore_minutes": 10})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, chat) = app.start_chat(&site.public_key, "en").await;
    assert_eq!(chat["status"], "waiting");
    assert_eq!(chat["messages"], json!([]));
    let stranger = app.signup("Other", "zed@other.test").await;
    problem(app.get(&path, &stranger.token).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn canned_responses_are_the_accounts_and_only_admins_edit_them() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let body = json!({"shortcut": "precos", "body": "Nossos planos começam em R$ 99/mês."});
    problem(app.post("/api/v1/canned-responses", Some(&agent.token), &body).await, StatusCode::FORBIDDEN).await;
    let res = app.post("/api/v1/canned-responses", Some(&admin.token), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let res = app.post("/api/v1/canned-responses", Some(&admin.token), &body).await;
    assert_eq!(fields(&problem(res, StatusCode::CONFLICT).await), ["shortcut"]);
    let res =
        app.post("/api/v1/canned-responses", Some(&admin.token), &json!({"shortcut": "two words", "body": "x"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["shortcut"]);
    let list: Value = app.get("/api/v1/canned-responses", &agent.token).await.json().await.unwrap();
    assert_eq!(list["items"][0]["shortcut"], "precos");
    let stranger = app.signup("Other", "zed@other.test").await;
    let list: Value = app.get("/api/v1/canned-responses", &stranger.token).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
    let path = format!("/api/v1/canned-responses/{}", created["id"].as_str().unwrap());
    problem(app.delete(&path, &agent.token).await, StatusCode::FORBIDDEN).await;
    problem(app.delete(&path, &stranger.token).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.delete(&path, &admin.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.delete(&path, &admin.token).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_navigation_counts_waiting_and_unanswered_conversations() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let a = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    app.waiting_chat(&site.public_key, "Carla", "carla@example.com").await;
    let counts: Value = app.get("/api/v1/conversations/counts", &admin.token).await.json().await.unwrap();
    assert_eq!(counts, json!({"inbox": 2, "awaiting_reply": 0}));
    assert_eq!(app.act(&admin, a.conversation_id, "accept").await.status(), StatusCode::OK);
    assert_eq!(app.visitor_says(&a, "Oi?").await.status(), StatusCode::CREATED);
    let counts: Value = app.get("/api/v1/conversations/counts", &admin.token).await.json().await.unwrap();
    assert_eq!(counts, json!({"inbox": 1, "awaiting_reply": 1}));
}
