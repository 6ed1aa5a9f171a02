//! Tasks: My tasks, links, notifications on assignment and once when due, visibility, and the
//! contact and board filters they feed.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{fields, problem, Session, TestApp};

async fn task(app: &TestApp, who: &Session, body: Value) -> Value {
    let res = app.post("/api/v1/tasks", Some(&who.token), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    res.json().await.unwrap()
}

async fn titles(app: &TestApp, who: &Session, query: &str) -> Vec<String> {
    let list: Value = app.get(&format!("/api/v1/tasks?{query}"), &who.token).await.json().await.unwrap();
    list["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect()
}

async fn notification_kinds(app: &TestApp, who: &Session) -> Vec<String> {
    let list: Value = app.get("/api/v1/notifications", &who.token).await.json().await.unwrap();
    list["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn my_tasks_are_mine_soonest_first_and_done_ones_move_out() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    task(&app, &admin, json!({"title": "later", "due_at": "2030-01-02T10:00:00Z"})).await;
    let soon = task(&app, &admin, json!({"title": "soon", "due_at": "2030-01-01T10:00:00Z"})).await;
    task(&app, &admin, json!({"title": "whenever"})).await;
    let given = task(&app, &admin, json!({"title": "for Bia", "assignee_id": bia.user.id})).await;
    assert_eq!(given["assignee_id"], json!(bia.user.id));
    assert_eq!(titles(&app, &admin, "").await, ["soon", "later", "whenever"]);
    assert_eq!(titles(&app, &bia, "").await, ["for Bia"]);
    assert_eq!(notification_kinds(&app, &bia).await, ["task_assigned"]);
    assert!(notification_kinds(&app, &admin).await.is_empty(), "a task for oneself notifies nobody");
    assert_eq!(titles(&app, &admin, "scope=all").await.len(), 4);

    let res = app
        .patch(&format!("/api/v1/tasks/{}", soon["id"].as_str().unwrap()), &admin.token, &json!({"done": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Value>().await.unwrap()["done"].as_bool().unwrap());
    assert_eq!(titles(&app, &admin, "").await, ["later", "whenever"]);
    assert_eq!(titles(&app, &admin, "state=done").await, ["soon"]);

    for (body, field) in [
        (json!({"title": " "}), "title"),
        (json!({"title": "x", "assignee_id": Uuid::new_v4()}), "assignee_id"),
        (json!({"title": "x", "contact_id": Uuid::new_v4(), "card_id": Uuid::new_v4()}), "contact_id"),
        (json!({"title": "x", "card_id": Uuid::new_v4()}), "card_id"),
        (json!({"title": "x", "conversation_id": Uuid::new_v4()}), "conversation_id"),
        (json!({"title": "a\u{0}"}), "title"),
    ] {
        let res = app.post("/api/v1/tasks", Some(&admin.token), &body).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM tasks"), 4, "nothing half-written");
}

#[tokio::test]
async fn a_task_falling_due_notifies_its_assignee_once() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let due = task(&app, &bia, json!({"title": "call back", "due_at": "2020-01-01T10:00:00Z"})).await;
    task(&app, &bia, json!({"title": "not yet", "due_at": "2999-01-01T10:00:00Z"})).await;
    let done = task(&app, &bia, json!({"title": "already done", "due_at": "2020-01-01T10:00:00Z"})).await;
    app.patch(&format!("/api/v1/tasks/{}", done["id"].as_str().unwrap()), &bia.token, &json!({"done": true})).await;
    let mut conn = app.conn();
    assert_eq!(api::due_tasks::notify_due(&mut conn).unwrap(), 1);
    assert_eq!(api::due_tasks::notify_due(&mut conn).unwrap(), 0, "once per task");
    assert_eq!(notification_kinds(&app, &bia).await, ["task_due"]);
    // A new due time is a new reminder.
    let path = format!("/api/v1/tasks/{}", due["id"].as_str().unwrap());
    app.patch(&path, &bia.token, &json!({"due_at": "2021-01-01T10:00:00Z"})).await;
    assert_eq!(api::due_tasks::notify_due(&mut conn).unwrap(), 1);
}

#[tokio::test]
async fn with_two_instances_running_their_jobs_each_due_task_is_notified_once() {
    let app = TestApp::spawn_with(|c| c.task_due_check_secs = 1).await;
    let second = app.another_instance().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    for n in 0..20 {
        task(&app, &bia, json!({"title": format!("call {n}"), "due_at": "2020-01-01T10:00:00Z"})).await;
    }
    // Both instances' loops pass several times over the same due tasks.
    let mut notified = 0;
    for _ in 0..50 {
        notified = app.count("SELECT count(*) FROM notifications WHERE kind = 'task_due'");
        if notified >= 20 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(app.count("SELECT count(*) FROM notifications WHERE kind = 'task_due'"), 20, "{notified} at first");
    assert_eq!(app.count("SELECT count(DISTINCT title) FROM notifications WHERE kind = 'task_due'"), 20);
    drop(second);
}

#[tokio::test]
async fn tasks_are_seen_through_their_card_or_contact_and_never_across_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let caio = app.create_user(&admin, "caio@acme.test", "agent").await;
    let board: Value = app
        .post(
            "/api/v1/boards",
            Some(&admin.token),
            &json!({"name": "B", "template": "sales_pipeline", "member_ids": [bia.user.id]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let stage = board["stages"][0]["id"].clone();
    let card: Value = app
        .post(
            &format!("/api/v1/boards/{}/cards", board["id"].as_str().unwrap()),
            Some(&admin.token),
            &json!({"stage_id": stage, "title": "Deal"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let on_card = task(&app, &admin, json!({"title": "send proposal", "card_id": card["id"]})).await;
    assert_eq!((on_card["subject"].as_str(), on_card["board_id"].clone()), (Some("Deal"), board["id"].clone()));
    let card_query = format!("card_id={}", card["id"].as_str().unwrap());
    assert_eq!(titles(&app, &bia, &card_query).await, ["send proposal"], "the board is shared with Bia");
    assert!(titles(&app, &caio, &card_query).await.is_empty());
    let res = app.post("/api/v1/tasks", Some(&caio.token), &json!({"title": "x", "card_id": card["id"]})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["card_id"]);

    let other = app.signup("Other", "otto@other.test").await;
    let path = format!("/api/v1/tasks/{}", on_card["id"].as_str().unwrap());
    for who in [&caio, &other] {
        problem(app.patch(&path, &who.token, &json!({"done": true})).await, StatusCode::NOT_FOUND).await;
        problem(app.delete(&path, &who.token).await, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM tasks WHERE done_at IS NULL"), 1);
    assert_eq!(app.delete(&path, &bia.token).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn contacts_filter_by_open_tasks_and_deals_and_boards_by_tasks() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let mut ids = Vec::new();
    for name in ["Ana", "Bruno", "Carla"] {
        let res = app
            .post(
                "/api/v1/contacts",
                Some(&admin.token),
                &json!({"name": name, "email": format!("{}@x.test", name.to_lowercase())}),
            )
            .await;
        ids.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string());
    }
    let board: Value = app
        .post("/api/v1/boards", Some(&admin.token), &json!({"name": "B", "template": "sales_pipeline"}))
        .await
        .json()
        .await
        .unwrap();
    let cards_path = format!("/api/v1/boards/{}/cards", board["id"].as_str().unwrap());
    let stage = board["stages"][0]["id"].clone();
    let bruno_card: Value = app
        .post(&cards_path, Some(&admin.token), &json!({"stage_id": stage, "title": "Bruno deal", "contact_id": ids[1]}))
        .await
        .json()
        .await
        .unwrap();
    task(&app, &admin, json!({"title": "call Ana", "contact_id": ids[0]})).await;
    task(&app, &admin, json!({"title": "proposal", "card_id": bruno_card["id"]})).await;
    let names = |list: Value| -> Vec<String> {
        let mut n: Vec<String> =
            list["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect();
        n.sort();
        n
    };
    let get = |q: &'static str| {
        let (app, token) = (&app, admin.token.clone());
        async move { app.get(&format!("/api/v1/contacts?{q}"), &token).await.json::<Value>().await.unwrap() }
    };
    assert_eq!(names(get("has_open_tasks=true").await), ["Ana", "Bruno"]);
    assert_eq!(names(get("has_open_tasks=false").await), ["Carla"]);
    assert_eq!(names(get("has_deals=true").await), ["Bruno"]);
    let counts: Value = get("has_deals=false").await;
    assert_eq!(counts["counts"]["to_contact"].as_i64().unwrap() + counts["counts"]["in_progress"].as_i64().unwrap(), 2);

    let view: Value = app.get(&format!("{cards_path}?has_tasks=yes"), &admin.token).await.json().await.unwrap();
    assert_eq!(view["stages"][0]["count"], 1);
    let view: Value = app.get(&format!("{cards_path}?has_tasks=no"), &admin.token).await.json().await.unwrap();
    assert_eq!(view["stages"][0]["count"], 0);
}
