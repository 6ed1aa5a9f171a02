//! Event streams cannot take the server down or outlive what their holder may see: a ticket
//! opens one stream, holders and the instance are capped (429), probes and logins answer at
//! the cap, blocked visitors and demoted or disabled users lose their streams, and a visitor's
//! stream carries nothing the visitor REST view hides.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::chat_helpers::{EventReader, Visitor};
use crate::helpers::{problem, Session, TestApp, PASSWORD};

impl TestApp {
    async fn operator_ticket(&self, session: &Session) -> String {
        let res = self.post("/api/v1/events/tickets", Some(&session.token), &json!({})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_string()
    }

    async fn visitor_stream_after(&self, v: &Visitor, last_event_id: i64) -> EventReader {
        let ticket = self.visitor_ticket(v).await;
        EventReader::open(&format!("{}/api/v1/visitor/events?ticket={ticket}&last_event_id={last_event_id}", self.base))
            .await
    }

    async fn open_stream(&self, path: &str, ticket: &str) -> reqwest::Response {
        reqwest::Client::new().get(format!("{}{path}?ticket={ticket}", self.base)).send().await.unwrap()
    }
}

#[tokio::test]
async fn a_ticket_opens_one_stream() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let ticket = app.operator_ticket(&admin).await;
    let first = app.open_stream("/api/v1/events", &ticket).await;
    assert_eq!(first.status(), StatusCode::OK);
    problem(app.open_stream("/api/v1/events", &ticket).await, StatusCode::UNAUTHORIZED).await;
    let site = app.create_site(&admin, "Loja").await;
    let (v, _) = app.start_chat(&site.public_key, "en").await;
    let ticket = app.visitor_ticket(&v).await;
    assert_eq!(app.open_stream("/api/v1/visitor/events", &ticket).await.status(), StatusCode::OK);
    problem(app.open_stream("/api/v1/visitor/events", &ticket).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn streams_are_capped_per_holder_and_per_instance_while_probes_and_logins_answer() {
    let app = TestApp::spawn_with(|c| {
        // A client that went away is noticed when its stream is next written to.
        c.event_heartbeat_secs = 1;
        c.event_streams_per_user = 2;
        c.event_streams_per_visitor = 1;
        c.event_streams_max = 4;
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let ticket = app.operator_ticket(&admin).await;
        let res = app.open_stream("/api/v1/events", &ticket).await;
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res);
    }
    let ticket = app.operator_ticket(&admin).await;
    let refused = app.open_stream("/api/v1/events", &ticket).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "a third stream of one user");
    assert!(refused.headers().contains_key("retry-after"));

    let (v, _) = app.start_chat(&site.public_key, "en").await;
    let widget = app.open_stream("/api/v1/visitor/events", &app.visitor_ticket(&v).await).await;
    assert_eq!(widget.status(), StatusCode::OK);
    let again = app.open_stream("/api/v1/visitor/events", &app.visitor_ticket(&v).await).await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS, "a second stream of one visitor");
    open.push(widget);

    let (w, _) = app.start_chat(&site.public_key, "en").await;
    let fourth = app.open_stream("/api/v1/visitor/events", &app.visitor_ticket(&w).await).await;
    assert_eq!(fourth.status(), StatusCode::OK);
    open.push(fourth);
    let (x, _) = app.start_chat(&site.public_key, "en").await;
    let over = app.open_stream("/api/v1/visitor/events", &app.visitor_ticket(&x).await).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS, "the instance holds its four");

    // At the cap, the server still answers probes and logins at once.
    let started = Instant::now();
    assert_eq!(app.client.get(format!("{}/healthz", app.base)).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.client.get(format!("{}/readyz", app.base)).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.login("ana@acme.test", PASSWORD).await.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    // A closed stream gives its place back.
    drop(open.pop());
    let mut reopened = StatusCode::TOO_MANY_REQUESTS;
    for _ in 0..50 {
        reopened = app.open_stream("/api/v1/visitor/events", &app.visitor_ticket(&x).await).await.status();
        if reopened == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(reopened, StatusCode::OK);
}

#[tokio::test]
async fn a_blocked_visitors_stream_ends_and_a_demoted_or_disabled_users_stream_ends() {
    let app = TestApp::spawn_with(|c| {
        c.event_heartbeat_secs = 1;
        c.principal_cache_ms = 100;
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let other_admin = app.create_user(&admin, "bia@acme.test", "admin").await;
    let agent = app.create_user(&admin, "caio@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@client.test").await;
    let mut widget = app.visitor_stream(&v).await;
    let mut demoted = app.operator_stream(&other_admin, None).await;
    let mut disabled = app.operator_stream(&agent, None).await;
    assert!(!widget.ends_within(Duration::from_millis(2500)).await, "an allowed stream stays open");

    assert_eq!(app.act(&admin, v.conversation_id, "block").await.status(), StatusCode::OK);
    assert!(widget.ends_within(Duration::from_secs(5)).await, "the blocked visitor's stream ends");
    let res =
        app.patch(&format!("/api/v1/users/{}", other_admin.user.id), &admin.token, &json!({"role": "agent"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(demoted.ends_within(Duration::from_secs(5)).await, "an admin stream ends when the admin is demoted");
    let res = app.patch(&format!("/api/v1/users/{}", agent.user.id), &admin.token, &json!({"disabled": true})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(disabled.ends_within(Duration::from_secs(5)).await, "a disabled user's stream ends");
}

#[tokio::test]
async fn the_visitor_stream_hears_transfers_and_joins_and_carries_no_operator_ids() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@client.test").await;
    let mut widget = app.visitor_stream(&v).await;
    let wait = Duration::from_secs(5);
    assert_eq!(app.act(&admin, v.conversation_id, "accept").await.status(), StatusCode::OK);
    let reply = format!("/api/v1/conversations/{}/messages", v.conversation_id);
    assert_eq!(app.post(&reply, Some(&admin.token), &json!({"body": "Olá!"})).await.status(), StatusCode::CREATED);
    let transfer = format!("/api/v1/conversations/{}/transfer", v.conversation_id);
    let res = app.post(&transfer, Some(&admin.token), &json!({"user_id": agent.user.id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.act(&agent, v.conversation_id, "close").await.status(), StatusCode::OK);
    assert_eq!(app.act(&admin, v.conversation_id, "join").await.status(), StatusCode::OK);

    let mut seen = Vec::new();
    for kind in ["conversation.accepted", "conversation.transferred", "conversation.closed"] {
        seen.push(widget.expect(kind, wait).await);
    }
    let joined = widget.expect("conversation.joined", wait).await;
    assert_eq!(joined.data["status"], "active", "the widget shows the reply box again");
    seen.push(joined);
    seen.extend(widget.drain(Duration::from_millis(500)).await);
    // Everything again from the start, as a reconnect replays it.
    let mut replay = app.visitor_stream_after(&v, 0).await;
    let replayed = replay.drain(Duration::from_millis(800)).await;
    let reply = replayed.iter().find(|e| e.data["message"]["body"] == "Olá!").expect("the reply");
    assert_eq!(reply.data["message"]["sender"], "agent");
    assert!(reply.data["author_name"].as_str().is_some_and(|n| !n.is_empty()), "{:?}", reply.data);
    seen.extend(replayed);
    let wire: String = seen.iter().map(|e| e.data.to_string()).collect();
    for id in [admin.user.id, agent.user.id] {
        assert!(!wire.contains(&id.to_string()), "an operator id on the visitor stream: {wire}");
    }
    assert!(!wire.contains("author_id") && !wire.contains("owner_id") && !wire.contains("contact_id"), "{wire}");
}

#[tokio::test]
async fn a_graceful_stop_ends_the_streams_with_a_retry_hint_and_refuses_new_connections() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let mut stream = reqwest::Client::new()
        .get(format!("{}/api/v1/events?ticket={}", app.base, app.operator_ticket(&admin).await))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let stopper = app.stopper.clone();
    let started = Instant::now();
    let stopping = tokio::spawn(async move { stopper.stop().await });
    let mut text = String::new();
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout(Duration::from_secs(10), stream.chunk()).await {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.ends_with("retry: 1000\n\n"), "{text:?}");
    tokio::time::timeout(Duration::from_secs(10), stopping).await.expect("the server stops").unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "an open stream does not hold the stop: {:?}",
        started.elapsed()
    );
    assert!(app.client.get(format!("{}/healthz", app.base)).send().await.is_err(), "no new connections");
}
