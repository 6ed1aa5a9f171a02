//! Response targets: settings, a chat's first-reply clock from the Inbox, a new lead's
//! first-contact clock, each breach recorded and told once, and SLA met % in the desk report.

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::assignment::presence;
use crate::helpers::{fields, problem, Session, TestApp};

/// A test server whose watcher never runs by itself: each test runs its passes.
async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.sla_check_secs = 3600).await
}

async fn targets(app: &TestApp, admin: &Session, site: Uuid, body: Value) -> reqwest::Response {
    app.request(Method::PUT, &format!("/api/v1/sites/{site}/sla"), Some(&admin.token)).json(&body).send().await.unwrap()
}

fn watch(app: &TestApp) {
    api::sla_watch::watch(&mut app.conn(), "http://prospecta.test").unwrap();
}

fn kinds_of(app: &TestApp, user: Uuid, kind: &str) -> i64 {
    app.count(&format!("SELECT count(*) FROM notifications WHERE user_id = '{user}' AND kind = '{kind}'"))
}

#[tokio::test]
async fn targets_are_admin_only_checked_and_per_account() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let path = format!("/api/v1/sites/{}/sla", site.id);
    let off: Value = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(off, json!({"chat_first_response_secs": null, "lead_first_contact_minutes": null}));

    let res =
        targets(&app, &admin, site.id, json!({"chat_first_response_secs": 5, "lead_first_contact_minutes": 0})).await;
    let mut named =
        fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await).into_iter().map(String::from).collect::<Vec<_>>();
    named.sort();
    assert_eq!(named, ["chat_first_response_secs", "lead_first_contact_minutes"]);
    problem(targets(&app, &agent, site.id, json!({})).await, StatusCode::FORBIDDEN).await;
    let other = app.signup("Other", "o@other.test").await;
    problem(targets(&app, &other, site.id, json!({})).await, StatusCode::NOT_FOUND).await;
    problem(app.get(&path, &other.token).await, StatusCode::NOT_FOUND).await;

    let body = json!({"chat_first_response_secs": 60, "lead_first_contact_minutes": 15});
    assert_eq!(targets(&app, &admin, site.id, body.clone()).await.status(), StatusCode::OK);
    assert_eq!(app.get(&path, &admin.token).await.json::<Value>().await.unwrap(), body);
}

#[tokio::test]
async fn a_chat_with_no_reply_past_its_target_is_breached_once_and_told() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let carla = app.create_user(&admin, "carla@acme.test", "agent").await;
    presence(&app, &bruno, "online").await;
    let site = app.create_site(&admin, "Loja").await;
    targets(&app, &admin, site.id, json!({"chat_first_response_secs": 60})).await;

    let late = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    let answered = app.waiting_chat(&site.public_key, "Joana", "joana@x.test").await;
    let inbox = app.desk(&admin, "inbox").await;
    let item = inbox["items"].as_array().unwrap().iter().find(|c| c["id"] == late.conversation_id.to_string()).unwrap();
    let since: DateTime<Utc> = item["waiting_since"].as_str().unwrap().parse().unwrap();
    let due: DateTime<Utc> = item["sla_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((due - since).num_seconds(), 60);
    assert!(item["sla_breached_at"].is_null());

    // Joana's chat is answered in time; Maria's clock runs out.
    assert_eq!(app.act(&carla, answered.conversation_id, "accept").await.status(), StatusCode::OK);
    let reply = format!("/api/v1/conversations/{}/messages", answered.conversation_id);
    assert_eq!(app.post(&reply, Some(&carla.token), &json!({"body": "Olá!"})).await.status(), StatusCode::CREATED);
    app.conn_exec(&format!(
        "UPDATE conversations SET sla_due_at = now() - interval '1 second' WHERE id = '{}'",
        late.conversation_id
    ));
    watch(&app);
    watch(&app);

    let breached = |id: Uuid| {
        app.count(&format!("SELECT count(*) FROM conversations WHERE id = '{id}' AND sla_breached_at IS NOT NULL"))
    };
    assert_eq!((breached(late.conversation_id), breached(answered.conversation_id)), (1, 0));
    // Waiting: the admins and whoever is online are told, once; the admins by e-mail too.
    assert_eq!(kinds_of(&app, admin.user.id, "chat_sla_breached"), 1);
    assert_eq!(kinds_of(&app, bruno.user.id, "chat_sla_breached"), 1);
    assert_eq!(kinds_of(&app, carla.user.id, "chat_sla_breached"), 0, "offline");
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE subject LIKE '%past its reply target%'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM events WHERE kind = 'conversation.sla_breached'"), 1);
    let inbox = app.desk(&admin, "inbox").await;
    let item = inbox["items"].as_array().unwrap().iter().find(|c| c["id"] == late.conversation_id.to_string()).unwrap();
    assert!(item["sla_breached_at"].is_string());

    // The desk report: one of the two decided chats met its target.
    let today = Utc::now().date_naive();
    let report: Value =
        app.get(&format!("/api/v1/reports/desk?from={today}&to={today}"), &admin.token).await.json().await.unwrap();
    assert_eq!((report["sla_measured"].as_i64(), report["sla_met"].as_i64()), (Some(2), Some(1)));
}

#[tokio::test]
async fn an_accepted_chat_with_no_reply_tells_its_operator() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    targets(&app, &admin, site.id, json!({"chat_first_response_secs": 30})).await;
    let chat = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    assert_eq!(app.act(&bruno, chat.conversation_id, "accept").await.status(), StatusCode::OK);
    app.conn_exec("UPDATE conversations SET sla_due_at = now() - interval '1 second'");
    watch(&app);
    assert_eq!(kinds_of(&app, bruno.user.id, "chat_sla_breached"), 1);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM email_outbox WHERE to_address = 'bruno@acme.test' AND subject LIKE '%reply target%'"
        ),
        1
    );
}

#[tokio::test]
async fn a_new_lead_nobody_acts_on_in_time_is_breached_and_one_acted_on_is_not() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    app.request(Method::PUT, &format!("/api/v1/sites/{}/auto-assignment", site.id), Some(&admin.token))
        .json(&json!({"enabled": true, "user_ids": [bruno.user.id], "online_only": false}))
        .send()
        .await
        .unwrap();
    targets(&app, &admin, site.id, json!({"lead_first_contact_minutes": 15})).await;

    let ignored = app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": "a@x.test", "name": "Alice"})).await;
    let handled = app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": "b@x.test"})).await;
    // Leads without a site have no target.
    app.ingest_ok(&key.secret, &json!({"email": "c@x.test"})).await;
    assert_eq!(app.count("SELECT count(*) FROM lead_sla_clocks"), 2);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM lead_sla_clocks WHERE contact_id = '{}' AND due_at - started_at = interval '15 minutes'",
            ignored.id
        )),
        1
    );
    let note = app
        .post(&format!("/api/v1/contacts/{}/notes", handled.id), Some(&bruno.token), &json!({"body": "Liguei"}))
        .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    // Twenty minutes pass: both clocks ran out, the note came well before.
    app.conn_exec("UPDATE lead_sla_clocks SET started_at = started_at - interval '20 minutes', due_at = due_at - interval '20 minutes'");
    app.conn_exec(&format!(
        "UPDATE contacts SET first_action_at = first_action_at - interval '20 minutes' WHERE id = '{}'",
        handled.id
    ));
    watch(&app);
    watch(&app);

    assert_eq!(app.count("SELECT count(*) FROM lead_sla_clocks"), 0);
    assert_eq!(kinds_of(&app, bruno.user.id, "lead_sla_breached"), 1);
    assert_eq!(kinds_of(&app, admin.user.id, "lead_sla_breached"), 1);
    let title: Value = app.get("/api/v1/notifications", &bruno.token).await.json().await.unwrap();
    let breach = title["items"].as_array().unwrap().iter().find(|n| n["kind"] == "lead_sla_breached").unwrap();
    assert_eq!(breach["contact_id"], ignored.id.to_string());
    assert_eq!(breach["contact_label"], "Alice");
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE subject LIKE '%Lead untouched%'"), 2);
}
