//! Routing beyond the rotation: a returning client's chat offered to their agent first, and
//! re-routes of chats and leads nobody answered. The watcher never runs by itself here: each
//! test runs its passes after moving the clocks back.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::assignment::{presence, rotate};
use crate::helpers::{fields, problem, Session, TestApp};

async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.sla_check_secs = 3600).await
}

async fn routing(app: &TestApp, admin: &Session, site: Uuid, body: Value) -> reqwest::Response {
    app.request(Method::PUT, &format!("/api/v1/sites/{site}/routing"), Some(&admin.token))
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn watch(app: &TestApp) -> usize {
    api::routing_watch::watch(&mut app.conn(), "http://prospecta.test").unwrap()
}

fn notified(app: &TestApp, user: Uuid, kind: &str) -> i64 {
    app.count(&format!("SELECT count(*) FROM notifications WHERE user_id = '{user}' AND kind = '{kind}'"))
}

fn ids(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

/// An account with an admin, two agents online (Bruno, Carla) and a site.
async fn team() -> (TestApp, Session, Session, Session, domain::SiteView) {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let carla = app.create_user(&admin, "carla@acme.test", "agent").await;
    for who in [&bruno, &carla] {
        presence(&app, who, "online").await;
    }
    let site = app.create_site(&admin, "Loja").await;
    (app, admin, bruno, carla, site)
}

/// A client of `agent` (assigned by the admin), with this e-mail.
async fn client_of(app: &TestApp, admin: &Session, agent: &Session, email: &str) -> Uuid {
    let res = app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Maria", "email": email})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id: Uuid = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap();
    let res = app.patch(&format!("/api/v1/contacts/{id}"), &admin.token, &json!({"assignee_id": agent.user.id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    id
}

#[tokio::test]
async fn routing_is_off_by_default_admin_only_and_checked() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let path = format!("/api/v1/sites/{}/routing", site.id);
    let off: Value = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(off, json!({"sticky_owner_secs": null, "reroute_chat_minutes": null, "reroute_lead_minutes": null}));

    let bad = json!({"sticky_owner_secs": 4, "reroute_chat_minutes": 0, "reroute_lead_minutes": 50000});
    let res = routing(&app, &admin, site.id, bad).await;
    let mut named: Vec<String> =
        fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await).into_iter().map(String::from).collect();
    named.sort();
    assert_eq!(named, ["reroute_chat_minutes", "reroute_lead_minutes", "sticky_owner_secs"]);
    problem(routing(&app, &agent, site.id, json!({})).await, StatusCode::FORBIDDEN).await;
    let other = app.signup("Other", "o@other.test").await;
    problem(routing(&app, &other, site.id, json!({})).await, StatusCode::NOT_FOUND).await;
    problem(app.get(&path, &other.token).await, StatusCode::NOT_FOUND).await;

    let body = json!({"sticky_owner_secs": 30, "reroute_chat_minutes": 3, "reroute_lead_minutes": 30});
    assert_eq!(routing(&app, &admin, site.id, body.clone()).await.status(), StatusCode::OK);
    assert_eq!(app.get(&path, &admin.token).await.json::<Value>().await.unwrap(), body);
    assert_eq!(app.get(&path, &other.token).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_returning_clients_chat_waits_for_their_agent_then_goes_to_the_inbox() {
    let (app, admin, bruno, carla, site) = team().await;
    routing(&app, &admin, site.id, json!({"sticky_owner_secs": 30})).await;
    let maria = client_of(&app, &admin, &bruno, "maria@x.test").await;

    // Maria writes again: the chat is Bruno's to take, in his My conversations only.
    let chat = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    let id = chat.conversation_id.to_string();
    let mine = app.desk(&bruno, "mine").await;
    let offered = mine["items"].as_array().unwrap().iter().find(|c| c["id"] == id.as_str()).expect("in Bruno's Mine");
    assert_eq!(offered["status"], "waiting");
    assert_eq!(offered["contact_id"], maria.to_string());
    assert_eq!(offered["offered_to"], bruno.user.id.to_string());
    let since: chrono::DateTime<chrono::Utc> = offered["waiting_since"].as_str().unwrap().parse().unwrap();
    let until: chrono::DateTime<chrono::Utc> = offered["offer_expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((until - since).num_seconds(), 30);
    for who in [&bruno, &carla, &admin] {
        assert!(!ids(&app.desk(who, "inbox").await).contains(&id), "not in the shared Inbox yet");
    }
    let counts: Value = app.get("/api/v1/conversations/counts", &carla.token).await.json().await.unwrap();
    assert_eq!((counts["inbox"].as_i64(), counts["awaiting_reply"].as_i64()), (Some(0), Some(0)));
    let counts: Value = app.get("/api/v1/conversations/counts", &bruno.token).await.json().await.unwrap();
    assert_eq!((counts["inbox"].as_i64(), counts["awaiting_reply"].as_i64()), (Some(0), Some(1)), "his badge");
    assert_eq!(notified(&app, bruno.user.id, "chat_offered"), 1);
    assert_eq!(notified(&app, carla.user.id, "chat_offered"), 0);
    let to_bruno = format!(
        "SELECT count(*) FROM events WHERE kind = 'conversation.offered' AND NOT everyone AND '{}' = ANY(user_ids) \
         AND NOT '{}' = ANY(user_ids)",
        bruno.user.id, carla.user.id
    );
    assert_eq!(app.count(&to_bruno), 1);

    // Time's up: the shared Inbox, told to everyone; Carla may take it.
    assert_eq!(watch(&app), 0, "not before its time");
    app.conn_exec(&format!(
        "UPDATE conversations SET offer_expires_at = now() - interval '1 second' WHERE id = '{id}'"
    ));
    assert_eq!(watch(&app), 1);
    assert!(ids(&app.desk(&carla, "inbox").await).contains(&id));
    assert!(!ids(&app.desk(&bruno, "mine").await).contains(&id));
    assert_eq!(app.count("SELECT count(*) FROM events WHERE kind = 'conversation.waiting' AND everyone"), 1);
    assert_eq!(app.act(&carla, chat.conversation_id, "accept").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_agent_away_or_full_gets_no_offer_and_one_who_steps_away_or_passes_lets_it_go() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let carla = app.create_user(&admin, "carla@acme.test", "agent").await;
    presence(&app, &carla, "online").await;
    let site = app.create_site(&admin, "Loja").await;
    routing(&app, &admin, site.id, json!({"sticky_owner_secs": 60})).await;
    client_of(&app, &admin, &bruno, "maria@x.test").await;
    let in_inbox = |list: &Value, id: Uuid| ids(list).contains(&id.to_string());

    // Bruno is away: straight to the shared Inbox.
    presence(&app, &bruno, "away").await;
    let first = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    assert!(in_inbox(&app.desk(&carla, "inbox").await, first.conversation_id));
    // Online but at his open chats limit: the same.
    presence(&app, &bruno, "online").await;
    assert_eq!(app.act(&bruno, first.conversation_id, "accept").await.status(), StatusCode::OK);
    let res = app.patch(&format!("/api/v1/users/{}", bruno.user.id), &admin.token, &json!({"max_open_chats": 1})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    assert!(in_inbox(&app.desk(&carla, "inbox").await, second.conversation_id));
    assert_eq!(app.act(&carla, second.conversation_id, "accept").await.status(), StatusCode::OK);

    // With room again, he gets the offer; stepping away lets it go to the Inbox at once.
    assert_eq!(app.act(&bruno, first.conversation_id, "close").await.status(), StatusCode::OK);
    let third = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    assert!(!in_inbox(&app.desk(&carla, "inbox").await, third.conversation_id));
    presence(&app, &bruno, "away").await;
    assert!(in_inbox(&app.desk(&carla, "inbox").await, third.conversation_id));
    assert_eq!(app.act(&carla, third.conversation_id, "accept").await.status(), StatusCode::OK);

    // "Ignore" on an offered chat passes it to the team; "Accept" takes it.
    presence(&app, &bruno, "online").await;
    let fourth = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    assert!(ids(&app.desk(&bruno, "mine").await).contains(&fourth.conversation_id.to_string()));
    assert_eq!(app.act(&bruno, fourth.conversation_id, "ignore").await.status(), StatusCode::NO_CONTENT);
    assert!(in_inbox(&app.desk(&carla, "inbox").await, fourth.conversation_id));
    assert!(!in_inbox(&app.desk(&bruno, "inbox").await, fourth.conversation_id), "he ignored it");
    assert_eq!(app.act(&carla, fourth.conversation_id, "close").await.status(), StatusCode::OK);
    let fifth = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    let taken: Value = app.act(&bruno, fifth.conversation_id, "accept").await.json().await.unwrap();
    assert_eq!(taken["owner_id"], bruno.user.id.to_string());
    assert!(taken["offered_to"].is_null());
    assert_eq!(watch(&app), 0);
}

#[tokio::test]
async fn an_accepted_chat_nobody_answers_moves_to_the_next_one_available() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bruno = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let carla = app.create_user(&admin, "carla@acme.test", "agent").await;
    let dora = app.create_user(&admin, "dora@acme.test", "agent").await;
    for who in [&bruno, &carla] {
        presence(&app, who, "online").await;
    }
    let site = app.create_site(&admin, "Loja").await;
    let quiet = app.create_site(&admin, "Sem regras").await;
    rotate(&app, &admin, site.id, &[bruno.user.id, carla.user.id, dora.user.id]).await;
    rotate(&app, &admin, quiet.id, &[bruno.user.id, carla.user.id]).await;
    routing(&app, &admin, site.id, json!({"reroute_chat_minutes": 2})).await;

    let silent = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    let answered = app.waiting_chat(&site.public_key, "Joana", "joana@x.test").await;
    let off = app.waiting_chat(&quiet.public_key, "Rita", "rita@x.test").await;
    for chat in [&silent, &answered, &off] {
        assert_eq!(app.act(&bruno, chat.conversation_id, "accept").await.status(), StatusCode::OK);
    }
    let reply = format!("/api/v1/conversations/{}/messages", answered.conversation_id);
    assert_eq!(app.post(&reply, Some(&bruno.token), &json!({"body": "Olá!"})).await.status(), StatusCode::CREATED);
    assert_eq!(watch(&app), 0, "not before its time");
    app.conn_exec("UPDATE conversations SET owner_since = now() - interval '3 minutes'");

    // Only the silent one moves, to Carla (Dora is offline; never back to Bruno).
    assert_eq!(watch(&app), 1);
    let owner = |id: Uuid| {
        app.count(&format!("SELECT count(*) FROM conversations WHERE id = '{id}' AND owner_id = '{}'", carla.user.id))
    };
    assert_eq!(owner(silent.conversation_id), 1);
    assert_eq!(owner(answered.conversation_id), 0);
    assert_eq!(owner(off.conversation_id), 0, "a site without the rule");
    assert!(ids(&app.desk(&carla, "mine").await).contains(&silent.conversation_id.to_string()));
    assert!(!ids(&app.desk(&bruno, "mine").await).contains(&silent.conversation_id.to_string()));
    let transcript = app.visitor_chat(&silent).await;
    let said: Vec<&str> =
        transcript["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert!(said.contains(&"No reply in 2 min: the chat was passed to Carla."), "{said:?}");
    assert_eq!(notified(&app, carla.user.id, "chat_rerouted_to_you"), 1);
    assert_eq!(notified(&app, bruno.user.id, "chat_rerouted_away"), 1);
    let event = format!(
        "SELECT count(*) FROM events WHERE kind = 'conversation.rerouted' AND data->>'from' = '{}' \
         AND data->>'to' = '{}' AND (data->>'after_minutes')::int = 2 AND '{}' = ANY(user_ids)",
        bruno.user.id, carla.user.id, bruno.user.id
    );
    assert_eq!(app.count(&event), 1);
    // Her own clock starts now; and when nobody else is available, it stays with her.
    assert_eq!(watch(&app), 0);
    presence(&app, &bruno, "offline").await;
    app.conn_exec("UPDATE conversations SET owner_since = now() - interval '3 minutes'");
    assert_eq!(watch(&app), 0);
    assert_eq!(owner(silent.conversation_id), 1);
}

#[tokio::test]
async fn a_rotation_lead_nobody_touched_moves_on_and_a_touched_one_stays() {
    let (app, admin, bruno, carla, site) = team().await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    rotate(&app, &admin, site.id, &[bruno.user.id, carla.user.id]).await;
    routing(&app, &admin, site.id, json!({"reroute_lead_minutes": 30})).await;

    let untouched = app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": "a@x.test"})).await;
    let touched = app.ingest_ok(&key.secret, &json!({"site_id": site.id, "email": "b@x.test"})).await;
    assert_eq!((untouched.assignee_id, touched.assignee_id), (Some(bruno.user.id), Some(carla.user.id)));
    let clocks = "SELECT count(*) FROM auto_assignments WHERE reroute_due_at BETWEEN now() + interval '29 minutes' \
                  AND now() + interval '31 minutes'";
    assert_eq!(app.count(clocks), 2);
    let res =
        app.patch(&format!("/api/v1/contacts/{}", touched.id), &carla.token, &json!({"status": "in_progress"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(watch(&app), 0, "not before its time");

    app.conn_exec("UPDATE auto_assignments SET reroute_due_at = now() - interval '1 second'");
    assert_eq!(watch(&app), 1);
    let assignee = |id: Uuid| {
        app.count(&format!("SELECT count(*) FROM contacts WHERE id = '{id}' AND assignee_id = '{}'", carla.user.id))
    };
    assert_eq!((assignee(untouched.id), assignee(touched.id)), (1, 1));
    let logged = format!(
        "SELECT count(*) FROM contact_activities WHERE contact_id = '{}' AND field = 'assignee_id' \
         AND actor_label = 're-route (untouched for 30 min)'",
        untouched.id
    );
    assert_eq!(app.count(&logged), 1);
    assert_eq!(notified(&app, bruno.user.id, "lead_rerouted_away"), 1);
    assert_eq!(notified(&app, carla.user.id, "contact_assigned"), 2, "hers, and the one passed to her");
    // Carla's turn starts its own clock; each clock is looked at once.
    assert_eq!(app.count("SELECT count(*) FROM auto_assignments WHERE reroute_due_at IS NOT NULL"), 1);
    assert_eq!(watch(&app), 0);

    // Untouched again with nobody else online: it stays, and is looked at again later.
    presence(&app, &bruno, "offline").await;
    app.conn_exec(
        "UPDATE auto_assignments SET reroute_due_at = now() - interval '1 second' WHERE reroute_due_at IS NOT NULL",
    );
    assert_eq!(watch(&app), 0);
    assert_eq!(assignee(untouched.id), 1);
    assert_eq!(app.count("SELECT count(*) FROM auto_assignments WHERE reroute_due_at > now()"), 1);
}
