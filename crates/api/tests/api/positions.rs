//! Card positions never run out: moves into one spot and appends to one stage, by the
//! thousand, all succeed, and the board view's order and "load more" stay exact.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::cards::{card_path, Board};
use crate::helpers::TestApp;

/// Every card id of a stage, walking "load more" to the end, in board order.
async fn all_in_stage(app: &TestApp, admin: &crate::helpers::Session, board: &Board, stage: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let query = format!("per_stage=500&stage_id={}&cursor={cursor}", board.stages[stage]);
        let view = board.view(app, admin, &query).await;
        let page = &view["stages"][0];
        ids.extend(page["cards"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn five_thousand_alternating_moves_into_one_spot_all_succeed_in_order() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let mut cards = Vec::new();
    for title in ["first", "b", "c", "last"] {
        cards.push(board.card(&app, &admin, 0, json!({"title": title})).await);
    }
    let first = cards[0]["id"].clone();
    for i in 0..5000 {
        let moving = &cards[1 + i % 2];
        let res = app
            .post(
                &card_path(moving, "/move"),
                Some(&admin.token),
                &json!({"stage_id": board.stages[0], "after_id": first}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "move {i}: {}", res.text().await.unwrap());
    }
    // The last moved (c, move 4,999) sits right after the first card, then b, then the last.
    let id = |c: &Value| c["id"].as_str().unwrap().to_string();
    assert_eq!(
        all_in_stage(&app, &admin, &board, 0).await,
        [id(&cards[0]), id(&cards[2]), id(&cards[1]), id(&cards[3])]
    );
    let longest = app.count("SELECT max(length(position)) FROM cards");
    assert!(longest <= domain::positions::RENUMBER_AT as i64, "{longest}");
}

#[tokio::test]
async fn ten_thousand_cards_appended_to_one_stage_all_succeed_and_page_exactly() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let path = board.path("/cards");
    let mut created = Vec::with_capacity(10_000);
    for i in 0..10_000 {
        let res =
            app.post(&path, Some(&admin.token), &json!({"stage_id": board.stages[0], "title": format!("c{i}")})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {i}: {}", res.text().await.unwrap());
        created.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string());
    }
    assert_eq!(all_in_stage(&app, &admin, &board, 0).await, created, "board order is creation order, every page exact");
    let longest = app.count("SELECT max(length(position)) FROM cards");
    assert!(longest <= domain::positions::RENUMBER_AT as i64, "{longest}");
}

#[tokio::test]
async fn a_stage_moved_back_and_forth_hundreds_of_times_keeps_its_place() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let (first, a, b) = (&board.stages[0], &board.stages[1], &board.stages[2]);
    for i in 0..400 {
        let moving = if i % 2 == 0 { a } else { b };
        let res = app
            .post(&board.path(&format!("/stages/{moving}/move")), Some(&admin.token), &json!({"after_id": first}))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "stage move {i}");
    }
    let view: Value = app.get(&board.path(""), &admin.token).await.json().await.unwrap();
    let order: Vec<&str> = view["stages"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(&order[..3], [first.as_str(), b.as_str(), a.as_str()]);
}
