//! A client's cards across boards: in the contact detail and `GET /contacts/{id}/cards`, only
//! on boards the caller sees, with board, stage, value and status.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::cards::{card_path, contact, Board};
use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn a_client_shows_its_cards_on_the_boards_the_caller_sees() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let shared = Board::create(&app, &admin, &[bia.user.id]).await;
    let private = Board::create(&app, &admin, &[]).await;
    let carla = contact(&app, &bia, "Carla Mendes").await;
    let deal = shared
        .card(&app, &bia, 1, json!({"contact_id": carla, "title": "Carla — plano anual", "value": {"amount": "1250.5", "currency": "BRL"}}))
        .await;
    let lost = private.card(&app, &admin, 0, json!({"contact_id": carla, "title": "Carla — fibra"})).await;
    let res = app.post(&card_path(&lost, "/lose"), Some(&admin.token), &json!({"reason": "price"})).await;
    assert_eq!(res.status(), StatusCode::OK);

    // The admin sees both, the open one first; the lost one was changed last.
    let path = format!("/api/v1/contacts/{carla}/cards");
    let all: Vec<Value> = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0]["id"], deal["id"]);
    assert_eq!(all[0]["status"], "open");
    assert_eq!(all[0]["board_id"].as_str(), Some(shared.id.as_str()));
    assert_eq!(all[0]["board_name"], "Vendas");
    assert_eq!(all[0]["stage_id"].as_str(), Some(shared.stages[1].as_str()));
    assert!(!all[0]["stage_name"].as_str().unwrap().is_empty());
    assert_eq!(all[0]["value"], json!({"amount": "1250.50", "currency": "BRL"}));
    assert_eq!(all[1]["status"], "lost");
    assert!(all[1]["value"].is_null());
    let detail: Value = app.get(&format!("/api/v1/contacts/{carla}"), &admin.token).await.json().await.unwrap();
    assert_eq!(detail["cards"], json!(all), "the detail carries the same list");

    // Bia, her seller, sees only the shared board's card.
    let hers: Vec<Value> = app.get(&path, &bia.token).await.json().await.unwrap();
    assert_eq!(hers.len(), 1);
    assert_eq!(hers[0]["id"], deal["id"]);
    let detail: Value = app.get(&format!("/api/v1/contacts/{carla}"), &bia.token).await.json().await.unwrap();
    assert_eq!(detail["cards"].as_array().unwrap().len(), 1);

    // Won, then archived.
    let res = app.post(&card_path(&deal, "/convert"), Some(&bia.token), &json!({"to": "client"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let hers: Vec<Value> = app.get(&path, &bia.token).await.json().await.unwrap();
    assert_eq!(hers[0]["status"], "won");
    assert_eq!(app.post(&card_path(&deal, "/archive"), Some(&bia.token), &json!({})).await.status(), StatusCode::OK);
    let hers: Vec<Value> = app.get(&path, &bia.token).await.json().await.unwrap();
    assert_eq!(hers[0]["status"], "archived");

    // Another agent (not her seller) and another account: no such client.
    let caio = app.create_user(&admin, "caio@acme.test", "agent").await;
    let other = app.signup("Other", "otto@other.test").await;
    for who in [&caio, &other] {
        problem(app.get(&path, &who.token).await, StatusCode::NOT_FOUND).await;
    }
    let res = app.request(reqwest::Method::GET, &path, None).send().await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    // A client without cards has an empty list.
    let bare = contact(&app, &admin, "Davi").await;
    let none: Vec<Value> = app.get(&format!("/api/v1/contacts/{bare}/cards"), &admin.token).await.json().await.unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn an_api_key_reads_a_clients_cards_with_the_boards_scope() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let carla = contact(&app, &admin, "Carla").await;
    board.card(&app, &admin, 0, json!({"contact_id": carla})).await;
    let contacts_only = app.create_api_key(&admin, &["contacts:read"]).await;
    let boards = app.create_api_key(&admin, &["boards:read"]).await;
    let path = format!("/api/v1/contacts/{carla}/cards");
    let res = app.get(&path, &contacts_only.secret).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let detail: Value =
        app.get(&format!("/api/v1/contacts/{carla}"), &contacts_only.secret).await.json().await.unwrap();
    assert_eq!(detail["cards"], json!([]), "contacts:read is not boards:read");
    let cards: Vec<Value> = app.get(&path, &boards.secret).await.json().await.unwrap();
    assert_eq!(cards.len(), 1);
}
