//! Capacity-aware assignment: leads that arrive when nobody can take them wait and are dealt
//! in arrival order when someone comes online or gets room; per-user limits on new leads per
//! day and on open chats.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::assignment::{presence, rotate};
use crate::helpers::{fields, problem, Session, TestApp};

async fn limits(app: &TestApp, admin: &Session, user: Uuid, body: Value) -> Value {
    let res = app.patch(&format!("/api/v1/users/{user}"), &admin.token, &body).await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    res.json().await.unwrap()
}

/// The assignee of each lead `email`, in the order given.
fn assignees(app: &TestApp, emails: &[String]) -> Vec<Option<Uuid>> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
        assignee_id: Option<Uuid>,
    }
    let mut conn = app.conn();
    emails
        .iter()
        .map(|e| {
            diesel::sql_query(format!("SELECT assignee_id FROM contacts WHERE email = '{e}'"))
                .get_result::<Row>(&mut conn)
                .unwrap()
                .assignee_id
        })
        .collect()
}

#[tokio::test]
async fn leads_nobody_can_take_wait_and_are_dealt_in_arrival_order() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let carla = app.create_user(&admin, "carla@acme.test", "agent").await;
    rotate(&app, &admin, site.id, &[bruno.user.id, carla.user.id]).await;
    let saved = limits(&app, &admin, bruno.user.id, json!({"max_new_leads_per_day": 2})).await;
    assert_eq!(saved["max_new_leads_per_day"], 2);

    // Both offline: five leads arrive and wait, unassigned.
    let emails: Vec<String> = (0..5).map(|i| format!("w{i}@x.test")).collect();
    for email in &emails {
        let lead = app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": email})).await;
        assert_eq!(lead.assignee_id, None);
    }
    assert_eq!(app.count("SELECT count(*) FROM assignment_queue"), 5);

    // Bruno comes online: the first two (his limit), in the order they came.
    presence(&app, &bruno, "online").await;
    let b = Some(bruno.user.id);
    assert_eq!(assignees(&app, &emails), [b, b, None, None, None]);
    // A lead arriving now waits behind the three before it.
    let late = "late@x.test".to_string();
    assert_eq!(app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": late})).await.assignee_id, None);

    // Carla comes online: the rest, oldest first; the queue is empty.
    presence(&app, &carla, "online").await;
    let c = Some(carla.user.id);
    assert_eq!(assignees(&app, &emails), [b, b, c, c, c]);
    assert_eq!(assignees(&app, std::slice::from_ref(&late)), [c]);
    assert_eq!(app.count("SELECT count(*) FROM assignment_queue"), 0);
    // Each was logged and announced as any new lead is.
    assert_eq!(
        app.count(
            "SELECT count(*) FROM contact_activities WHERE field = 'assignee_id' AND actor_label = 'auto-assignment'"
        ),
        6
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM notifications WHERE user_id = '{}'", carla.user.id)), 4);

    // Raising Bruno's limit while leads wait deals them to him at once.
    presence(&app, &carla, "away").await;
    let next = "next@x.test".to_string();
    assert_eq!(app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": next})).await.assignee_id, None);
    limits(&app, &admin, bruno.user.id, json!({"max_new_leads_per_day": null})).await;
    assert_eq!(assignees(&app, std::slice::from_ref(&next)), [b]);

    // A lead given by hand while it waits just leaves the queue.
    presence(&app, &bruno, "offline").await;
    let by_hand = app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": "hand@x.test"})).await;
    let res = app
        .patch(&format!("/api/v1/contacts/{}", by_hand.id), &admin.token, &json!({"assignee_id": carla.user.id}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    presence(&app, &bruno, "online").await;
    assert_eq!(assignees(&app, &["hand@x.test".to_string()]), [c]);
    assert_eq!(app.count("SELECT count(*) FROM assignment_queue"), 0);
}

#[tokio::test]
async fn users_at_their_open_chats_limit_are_passed_by_and_cannot_accept_more() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let carla = app.create_user(&admin, "carla@acme.test", "agent").await;
    for who in [&bruno, &carla] {
        presence(&app, who, "online").await;
    }
    limits(&app, &admin, bruno.user.id, json!({"max_open_chats": 1})).await;

    // Bruno accepts a chat: he is at his limit.
    let first = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    assert_eq!(app.act(&bruno, first.conversation_id, "accept").await.status(), StatusCode::OK);
    let second = app.waiting_chat(&site.public_key, "Joana", "joana@x.test").await;
    let refused = problem(app.act(&bruno, second.conversation_id, "accept").await, StatusCode::CONFLICT).await;
    assert_eq!(fields(&refused), ["max_open_chats"]);

    // The rotation passes him by while he is full; closing his chat makes room.
    rotate(&app, &admin, site.id, &[bruno.user.id, carla.user.id]).await;
    let mut given = Vec::new();
    for i in 0..3 {
        given.push(
            app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": format!("f{i}@x.test")})).await.assignee_id,
        );
    }
    assert_eq!(given, [Some(carla.user.id); 3]);
    assert_eq!(app.act(&bruno, first.conversation_id, "close").await.status(), StatusCode::OK);
    assert_eq!(app.act(&bruno, second.conversation_id, "accept").await.status(), StatusCode::OK);

    // Limits are checked: out of range, or set by an agent.
    let res = app.patch(&format!("/api/v1/users/{}", bruno.user.id), &admin.token, &json!({"max_open_chats": 0})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["max_open_chats"]);
    let res =
        app.patch(&format!("/api/v1/users/{}", bruno.user.id), &bruno.token, &json!({"max_open_chats": 50})).await;
    problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_site_can_deal_to_everyone_in_its_rotation_whatever_their_presence() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let path = format!("/api/v1/sites/{}/auto-assignment", site.id);
    let res = app
        .request(Method::PUT, &path, Some(&admin.token))
        .json(&json!({"enabled": true, "user_ids": [bruno.user.id], "online_only": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["online_only"], false);
    let lead = app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": "x@x.test"})).await;
    assert_eq!(lead.assignee_id, Some(bruno.user.id), "offline, yet in the rotation");
}
