use std::collections::HashMap;

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, Session, TestApp};

#[tokio::test]
async fn leads_are_dealt_in_strict_rotation_skipping_disabled_users() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let mut agents = Vec::new();
    for i in 0..3 {
        agents.push(app.create_user(&admin, &format!("agent{i}@acme.test"), "agent").await.user.id);
    }
    let path = format!("/api/v1/sites/{}/auto-assignment", site.id);
    let saved = app
        .request(reqwest::Method::PUT, &path, Some(&admin.token))
        .json(&json!({"enabled": true, "user_ids": agents, "online_only": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);

    let mut order = Vec::new();
    for i in 0..6 {
        order.push(
            app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": format!("l{i}@x.test")}))
                .await
                .assignee_id
                .unwrap(),
        );
    }
    assert_eq!(order, [agents[0], agents[1], agents[2], agents[0], agents[1], agents[2]]);

    app.patch(&format!("/api/v1/users/{}", agents[1]), &admin.token, &json!({"disabled": true})).await;
    let mut after = Vec::new();
    for i in 0..4 {
        after.push(
            app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": format!("m{i}@x.test")}))
                .await
                .assignee_id
                .unwrap(),
        );
    }
    assert!(!after.contains(&agents[1]), "disabled users receive no leads");
    assert_eq!(after.iter().filter(|a| **a == agents[0]).count(), 2);

    // Leads without a site, or updates of known contacts, are not dealt.
    assert_eq!(app.ingest_ok(&key.secret, &json!({"email": "nosite@x.test"})).await.assignee_id, None);
}

/// Sets `who`'s live-chat presence.
/// Turns site `site`'s rotation on, dealing to `users` in that order.
pub async fn rotate(app: &TestApp, admin: &Session, site: uuid::Uuid, users: &[uuid::Uuid]) {
    let res = app
        .request(reqwest::Method::PUT, &format!("/api/v1/sites/{site}/auto-assignment"), Some(&admin.token))
        .json(&json!({"enabled": true, "user_ids": users}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

pub async fn presence(app: &TestApp, who: &Session, presence: &str) {
    let res = app
        .request(reqwest::Method::PUT, "/api/v1/users/me/presence", Some(&who.token))
        .json(&json!({"presence": presence}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_thousand_concurrent_leads_are_shared_fairly_among_users_online() {
    let app = TestApp::spawn_with(|c| c.db_pool_size = 16).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let mut agents = Vec::new();
    for (i, state) in ["online", "online", "away", "online", "offline"].into_iter().enumerate() {
        let agent = app.create_user(&admin, &format!("agent{i}@acme.test"), "agent").await;
        presence(&app, &agent, state).await;
        agents.push(agent.user.id);
    }
    let path = format!("/api/v1/sites/{}/auto-assignment", site.id);
    app.request(reqwest::Method::PUT, &path, Some(&admin.token))
        .json(&json!({"enabled": true, "user_ids": agents}))
        .send()
        .await
        .unwrap();

    // A thousand leads, 64 in flight at any moment (more and the server sheds them with 503s).
    let bodies: Vec<_> = (0..1000).map(|i| json!({"site_id": site.id, "email": format!("c{i}@x.test")})).collect();
    let sends = bodies.iter().map(|body| app.ingest(&key.secret, body));
    let answers: Vec<_> = futures_util::stream::iter(sends).buffer_unordered(64).collect().await;
    let mut per_agent: HashMap<uuid::Uuid, usize> = HashMap::new();
    for res in answers {
        assert_eq!(res.status(), StatusCode::CREATED);
        let out: domain::IngestLeadResponse = res.json().await.unwrap();
        *per_agent.entry(out.contact.assignee_id.expect("someone online takes it")).or_default() += 1;
    }
    let counts: Vec<usize> = agents.iter().map(|a| per_agent.get(a).copied().unwrap_or(0)).collect();
    assert_eq!((counts[2], counts[4]), (0, 0), "away and offline users get none: {counts:?}");
    let online = [counts[0], counts[1], counts[3]];
    assert_eq!(online.iter().sum::<usize>(), 1000);
    assert!(online.iter().max().unwrap() - online.iter().min().unwrap() <= 1, "{counts:?}");
    assert_eq!(app.count("SELECT count(*) FROM notifications"), 1000);
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE subject LIKE '[Prospecta] New lead%'"), 1000);
}

#[tokio::test]
async fn auto_assignment_settings_are_validated_and_admin_only() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let other = app.signup("Other", "o@other.test").await;
    let path = format!("/api/v1/sites/{}/auto-assignment", site.id);
    let put =
        |token: &str, body: serde_json::Value| app.request(reqwest::Method::PUT, &path, Some(token)).json(&body).send();

    let res = put(&admin.token, json!({"enabled": true, "user_ids": [agent.user.id, other.user.id]})).await.unwrap();
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["user_ids[1]"]);
    problem(put(&agent.token, json!({"enabled": true, "user_ids": []})).await.unwrap(), StatusCode::FORBIDDEN).await;
    problem(put(&other.token, json!({"enabled": true, "user_ids": []})).await.unwrap(), StatusCode::NOT_FOUND).await;
    problem(app.get(&path, &other.token).await, StatusCode::NOT_FOUND).await;

    put(&admin.token, json!({"enabled": true, "user_ids": [agent.user.id, agent.user.id]})).await.unwrap();
    let got: domain::AutoAssignment = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(got, domain::AutoAssignment { enabled: true, user_ids: vec![agent.user.id], online_only: true });
}

#[tokio::test]
async fn every_assignment_notifies_the_assignee_in_app_and_by_email() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let res = app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Lead", "email": "lead@x.test"})).await;
    let contact: domain::ContactView = res.json().await.unwrap();

    let res = app
        .patch(&format!("/api/v1/contacts/{}", contact.id), &admin.token, &json!({"assignee_id": agent.user.id}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let inbox: domain::NotificationList = app.get("/api/v1/notifications", &agent.token).await.json().await.unwrap();
    assert_eq!(inbox.unread, 1);
    assert_eq!(inbox.items[0].contact_id, Some(contact.id));
    assert_eq!(
        app.count("SELECT count(*) FROM email_outbox WHERE to_address = 'bruno@acme.test' AND subject LIKE '%Lead%'"),
        1
    );

    let read =
        app.post(&format!("/api/v1/notifications/{}/read", inbox.items[0].id), Some(&agent.token), &json!({})).await;
    assert_eq!(read.status(), StatusCode::NO_CONTENT);
    problem(
        app.post(&format!("/api/v1/notifications/{}/read", inbox.items[0].id), Some(&admin.token), &json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let inbox: domain::NotificationList = app.get("/api/v1/notifications", &agent.token).await.json().await.unwrap();
    assert_eq!(inbox.unread, 0);

    // Agents may not reassign, even their own contacts.
    let res = app.patch(&format!("/api/v1/contacts/{}", contact.id), &agent.token, &json!({"assignee_id": null})).await;
    problem(res, StatusCode::FORBIDDEN).await;
}
