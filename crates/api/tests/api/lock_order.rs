//! One lock order for writes on cards, contacts, tasks and events (docs/API.md): deleting a
//! card with its contact, racing a convert, a title edit and task edits on related rows, never
//! deadlocks, and no database error comes back as 403 or 409.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::cards::{card_path, contact, Board};
use crate::helpers::TestApp;

async fn created(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

#[tokio::test]
async fn deleting_a_card_and_its_contact_races_related_writes_for_50_rounds_without_a_deadlock() {
    let app = TestApp::spawn_with(|c| c.db_pool_size = 8).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let sales = Board::create(&app, &admin, &[]).await;
    let portfolio = Board::create(&app, &admin, &[]).await;
    for round in 0..50 {
        let client = contact(&app, &admin, &format!("Client{round} Teste")).await;
        let doomed = sales.card(&app, &admin, 0, json!({"title": "deal", "contact_id": client})).await;
        let sibling = portfolio.card(&app, &admin, 0, json!({"title": "portfolio", "contact_id": client})).await;
        let on_card = created(
            app.post("/api/v1/tasks", Some(&admin.token), &json!({"title": "call", "card_id": doomed["id"]})).await,
        )
        .await;
        let on_contact = created(
            app.post("/api/v1/tasks", Some(&admin.token), &json!({"title": "mail", "contact_id": client})).await,
        )
        .await;
        let task_edit = |task: &Value| {
            let path = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
            app.request(Method::PATCH, &path, Some(&admin.token))
                .json(&json!({"title": "edited", "assignee_id": bia.user.id}))
                .send()
        };
        let (convert_path, edit_path) = (card_path(&sibling, "/convert"), card_path(&sibling, ""));
        let (convert_body, edit_body) = (json!({"to": "client"}), json!({"title": format!("renamed {round}")}));
        let (deleted, converted, edited, task_a, task_b) = tokio::join!(
            app.request(Method::DELETE, &format!("{}?delete_contact=true", card_path(&doomed, "")), Some(&admin.token))
                .send(),
            app.post(&convert_path, Some(&admin.token), &convert_body),
            app.patch(&edit_path, &admin.token, &edit_body),
            task_edit(&on_card),
            task_edit(&on_contact),
        );
        assert_eq!(deleted.unwrap().status(), StatusCode::NO_CONTENT, "round {round}");
        // The convert may come after the contact is gone (nothing to convert: 409 by rule).
        let converted = converted.status();
        assert!([StatusCode::OK, StatusCode::CONFLICT].contains(&converted), "round {round}: convert {converted}");
        assert_eq!(edited.status(), StatusCode::OK, "round {round}");
        for task in [task_a.unwrap().status(), task_b.unwrap().status()] {
            assert!([StatusCode::OK, StatusCode::NOT_FOUND].contains(&task), "round {round}: task edit {task}");
        }
    }
    // Every backend's statistics reach pg_stat_database within a second of going idle.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let deadlocks = app.count("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    assert_eq!(deadlocks, 0, "deadlocks detected");
}
