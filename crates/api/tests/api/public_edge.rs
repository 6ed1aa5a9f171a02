//! The public chat edge: a site key and a visitor token (anyone's, the widget is on every page
//! of the site) never move, write or reveal a client's data. Each test is an attack someone
//! made, driven through the API.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::chat_helpers::Visitor;
use crate::helpers::{problem, Session, TestApp};

impl TestApp {
    async fn details(&self, v: &Visitor, body: Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/visitor/conversations/{}/details", v.conversation_id);
        let res =
            self.visitor_request(Method::POST, &path, &v.site_key, Some(&v.token)).json(&body).send().await.unwrap();
        (res.status(), res.json().await.unwrap())
    }

    async fn contact_json(&self, admin: &Session, id: Uuid) -> Value {
        let res = self.get(&format!("/api/v1/contacts/{id}"), &admin.token).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    async fn set_bot(&self, admin: &Session, site: Uuid, fields: &[&str]) {
        let questions: Vec<Value> = fields.iter().map(|f| json!({"field": f})).collect();
        let res = self
            .request(Method::PUT, &format!("/api/v1/sites/{site}/chat"), Some(&admin.token))
            .json(&json!({"bot_enabled": true, "bot_questions": questions, "ignore_minutes": 5}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}

/// A visitor's view of their chat with what differs between any two chats (ids, times)
/// taken out, so two chats' answers compare byte for byte.
fn comparable(mut chat: Value) -> String {
    chat["conversation_id"] = Value::Null;
    for m in chat["messages"].as_array_mut().into_iter().flatten() {
        m["id"] = Value::Null;
        m["sent_at"] = Value::Null;
    }
    serde_json::to_string(&chat).unwrap()
}

fn count_of(contact: &Value, list: &str) -> usize {
    contact[list].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn naming_two_clients_in_turn_moves_nothing_of_the_first_onto_the_second() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let transcript = json!([{"sender": "visitor", "body": "Quero o plano anual"}]);
    let x = app
        .ingest_ok(&key.secret, &json!({"name": "Xavier", "email": "x@client.test", "transcript": transcript}))
        .await;
    let y = app.ingest_ok(&key.secret, &json!({"name": "Yara", "email": "y@client.test"})).await;
    let note =
        app.post(&format!("/api/v1/contacts/{}/notes", x.id), Some(&admin.token), &json!({"body": "Só à tarde"})).await;
    assert_eq!(note.status(), StatusCode::CREATED);

    let (v, _) = app.start_chat(&site.public_key, "en").await;
    assert_eq!(app.details(&v, json!({"email": "x@client.test"})).await.0, StatusCode::OK);
    assert_eq!(app.details(&v, json!({"email": "y@client.test"})).await.0, StatusCode::OK);
    assert_eq!(app.details(&v, json!({"phone": "+5511987650000", "message": "Oi"})).await.0, StatusCode::OK);

    let x_now = app.contact_json(&admin, x.id).await;
    let y_now = app.contact_json(&admin, y.id).await;
    assert_eq!(count_of(&x_now, "notes"), 1, "X keeps its note");
    assert_eq!(count_of(&x_now, "conversations"), 2, "X keeps its transcript and gets the chat that named it");
    assert_eq!(count_of(&y_now, "conversations"), 0, "nothing of X moved to Y");
    assert_eq!(count_of(&y_now, "notes"), 0);
    assert!(x_now["contact"]["phone"].is_null(), "a later detail is not written into X");
    assert_eq!(x_now["contact"]["email"], "x@client.test");
    let detail: Value =
        app.get(&format!("/api/v1/conversations/{}", v.conversation_id), &admin.token).await.json().await.unwrap();
    assert_eq!(detail["contact"]["id"], x.id.to_string(), "the chat stays with the first client it named");
    assert_eq!(detail["visitor_given"]["email"], "y@client.test", "what the visitor typed last");
    assert_eq!(detail["visitor_given"]["phone"], "+5511987650000");

    // A new chat of the same visitor starts anonymous again: being X was only this chat's claim.
    assert_eq!(app.act(&admin, v.conversation_id, "accept").await.status(), StatusCode::OK);
    assert_eq!(app.act(&admin, v.conversation_id, "close").await.status(), StatusCode::OK);
    let res = app
        .visitor_request(Method::POST, "/api/v1/visitor/conversations", &v.site_key, Some(&v.token))
        .json(&json!({"lang": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let next: Value = res.json().await.unwrap();
    let next_id = next["chat"]["conversation_id"].as_str().unwrap();
    let detail: Value = app.get(&format!("/api/v1/conversations/{next_id}"), &admin.token).await.json().await.unwrap();
    assert_ne!(detail["contact"]["id"], x.id.to_string());
    assert!(detail["contact"]["email"].is_null());
}

#[tokio::test]
async fn a_visitor_never_fills_a_known_clients_empty_phone_or_email() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let by_email = app.ingest_ok(&key.secret, &json!({"name": "Eva", "email": "eva@client.test"})).await;
    let by_phone = app.ingest_ok(&key.secret, &json!({"name": "Fabio", "phone": "+5511912340000"})).await;

    let (v, _) = app.start_chat(&site.public_key, "en").await;
    app.details(&v, json!({"email": "eva@client.test"})).await;
    app.details(&v, json!({"phone": "+5511955550000", "name": "Impostor"})).await;
    let (w, _) = app.start_chat(&site.public_key, "en").await;
    app.details(&w, json!({"phone": "11 91234-0000"})).await;
    app.details(&w, json!({"email": "attacker@evil.test"})).await;

    let eva = app.contact_json(&admin, by_email.id).await;
    assert!(eva["contact"]["phone"].is_null());
    assert_eq!(eva["contact"]["name"], "Eva");
    let fabio = app.contact_json(&admin, by_phone.id).await;
    assert!(fabio["contact"]["email"].is_null());
    for client in [&eva, &fabio] {
        let changed: Vec<&str> =
            client["activities"].as_array().unwrap().iter().filter_map(|h| h["field"].as_str()).collect();
        assert!(changed.iter().all(|f| ["created", "resubmitted"].contains(f)), "{changed:?}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM contacts WHERE email = 'attacker@evil.test' OR phone = '+5511955550000'"),
        0,
        "while the chat is a client's, what the visitor sends is only logged on it"
    );
}

/// Two visitors answer the bot, one with a known client's e-mail (or phone), one with a new
/// one: every answer they get is the same.
async fn bot_answers_for(fields: &[&str], known: Value, first_answers: [&str; 2]) {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    app.set_bot(&admin, site.id, fields).await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    app.ingest_ok(&key.secret, &known).await;

    let mut transcripts = Vec::new();
    for first in first_answers {
        let (v, started) = app.start_chat(&site.public_key, "en").await;
        let mut seen = vec![comparable(started)];
        for (i, field) in fields.iter().enumerate() {
            let answer = match *field {
                _ if i == 0 => first,
                "name" => "Maria",
                "phone" => "+5511977770000",
                _ => "maria@new.test",
            };
            let res = app.visitor_says(&v, answer).await;
            seen.push(format!("{} {}", res.status(), {
                let mut m: Value = res.json().await.unwrap();
                m["id"] = Value::Null;
                m["sent_at"] = Value::Null;
                m
            }));
            seen.push(comparable(app.visitor_chat(&v).await));
        }
        // The visitor's own words differ, of course; everything the server says must not.
        transcripts.push(seen.into_iter().map(|s| s.replace(first, "<first answer>")).collect::<Vec<_>>());
    }
    assert_eq!(transcripts[0], transcripts[1]);
    assert!(transcripts[0].last().unwrap().contains("\"status\":\"waiting\""), "{:?}", transcripts[0]);
}

#[tokio::test]
async fn the_bot_answers_a_known_clients_email_exactly_as_a_new_one() {
    bot_answers_for(
        &["email", "name", "phone"],
        json!({"name": "Cliente", "email": "known@client.test", "phone": "+5511900001111"}),
        ["known@client.test", "someone@new.test"],
    )
    .await;
}

#[tokio::test]
async fn the_bot_answers_a_known_clients_phone_exactly_as_a_new_one() {
    bot_answers_for(
        &["phone", "name", "email"],
        json!({"name": "Cliente", "email": "known@client.test", "phone": "+5511900001111"}),
        ["11 90000-1111", "11 98888-2222"],
    )
    .await;
}

#[tokio::test]
async fn the_details_form_answers_a_known_client_exactly_as_a_new_one() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    app.ingest_ok(&key.secret, &json!({"name": "Cliente", "email": "known@client.test", "phone": "+5511900001111"}))
        .await;
    let mut answers = Vec::new();
    for (email, phone) in [("known@client.test", "11 90000-1111"), ("new@client.test", "11 98888-2222")] {
        let (v, _) = app.start_chat(&site.public_key, "en").await;
        for body in [json!({"email": email}), json!({"phone": phone, "message": "Oi"})] {
            let (status, chat) = app.details(&v, body).await;
            answers.push((status, comparable(chat)));
        }
    }
    assert_eq!(answers[0], answers[2]);
    assert_eq!(answers[1], answers[3]);
}

#[tokio::test]
async fn an_agent_sees_only_what_the_visitor_typed_for_another_agents_client() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "admin@acme.test").await;
    let ana = app.create_user(&admin, "ana@acme.test", "agent").await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let client = app
        .ingest_ok(
            &key.secret,
            &json!({"name": "Carla Confidencial", "email": "carla@client.test", "phone": "+5511933334444"}),
        )
        .await;
    let res = app
        .patch(&format!("/api/v1/contacts/{}", client.id), &admin.token, &json!({"assignee_id": bruno.user.id}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let v = app.waiting_chat(&site.public_key, "Carla", "carla@client.test").await;
    let path = format!("/api/v1/conversations/{}", v.conversation_id);

    let for_ana: Value = app.get(&path, &ana.token).await.json().await.unwrap();
    assert!(for_ana["contact"].is_null(), "{for_ana}");
    assert_eq!(for_ana["visitor_given"], json!({"name": "Carla", "email": "carla@client.test", "phone": null}));
    assert_eq!(for_ana["conversation"]["contact_label"], "Carla");
    assert!(!for_ana.to_string().contains("Confidencial") && !for_ana.to_string().contains("933334444"));
    let inbox = app.desk(&ana, "inbox").await;
    assert_eq!(inbox["items"][0]["contact_label"], "Carla");
    assert!(!inbox.to_string().contains("Confidencial"));
    problem(app.get(&format!("/api/v1/contacts/{}", client.id), &ana.token).await, StatusCode::NOT_FOUND).await;

    // Accepting the chat does not make the client hers.
    assert_eq!(app.act(&ana, v.conversation_id, "accept").await.status(), StatusCode::OK);
    let accepted: Value = app.get(&path, &ana.token).await.json().await.unwrap();
    assert!(accepted["contact"].is_null());
    assert!(!app.desk(&ana, "mine").await.to_string().contains("Confidencial"));

    for who in [&bruno, &admin] {
        let full: Value = app.get(&path, &who.token).await.json().await.unwrap();
        assert_eq!(full["contact"]["name"], "Carla Confidencial");
        assert_eq!(full["conversation"]["contact_label"], "Carla Confidencial");
    }
}

#[tokio::test]
async fn accepting_a_chat_still_with_the_bot_says_so() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let (v, chat) = app.start_chat(&site.public_key, "en").await;
    assert_eq!(chat["status"], "bot");
    let refused = problem(app.act(&admin, v.conversation_id, "accept").await, StatusCode::CONFLICT).await;
    assert!(refused.detail.as_deref().unwrap_or_default().contains("still with the bot"), "{refused:?}");
    let v = app.waiting_chat(&site.public_key, "Bia", "bia@client.test").await;
    assert_eq!(app.act(&admin, v.conversation_id, "accept").await.status(), StatusCode::OK);
    let again = problem(app.act(&admin, v.conversation_id, "accept").await, StatusCode::CONFLICT).await;
    assert!(again.detail.as_deref().unwrap_or_default().contains("another operator"), "{again:?}");
}

#[tokio::test]
async fn the_inbox_pages_past_a_hundred_and_its_count_is_exact() {
    let app = TestApp::spawn_with(|c| c.public_rate_per_minute = 0).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let res = app
        .request(Method::PUT, &format!("/api/v1/sites/{}/chat", site.id), Some(&admin.token))
        .json(&json!({"bot_enabled": false, "bot_questions": [], "ignore_minutes": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut started = Vec::new();
    for _ in 0..105 {
        let (v, chat) = app.start_chat(&site.public_key, "en").await;
        assert_eq!(chat["status"], "waiting");
        started.push(v.conversation_id.to_string());
    }
    let counts: Value = app.get("/api/v1/conversations/counts", &admin.token).await.json().await.unwrap();
    assert_eq!(counts["inbox"], 105);
    let first = app.desk(&admin, "inbox&limit=100").await;
    let cursor = first["next_cursor"].as_str().expect("a cursor past the first hundred").to_string();
    let rest = app.desk(&admin, &format!("inbox&limit=100&cursor={cursor}")).await;
    assert!(rest["next_cursor"].is_null());
    let ids: Vec<String> = [&first, &rest]
        .iter()
        .flat_map(|page| page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(ids, started, "every waiting chat, oldest first, once");
    problem(
        app.get("/api/v1/conversations?view=inbox&cursor=nope", &admin.token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}
