//! The pipelines report: open value per stage, won and lost per month with reasons, days in
//! stage from the board's moves, agents' own cards, and a plain SQL recount.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::cards::{card_path, contact, Board};
use crate::helpers::{fields, problem, Session, TestApp};

fn last_30_days() -> String {
    let today = Utc::now().date_naive();
    format!("from={}&to={today}", today - Duration::days(29))
}

async fn pipelines(app: &TestApp, who: &Session, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/reports/pipelines?{query}"), &who.token).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

fn board_in<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["boards"].as_array().unwrap().iter().find(|b| b["board_id"] == id).expect("board in the report")
}

fn money(amount: &str, currency: &str) -> Value {
    json!({"amount": amount, "currency": currency})
}

async fn act(app: &TestApp, who: &Session, card: &Value, action: &str, body: Value) {
    let res = app.post(&card_path(card, action), Some(&who.token), &body).await;
    assert_eq!(res.status(), StatusCode::OK, "{action}");
}

#[tokio::test]
async fn open_value_per_stage_won_and_lost_per_month_and_days_in_stage() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let board = Board::create(&app, &admin, &[agent.user.id]).await;
    let brl = |a: &str| json!({"value": money(a, "BRL")});
    let big = board.card(&app, &admin, 0, brl("1000.00")).await;
    board.card(&app, &admin, 0, json!({"value": money("500.50", "BRL"), "member_ids": [agent.user.id]})).await;
    board.card(&app, &admin, 1, json!({"value": money("10.00", "USD")})).await;
    board.card(&app, &admin, 1, json!({"title": "no value"})).await;
    let lost = board.card(&app, &admin, 2, brl("200.00")).await;
    act(&app, &admin, &lost, "/lose", json!({"reason": "Preço"})).await;
    let lost_too = board.card(&app, &admin, 2, brl("50.00")).await;
    act(&app, &admin, &lost_too, "/lose", json!({"reason": "Preço"})).await;
    let silent = board.card(&app, &admin, 2, json!({})).await;
    act(&app, &admin, &silent, "/lose", json!({})).await;
    let client = contact(&app, &admin, "Carla").await;
    let won = board.card(&app, &admin, 3, json!({"value": money("750.00", "BRL"), "contact_id": client})).await;
    act(&app, &admin, &won, "/convert", json!({"to": "client"})).await;
    // `big` spends two days in stage 0 and six hours in stage 1, then sits in stage 2.
    act(&app, &admin, &big, "/move", json!({"stage_id": board.stages[1]})).await;
    act(&app, &admin, &big, "/move", json!({"stage_id": board.stages[2]})).await;
    let big_id = big["id"].as_str().unwrap();
    let moved_into = |stage: &str, when: &str| {
        format!(
            "UPDATE board_history SET created_at = {when} WHERE card_id = '{big_id}' AND action = 'moved'
               AND new_value->>'stage_id' = '{stage}'"
        )
    };
    app.conn_exec(&moved_into(&board.stages[1], "now() - interval '6 hours'"));
    app.conn_exec(&moved_into(&board.stages[2], "now()"));
    app.conn_exec(&format!("UPDATE cards SET created_at = now() - interval '54 hours' WHERE id = '{big_id}'"));
    // Another board the agent is not on, and another account's: neither leaks.
    let private = Board::create(&app, &admin, &[]).await;
    private.card(&app, &admin, 0, brl("99.00")).await;
    let other = app.signup("Other", "o@other.test").await;
    Board::create(&app, &other, &[]).await.card(&app, &other, 0, brl("1.00")).await;

    let r = pipelines(&app, &admin, &last_30_days()).await;
    assert_eq!(r["boards"].as_array().unwrap().len(), 2);
    let b = board_in(&r, &board.id);
    let stages = b["stages"].as_array().unwrap();
    assert_eq!(stages.iter().map(|s| s["stage_id"].as_str().unwrap()).collect::<Vec<_>>(), board.stages);
    assert_eq!((stages[0]["open"].as_i64(), &stages[0]["open_value"]), (Some(1), &json!([money("500.50", "BRL")])));
    assert_eq!((stages[1]["open"].as_i64(), &stages[1]["open_value"]), (Some(2), &json!([money("10.00", "USD")])));
    assert_eq!((stages[2]["open"].as_i64(), &stages[2]["open_value"]), (Some(1), &json!([money("1000.00", "BRL")])));
    assert_eq!(stages[3]["open"], 0, "a won card is not open");
    assert_eq!((stages[0]["stays"].as_i64(), stages[0]["average_stay_secs"].as_i64()), (Some(1), Some(48 * 3600)));
    assert_eq!((stages[1]["stays"].as_i64(), stages[1]["average_stay_secs"].as_i64()), (Some(1), Some(6 * 3600)));
    assert!(stages[2]["average_stay_secs"].is_null());
    let this_month = Utc::now().format("%Y-%m").to_string();
    let month = b["months"].as_array().unwrap().iter().find(|m| m["month"] == this_month).unwrap();
    assert_eq!((month["won"].as_i64(), &month["won_value"]), (Some(1), &json!([money("750.00", "BRL")])));
    assert_eq!((month["lost"].as_i64(), &month["lost_value"]), (Some(3), &json!([money("250.00", "BRL")])));
    assert_eq!(
        b["lost_reasons"],
        json!([{"reason": "Preço", "count": 2, "value": [money("250.00", "BRL")]}, {"reason": null, "count": 1, "value": []}])
    );

    // Open cards per stage equal a plain recount.
    for stage in stages {
        let id = stage["stage_id"].as_str().unwrap();
        let open = app.count(&format!(
            "SELECT count(*) FROM cards WHERE stage_id = '{id}' AND archived_at IS NULL AND lost_at IS NULL
               AND converted_to_client_at IS NULL AND converted_to_service_at IS NULL"
        ));
        assert_eq!(stage["open"].as_i64(), Some(open));
    }

    // The agent: only the shared board, only the cards they are a member of.
    let r = pipelines(&app, &agent, &last_30_days()).await;
    assert_eq!(r["boards"].as_array().unwrap().len(), 1);
    let b = board_in(&r, &board.id);
    assert_eq!((b["stages"][0]["open"].as_i64(), b["stages"][2]["open"].as_i64()), (Some(1), Some(0)));
    assert_eq!(b["lost_reasons"], json!([]));
    let res =
        app.get(&format!("/api/v1/reports/pipelines?{}&board_id={}", last_30_days(), private.id), &agent.token).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["board_id"]);

    // One board asked for; a period that ended before anything happened.
    let r = pipelines(&app, &admin, &format!("{}&board_id={}", last_30_days(), private.id)).await;
    assert_eq!(r["boards"].as_array().unwrap().len(), 1);
    let r = pipelines(&app, &admin, &format!("from=2020-01-01&to=2020-01-31&board_id={}", board.id)).await;
    let b = board_in(&r, &board.id);
    assert_eq!(b["months"], json!([{"month": "2020-01", "won": 0, "won_value": [], "lost": 0, "lost_value": []}]));
    assert_eq!(b["stages"][0]["open"], 1, "open is now, whatever the period");
}

#[tokio::test]
async fn bad_pipeline_queries_are_refused_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    for (query, field, status) in [
        ("from=2026-12-02&to=2026-12-01", "to", StatusCode::UNPROCESSABLE_ENTITY),
        ("from=2026-12-01&to=2026-12-02&board_id=nope", "board_id", StatusCode::BAD_REQUEST),
        (
            "from=2026-12-01&to=2026-12-02&board_id=6f1c2a10-0000-4000-8000-000000000000",
            "board_id",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let res = app.get(&format!("/api/v1/reports/pipelines?{query}"), &admin.token).await;
        assert_eq!(fields(&problem(res, status).await), [field], "{query}");
    }
}
