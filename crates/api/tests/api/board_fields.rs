//! A board's custom fields (every kind, validated per card), its base card and card checklists,
//! by role and account.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::cards::{card_path, contact, edit, Board};
use crate::helpers::{fields, problem, TestApp};

async fn define(app: &TestApp, token: &str, board: &Board, body: Value) -> reqwest::Response {
    app.post(&board.path("/fields"), Some(token), &body).await
}

#[tokio::test]
async fn card_values_are_checked_against_the_boards_fields() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let board = Board::create(&app, &admin, &[agent.user.id]).await;
    for (key, kind) in [
        ("notes", "text"),
        ("seats", "number"),
        ("setup_fee", "money"),
        ("install_on", "date"),
        ("technician", "user"),
        ("referrer", "contact"),
    ] {
        let res = define(&app, &admin.token, &board, json!({"key": key, "label": key, "kind": kind})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{key}");
    }
    let res = define(&app, &admin.token, &board, json!({"key": "plan", "label": "Plano", "kind": "select"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["options"]);
    // Options belong to select fields only, blank ones included.
    for options in [json!(["a"]), json!(["  "])] {
        let body = json!({"key": "qty", "label": "Qty", "kind": "number", "options": options});
        let res = define(&app, &admin.token, &board, body).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["options"], "{options}");
    }
    let res = define(
        &app,
        &admin.token,
        &board,
        json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["300 MB", "1 GB"]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = define(&app, &admin.token, &board, json!({"key": "plan", "label": "Again", "kind": "text"})).await;
    assert_eq!(problem(res, StatusCode::CONFLICT).await.errors[0].field, "key");
    // Agents use fields; only admins define them. Another account does not see the board.
    let res = define(&app, &agent.token, &board, json!({"key": "x", "label": "x", "kind": "text"})).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let stranger = app.signup("Other", "olga@other.test").await;
    let res = define(&app, &stranger.token, &board, json!({"key": "x", "label": "x", "kind": "text"})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&board.path("/fields"), &stranger.token).await.status(), StatusCode::NOT_FOUND);
    let listed: Value = app.get(&board.path("/fields"), &agent.token).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 7);
    let shown: Value = app.get(&board.path(""), &agent.token).await.json().await.unwrap();
    assert_eq!(shown["fields"][6]["options"], json!(["300 MB", "1 GB"]));

    let ana = contact(&app, &agent, "Ana Souza").await;
    let values = json!({
        "notes": "prefers mornings", "seats": 12, "setup_fee": {"amount": "99.90", "currency": "BRL"},
        "install_on": "2026-12-03", "technician": agent.user.id, "referrer": ana, "plan": "1 GB",
    });
    let card = board.card(&app, &agent, 0, json!({"custom_fields": values})).await;
    assert_eq!(card["custom_fields"], values);

    let foreign_contact = contact(&app, &stranger, "Zed Outro").await;
    for (bad, key) in [
        (json!({"nope": 1}), "nope"),
        (json!({"notes": 5}), "notes"),
        (json!({"notes": "a\u{0}b"}), "notes"),
        (json!({"seats": "twelve"}), "seats"),
        (json!({"setup_fee": {"amount": "9.999", "currency": "BRL"}}), "setup_fee"),
        (json!({"setup_fee": 10}), "setup_fee"),
        (json!({"install_on": "03/12/2026"}), "install_on"),
        (json!({"plan": "10 GB"}), "plan"),
        (json!({"technician": stranger.user.id}), "technician"),
        (json!({"technician": "bia"}), "technician"),
        (json!({"referrer": foreign_contact}), "referrer"),
    ] {
        let res = edit(&app, &agent, &card, None, json!({"custom_fields": bad})).await;
        assert_eq!(
            fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await),
            [format!("custom_fields.{key}")],
            "{bad}"
        );
        let res = app
            .post(
                &board.path("/cards"),
                Some(&agent.token),
                &json!({"stage_id": board.stages[0], "title": "x", "custom_fields": bad}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert_eq!(app.count("SELECT count(*) FROM cards"), 1, "nothing half-written");

    // Only the keys sent change; null clears one; the history names the field.
    let res =
        edit(&app, &agent, &card, Some("\"1\""), json!({"custom_fields": {"plan": "300 MB", "notes": null}})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["custom_fields"]["plan"], "300 MB");
    assert_eq!(changed["custom_fields"]["seats"], 12);
    assert!(changed["custom_fields"].get("notes").is_none());
    assert_eq!(changed["version"], 2);
    let history: Value = app.get(&board.path("/history"), &admin.token).await.json().await.unwrap();
    let entry = history["items"].as_array().unwrap().iter().find(|e| e["field"] == "custom_fields.plan").unwrap();
    assert_eq!((&entry["old_value"], &entry["new_value"]), (&json!("1 GB"), &json!("300 MB")));

    // A field's options can change; its key and kind cannot. Deleting it takes its values away.
    let plan_id = shown["fields"][6]["id"].as_str().unwrap();
    let res = app
        .patch(&board.path(&format!("/fields/{plan_id}")), &admin.token, &json!({"options": ["300 MB", "2 GB"]}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let seats_id = shown["fields"][1]["id"].as_str().unwrap();
    let res = app.patch(&board.path(&format!("/fields/{seats_id}")), &admin.token, &json!({"options": ["a"]})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["options"]);
    let res = app.delete(&board.path(&format!("/fields/{plan_id}")), &stranger.token).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.delete(&board.path(&format!("/fields/{plan_id}")), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let after: Value = app.get(&card_path(&card, ""), &agent.token).await.json().await.unwrap();
    assert!(after["custom_fields"].get("plan").is_none());
    assert_eq!(after["custom_fields"]["seats"], 12);
}

#[tokio::test]
async fn new_cards_start_from_the_base_card_and_its_checklist() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let outsider = app.create_user(&admin, "caio@acme.test", "agent").await;
    let board = Board::create(&app, &admin, &[agent.user.id]).await;
    let hot = board.label(&app, &admin, "Quente").await;
    let res = define(
        &app,
        &admin.token,
        &board,
        json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["300 MB", "1 GB"]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let other = Board::create(&app, &admin, &[]).await;
    let foreign_label = other.label(&app, &admin, "Outro").await;
    for (bad, field) in [
        (json!({"label_ids": [foreign_label]}), "label_ids"),
        (json!({"member_ids": [Uuid::new_v4()]}), "member_ids"),
        (json!({"custom_fields": {"plan": "5 GB"}}), "custom_fields.plan"),
        (json!({"checklist": ["ok", " "]}), "checklist"),
    ] {
        let res = app
            .request(reqwest::Method::PUT, &board.path("/base-card"), Some(&admin.token))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{bad}");
    }
    let base = json!({
        "description": "Endereço:\nPlano:", "label_ids": [hot], "member_ids": [agent.user.id],
        "custom_fields": {"plan": "300 MB"}, "checklist": ["Consultar viabilidade", "Enviar proposta"],
        "comments": [],
    });
    let res = app
        .request(reqwest::Method::PUT, &board.path("/base-card"), Some(&agent.token))
        .json(&base)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "admins only");
    let res = app
        .request(reqwest::Method::PUT, &board.path("/base-card"), Some(&admin.token))
        .json(&base)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let read: Value = app.get(&board.path("/base-card"), &agent.token).await.json().await.unwrap();
    assert_eq!(read, base);

    // A new card gets the base card under what it was given.
    let card = board.card(&app, &agent, 0, json!({})).await;
    assert_eq!(card["description"], "Endereço:\nPlano:");
    assert_eq!(card["label_ids"], json!([hot]));
    assert_eq!(card["member_ids"], json!([agent.user.id]));
    assert_eq!(card["custom_fields"], json!({"plan": "300 MB"}));
    let own = board.card(&app, &agent, 0, json!({"description": "Rua A, 10", "custom_fields": {"plan": "1 GB"}})).await;
    assert_eq!((own["description"].as_str(), &own["custom_fields"]["plan"]), (Some("Rua A, 10"), &json!("1 GB")));

    let checklist: Value = app.get(&card_path(&card, "/checklist"), &agent.token).await.json().await.unwrap();
    let texts: Vec<&str> = checklist["items"].as_array().unwrap().iter().map(|i| i["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Consultar viabilidade", "Enviar proposta"]);
    let first = checklist["items"][0]["id"].as_str().unwrap();
    let res = app.patch(&card_path(&card, &format!("/checklist/{first}")), &agent.token, &json!({"done": true})).await;
    let ticked: Value = res.json().await.unwrap();
    assert_eq!(
        (ticked["done"].as_bool(), ticked["done_by"].as_str()),
        (Some(true), Some(agent.user.id.to_string().as_str()))
    );
    let res =
        app.post(&card_path(&card, "/checklist"), Some(&agent.token), &json!({"text": "Agendar instalação"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app.post(&card_path(&card, "/checklist"), Some(&agent.token), &json!({"text": "a\u{0}"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["text"]);
    let second = checklist["items"][1]["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&card_path(&card, &format!("/checklist/{second}")), &agent.token).await.status(),
        StatusCode::NO_CONTENT
    );
    let after: Value = app.get(&card_path(&card, "/checklist"), &agent.token).await.json().await.unwrap();
    let state: Vec<(&str, bool)> = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["text"].as_str().unwrap(), i["done"].as_bool().unwrap()))
        .collect();
    assert_eq!(state, [("Consultar viabilidade", true), ("Agendar instalação", false)]);
    let unchanged: Value = app.get(&card_path(&card, ""), &agent.token).await.json().await.unwrap();
    assert_eq!(unchanged["version"], 1, "ticking is activity, not an edit of the card");
    let history: Value = app
        .get(&board.path(&format!("/history?card_id={}", card["id"].as_str().unwrap())), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> =
        history["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["updated", "updated", "checked", "created"]);

    // Someone the board is not shared with, or another account, sees no checklist.
    assert_eq!(app.get(&card_path(&card, "/checklist"), &outsider.token).await.status(), StatusCode::NOT_FOUND);
    let stranger = app.signup("Other", "olga@other.test").await;
    let res =
        app.patch(&card_path(&card, &format!("/checklist/{first}")), &stranger.token, &json!({"done": false})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&board.path("/base-card"), &stranger.token).await.status(), StatusCode::NOT_FOUND);
}
