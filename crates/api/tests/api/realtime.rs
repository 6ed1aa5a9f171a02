//! Realtime events: across instances, replay on reconnect, visibility, tickets.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{problem, TestApp};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn an_event_caused_through_one_instance_reaches_a_stream_on_another() {
    let a = TestApp::spawn().await;
    let b = a.another_instance().await;
    let admin = a.signup("Acme", "ana@acme.test").await;
    let site = a.create_site(&admin, "Loja").await;
    let mut on_b = b.operator_stream(&admin, None).await;
    let v = a.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let event = on_b.expect("conversation.waiting", WAIT).await;
    assert_eq!(event.data["conversation_id"], v.conversation_id.to_string());
    // The visitor's stream on B hears the reply sent through A.
    let mut visitor_on_b = b.visitor_stream(&v).await;
    assert_eq!(a.act(&admin, v.conversation_id, "accept").await.status(), StatusCode::OK);
    let res = a
        .post(
            &format!("/api/v1/conversations/{}/messages", v.conversation_id),
            Some(&admin.token),
            &json!({"body": "Olá!"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    loop {
        let event = visitor_on_b.expect("message.created", WAIT).await;
        if event.data["message"]["body"] == "Olá!" {
            assert_eq!(event.data["author_name"], "Admin");
            assert_eq!(event.data["message"]["sender"], "agent");
            break;
        }
    }
}

#[tokio::test]
async fn a_client_that_reconnects_with_its_last_event_id_gets_what_it_missed() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let mut stream = app.operator_stream(&admin, None).await;
    let first = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let seen = stream.expect("conversation.waiting", WAIT).await;
    let last_id =
        stream.drain(Duration::from_millis(300)).await.iter().filter_map(|e| e.id).max().max(seen.id).unwrap();
    drop(stream);
    // While disconnected:
    let second = app.waiting_chat(&site.public_key, "Carla", "carla@example.com").await;
    assert_eq!(app.act(&admin, first.conversation_id, "accept").await.status(), StatusCode::OK);
    let mut again = app.operator_stream(&admin, Some(last_id)).await;
    let replayed = again.drain(Duration::from_millis(500)).await;
    let kinds: Vec<(&str, String)> = replayed
        .iter()
        .map(|e| (e.kind.as_str(), e.data["conversation_id"].as_str().unwrap_or("").to_string()))
        .collect();
    assert!(kinds.contains(&("conversation.waiting", second.conversation_id.to_string())), "{kinds:?}");
    assert!(kinds.contains(&("conversation.accepted", first.conversation_id.to_string())), "{kinds:?}");
    let ids: Vec<i64> = replayed.iter().filter_map(|e| e.id).collect();
    assert!(ids.iter().all(|id| *id > last_id), "nothing already seen");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
    // Asking for more than is kept: reset.
    let mut conn = app.conn();
    diesel::RunQueryDsl::execute(diesel::sql_query("UPDATE event_retention SET trimmed_through = 1000000"), &mut conn)
        .unwrap();
    let mut stale = app.operator_stream(&admin, Some(1)).await;
    assert_eq!(stale.next(WAIT).await.unwrap().kind, "reset");
}

#[tokio::test]
async fn streams_carry_only_what_their_holder_may_see() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let colleague = app.create_user(&admin, "caio@acme.test", "agent").await;
    let stranger = app.signup("Other", "zed@other.test").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let other_visitor = app.waiting_chat(&site.public_key, "Carla", "carla@example.com").await;
    let mut colleague_s = app.operator_stream(&colleague, None).await;
    let mut stranger_s = app.operator_stream(&stranger, None).await;
    let mut other_visitor_s = app.visitor_stream(&other_visitor).await;
    let mut agent_s = app.operator_stream(&agent, None).await;
    assert_eq!(app.act(&agent, v.conversation_id, "accept").await.status(), StatusCode::OK);
    let res = app
        .post(
            &format!("/api/v1/conversations/{}/messages", v.conversation_id),
            Some(&agent.token),
            &json!({"body": "secret"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    agent_s.expect("message.created", WAIT).await;
    // The accept reaches everyone (it leaves their Inbox); the messages do not.
    let colleague_events = colleague_s.drain(Duration::from_millis(500)).await;
    assert!(colleague_events.iter().any(|e| e.kind == "conversation.accepted"));
    assert!(!colleague_events.iter().any(|e| e.kind == "message.created"), "{colleague_events:?}");
    assert!(stranger_s.drain(Duration::from_millis(200)).await.is_empty());
    assert!(other_visitor_s.drain(Duration::from_millis(200)).await.is_empty());
}

#[tokio::test]
async fn a_stream_needs_a_fresh_ticket_not_an_access_token() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let url = |t: &str| format!("{}/api/v1/events?ticket={t}", app.base);
    let res = reqwest::get(url(&admin.token)).await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    let res = reqwest::get(url("nope")).await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    let res = app.post("/api/v1/events/tickets", None, &json!({})).await;
    problem(res, StatusCode::UNAUTHORIZED).await;
    // A ticket is not an access token either.
    let ticket: serde_json::Value =
        app.post("/api/v1/events/tickets", Some(&admin.token), &json!({})).await.json().await.unwrap();
    let res = app.get("/api/v1/users", ticket["ticket"].as_str().unwrap()).await;
    problem(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn typing_reaches_the_other_side_at_once_and_is_never_replayed() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let path = format!("/api/v1/conversations/{}/typing", v.conversation_id);
    // Not before it is accepted, and only by its operators.
    problem(app.post(&path, Some(&agent.token), &json!({})).await, StatusCode::CONFLICT).await;
    assert_eq!(app.act(&agent, v.conversation_id, "accept").await.status(), StatusCode::OK);
    let mut agent_s = app.operator_stream(&agent, None).await;
    let mut visitor_s = app.visitor_stream(&v).await;
    let res = app
        .visitor_request(
            reqwest::Method::POST,
            &format!("/api/v1/visitor/conversations/{}/typing", v.conversation_id),
            &v.site_key,
            Some(&v.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let typing = agent_s.expect("typing", WAIT).await;
    assert_eq!(typing.id, None, "passing events carry no id");
    assert_eq!(typing.data["sender"], "visitor");
    assert_eq!(app.post(&path, Some(&agent.token), &json!({})).await.status(), StatusCode::NO_CONTENT);
    let typing = visitor_s.expect("typing", WAIT).await;
    assert_eq!(typing.data["author_name"], "Bia");
    let admin_path = format!("/api/v1/conversations/{}/typing", v.conversation_id);
    let colleague = app.create_user(&admin, "caio@acme.test", "agent").await;
    problem(app.post(&admin_path, Some(&colleague.token), &json!({})).await, StatusCode::NOT_FOUND).await;
    // A replay from the start holds no typing.
    let mut replay = app.operator_stream(&agent, Some(0)).await;
    let replayed = replay.drain(std::time::Duration::from_millis(500)).await;
    assert!(!replayed.is_empty() && replayed.iter().all(|e| e.kind != "typing"), "{replayed:?}");
}
