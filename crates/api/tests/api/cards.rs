//! Cards: creation, edits with If-Match, one card per contact per board, concurrent moves,
//! the board view's filters and sums, actions, roles and accounts.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{fields, problem, Session, TestApp};

/// A sales-pipeline board of `admin`'s account and its stage ids.
pub struct Board {
    pub id: String,
    pub stages: Vec<String>,
}

impl Board {
    pub async fn create(app: &TestApp, admin: &Session, members: &[Uuid]) -> Board {
        let res = app
            .post(
                "/api/v1/boards",
                Some(&admin.token),
                &json!({"name": "Vendas", "template": "sales_pipeline", "member_ids": members}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let board: Value = res.json().await.unwrap();
        let stages =
            board["stages"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
        Board { id: board["id"].as_str().unwrap().to_string(), stages }
    }

    pub fn path(&self, rest: &str) -> String {
        format!("/api/v1/boards/{}{rest}", self.id)
    }

    pub async fn card(&self, app: &TestApp, who: &Session, stage: usize, extra: Value) -> Value {
        let mut body = json!({"stage_id": self.stages[stage], "title": "Card"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let res = app.post(&self.path("/cards"), Some(&who.token), &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{body}");
        res.json().await.unwrap()
    }

    pub async fn view(&self, app: &TestApp, who: &Session, query: &str) -> Value {
        let res = app.get(&self.path(&format!("/cards?{query}")), &who.token).await;
        assert_eq!(res.status(), StatusCode::OK, "{query}");
        res.json().await.unwrap()
    }

    pub async fn label(&self, app: &TestApp, admin: &Session, name: &str) -> String {
        let res = app.post(&self.path("/labels"), Some(&admin.token), &json!({"name": name})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
    }
}

pub fn card_path(card: &Value, rest: &str) -> String {
    format!("/api/v1/cards/{}{rest}", card["id"].as_str().unwrap())
}

fn titles(stage: &Value) -> Vec<&str> {
    stage["cards"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect()
}

pub async fn contact(app: &TestApp, who: &Session, name: &str) -> String {
    let email = format!("{}@client.test", name.split(' ').next().unwrap().to_lowercase());
    let res = app.post("/api/v1/contacts", Some(&who.token), &json!({"name": name, "email": email})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

pub async fn edit(
    app: &TestApp,
    who: &Session,
    card: &Value,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut req = app.request(Method::PATCH, &card_path(card, ""), Some(&who.token)).json(&body);
    if let Some(tag) = if_match {
        req = req.header("If-Match", tag);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn cards_are_edited_against_their_version_and_keep_a_history() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let hot = board.label(&app, &admin, "Quente").await;
    let card = board
        .card(&app, &admin, 0, json!({"value": {"amount": "1250.5", "currency": "BRL"}, "label_ids": [hot]}))
        .await;
    assert_eq!(card["value"], json!({"amount": "1250.50", "currency": "BRL"}));
    assert_eq!(card["label_ids"], json!([hot]));
    assert_eq!(card["version"], 1);
    assert_eq!(app.count("SELECT amount_minor FROM cards"), 125_050, "stored exactly, in cents");

    let res = app.get(&card_path(&card, ""), &admin.token).await;
    assert_eq!(res.headers()["etag"], "\"1\"");
    let res = edit(&app, &admin, &card, Some("\"1\""), json!({"title": "Plano 1 GB"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    // Someone still holding version 1 gets the current card, not an overwrite.
    let res = edit(&app, &admin, &card, Some("\"1\""), json!({"title": "Stale edit"})).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    let current: Value = res.json().await.unwrap();
    assert_eq!((current["title"].as_str(), current["version"].as_i64()), (Some("Plano 1 GB"), Some(2)));

    let other_board = Board::create(&app, &admin, &[]).await;
    let foreign_label = other_board.label(&app, &admin, "Outro").await;
    for (body, field) in [
        (json!({"title": "  "}), "title"),
        (json!({"title": "a\u{0}b"}), "title"),
        (json!({"value": {"amount": "1.234", "currency": "BRL"}}), "value"),
        (json!({"value": {"amount": "10", "currency": "real"}}), "value"),
        (json!({"label_ids": [foreign_label]}), "label_ids"),
        (json!({"member_ids": [Uuid::new_v4()]}), "member_ids"),
        (json!({"contact_id": Uuid::new_v4()}), "contact_id"),
    ] {
        let res = edit(&app, &admin, &card, None, body.clone()).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{body}");
    }
    let res = app
        .post(&board.path("/cards"), Some(&admin.token), &json!({"stage_id": other_board.stages[0], "title": "x"}))
        .await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["stage_id"]);
    assert_eq!(app.count("SELECT count(*) FROM cards"), 1, "nothing half-written");
    assert_eq!(app.count("SELECT version FROM cards"), 2);

    let history: Value = app.get(&board.path("/history"), &admin.token).await.json().await.unwrap();
    let entries: Vec<(&str, Option<&str>)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["field"].as_str()))
        .collect();
    assert_eq!(entries, [("updated", Some("title")), ("created", None)]);
    assert_eq!(history["items"][0]["old_value"], "Card");
    assert_eq!(history["items"][0]["new_value"], "Plano 1 GB");
    assert_eq!(history["items"][0]["actor_label"], admin.user.name);
}

#[tokio::test]
async fn a_contact_has_at_most_one_card_per_board() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let ana = contact(&app, &admin, "Ana Souza").await;
    let first = board.card(&app, &admin, 0, json!({"contact_id": ana, "title": "Ana — fibra"})).await;
    assert_eq!(first["contact"]["name"], "Ana Souza");
    let res = app
        .post(
            &board.path("/cards"),
            Some(&admin.token),
            &json!({"stage_id": board.stages[1], "title": "Again", "contact_id": ana}),
        )
        .await;
    let p = problem(res, StatusCode::CONFLICT).await;
    assert!(p.detail.unwrap_or_default().contains(first["id"].as_str().unwrap()), "names the existing card");
    let second = board.card(&app, &admin, 0, json!({"title": "Other"})).await;
    let res = edit(&app, &admin, &second, None, json!({"contact_id": ana})).await;
    problem(res, StatusCode::CONFLICT).await;
    // Another board may have its own card for her.
    let portfolio = Board::create(&app, &admin, &[]).await;
    portfolio.card(&app, &admin, 0, json!({"contact_id": ana})).await;
}

#[tokio::test]
async fn twenty_simultaneous_moves_into_one_spot_all_land_in_a_total_order() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let anchor = board.card(&app, &admin, 1, json!({"title": "anchor"})).await;
    let tail = board.card(&app, &admin, 1, json!({"title": "tail"})).await;
    let mut cards = Vec::new();
    for i in 0..20 {
        cards.push(board.card(&app, &admin, 0, json!({"title": format!("c{i:02}")})).await);
    }
    let body = json!({"stage_id": board.stages[1], "after_id": anchor["id"]});
    let paths: Vec<String> = cards.iter().map(|card| card_path(card, "/move")).collect();
    let moves = paths.iter().map(|path| app.post(path, Some(&admin.token), &body));
    for res in futures_util::future::join_all(moves).await {
        assert_eq!(res.status(), StatusCode::OK);
    }
    let view = board.view(&app, &admin, "per_stage=50").await;
    let stage = &view["stages"][1];
    assert_eq!(stage["count"], 22);
    let order = titles(stage);
    assert_eq!((order[0], order[21]), ("anchor", "tail"), "all landed between the neighbours");
    let mut moved: Vec<&str> = order[1..21].to_vec();
    moved.sort();
    assert_eq!(moved, (0..20).map(|i| format!("c{i:02}")).collect::<Vec<_>>());
    assert_eq!(app.count("SELECT count(DISTINCT position) FROM cards WHERE title <> 'x'"), 22);
    assert_eq!(titles(&board.view(&app, &admin, "per_stage=50").await["stages"][1]), order, "stable");
    assert_eq!(view["stages"][0]["count"], 0);
    let _ = tail;
}

#[tokio::test]
async fn moves_within_a_stage_and_bad_targets() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let a = board.card(&app, &admin, 0, json!({"title": "a"})).await;
    let b = board.card(&app, &admin, 0, json!({"title": "b"})).await;
    let c = board.card(&app, &admin, 0, json!({"title": "c"})).await;
    let res = app.post(&card_path(&c, "/move"), Some(&admin.token), &json!({"stage_id": board.stages[0]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(&card_path(&a, "/move"), Some(&admin.token), &json!({"stage_id": board.stages[0], "after_id": b["id"]}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(titles(&board.view(&app, &admin, "").await["stages"][0]), ["c", "b", "a"]);
    let other = Board::create(&app, &admin, &[]).await;
    for (body, field) in [
        (json!({"stage_id": other.stages[0]}), "stage_id"),
        (json!({"stage_id": board.stages[1], "after_id": b["id"]}), "after_id"),
        (json!({"stage_id": board.stages[0], "after_id": a["id"]}), "after_id"),
    ] {
        let res = app.post(&card_path(&a, "/move"), Some(&admin.token), &body).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{body}");
    }
    // The board says how many cards each stage holds: what deleting it would move.
    let stages: Value = app.get(&board.path(""), &admin.token).await.json().await.unwrap();
    let counts: Vec<i64> =
        stages["stages"].as_array().unwrap().iter().map(|s| s["card_count"].as_i64().unwrap()).collect();
    assert_eq!(counts, [3, 0, 0, 0, 0, 0]);
    // A stage holding cards goes only with somewhere for them.
    let stage0 = board.path(&format!("/stages/{}", board.stages[0]));
    problem(app.delete(&stage0, &admin.token).await, StatusCode::CONFLICT).await;
    let res = app.delete(&format!("{stage0}?move_to={}", board.stages[2]), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let view = board.view(&app, &admin, "").await;
    assert_eq!(view["stages"].as_array().unwrap().len(), 5);
    assert_eq!(titles(&view["stages"][1]), ["c", "b", "a"], "moved over in their order");
}

#[tokio::test]
async fn the_board_view_filters_counts_sums_and_pages_each_stage() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let board = Board::create(&app, &admin, &[bia.user.id]).await;
    let hot = board.label(&app, &admin, "Quente").await;
    let carla = contact(&app, &admin, "Carla Dias").await;
    let res = app.patch(&format!("/api/v1/contacts/{carla}"), &admin.token, &json!({"assignee_id": bia.user.id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    for i in 0..12 {
        board
            .card(
                &app,
                &admin,
                0,
                json!({"title": format!("n{i:02}"), "value": {"amount": "10.10", "currency": "BRL"}}),
            )
            .await;
    }
    board
        .card(
            &app,
            &admin,
            1,
            json!({"title": "hot", "label_ids": [hot], "member_ids": [bia.user.id],
        "value": {"amount": "0.1", "currency": "BRL"}}),
        )
        .await;
    board
        .card(
            &app,
            &admin,
            1,
            json!({"title": "usd", "value": {"amount": "5", "currency": "USD"}, "contact_id": carla}),
        )
        .await;
    let archived = board.card(&app, &admin, 1, json!({"title": "old"})).await;
    app.post(&card_path(&archived, "/archive"), Some(&admin.token), &json!({})).await;
    let lost =
        board.card(&app, &admin, 2, json!({"title": "gone", "value": {"amount": "0.2", "currency": "BRL"}})).await;
    let res = app.post(&card_path(&lost, "/lose"), Some(&admin.token), &json!({"reason": "Preço"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["lost_reason"], "Preço");

    let view = board.view(&app, &admin, "per_stage=10").await;
    let first = &view["stages"][0];
    assert_eq!((first["count"].as_i64(), first["cards"].as_array().unwrap().len()), (Some(12), 10));
    assert_eq!(first["sums"], json!([{"amount": "121.20", "currency": "BRL"}]));
    assert_eq!(titles(&view["stages"][1]), ["hot", "usd"], "archived cards are hidden by default");
    assert_eq!(
        view["stages"][1]["sums"],
        json!([{"amount": "0.10", "currency": "BRL"}, {"amount": "5.00", "currency": "USD"}])
    );
    let cursor = first["next_cursor"].as_str().unwrap();
    let more = board.view(&app, &admin, &format!("per_stage=10&stage_id={}&cursor={cursor}", board.stages[0])).await;
    assert_eq!(more["stages"].as_array().unwrap().len(), 1);
    assert_eq!(titles(&more["stages"][0]), ["n10", "n11"]);
    assert!(more["stages"][0]["next_cursor"].is_null());
    let desc = board.view(&app, &admin, "order=desc&per_stage=10").await;
    assert_eq!(titles(&desc["stages"][0])[0], "n11");
    let cursor = desc["stages"][0]["next_cursor"].as_str().unwrap();
    let rest = board
        .view(&app, &admin, &format!("order=desc&per_stage=10&stage_id={}&cursor={cursor}", board.stages[0]))
        .await;
    assert_eq!(titles(&rest["stages"][0]), ["n01", "n00"]);

    let only = |view: &Value| -> Vec<String> {
        view["stages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| titles(s).into_iter().map(String::from).collect::<Vec<_>>())
            .collect()
    };
    assert_eq!(only(&board.view(&app, &admin, &format!("label_ids={hot}")).await), ["hot"]);
    assert_eq!(only(&board.view(&app, &admin, &format!("member_ids={}", bia.user.id)).await), ["hot"]);
    assert_eq!(only(&board.view(&app, &admin, &format!("seller_ids={}", bia.user.id)).await), ["usd"]);
    assert_eq!(only(&board.view(&app, &admin, "archived=yes").await), ["old"]);
    assert_eq!(only(&board.view(&app, &admin, "lost=yes").await), ["gone"]);
    assert_eq!(only(&board.view(&app, &admin, "q=carla").await), ["usd"]);
    assert_eq!(only(&board.view(&app, &admin, "q=GON").await), ["gone"]);
    assert!(only(&board.view(&app, &admin, "stale=yes").await).is_empty());
    assert!(only(&board.view(&app, &admin, "from=2999-01-01").await).is_empty());
    assert_eq!(board.view(&app, &admin, "date_field=contact_created&to=2999-01-01").await["stages"][1]["count"], 2);
    app.conn_exec("UPDATE cards SET updated_at = now() - interval '3 days' WHERE title = 'n00'");
    assert_eq!(only(&board.view(&app, &admin, "stale=yes").await), ["n00"], "the first stage's stale days are 2");

    for (query, field) in [("per_stage=7", "per_stage"), ("label_ids=nope", "label_ids"), ("cursor=zz", "cursor")] {
        let res = app.get(&board.path(&format!("/cards?{query}")), &admin.token).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{query}");
    }
    // Values that do not parse at all: a 400 whose detail quotes the value.
    for (query, field) in [("lost=maybe", "maybe"), ("from=yesterday", "input")] {
        let res = app.get(&board.path(&format!("/cards?{query}")), &admin.token).await;
        assert!(problem(res, StatusCode::BAD_REQUEST).await.detail.unwrap_or_default().contains(field), "{query}");
    }
}

#[tokio::test]
async fn convert_delete_and_archive_act_in_one_transaction() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let board = Board::create(&app, &admin, &[]).await;
    let bare = board.card(&app, &admin, 0, json!({"title": "no contact"})).await;
    problem(
        app.post(&card_path(&bare, "/convert"), Some(&admin.token), &json!({"to": "client"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let ana = contact(&app, &admin, "Ana").await;
    let card = board.card(&app, &admin, 0, json!({"contact_id": ana})).await;
    let res = app.post(&card_path(&card, "/convert"), Some(&admin.token), &json!({"to": "client"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.json::<Value>().await.unwrap()["converted_to_client_at"].is_null());
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = '{ana}' AND status = 'won'")), 1);
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM contact_activities WHERE contact_id = '{ana}' AND field = 'status'")),
        1
    );
    problem(
        app.post(&card_path(&card, "/convert"), Some(&admin.token), &json!({"to": "client"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let res = app.post(&card_path(&card, "/convert"), Some(&admin.token), &json!({"to": "service"})).await;
    assert_eq!(res.status(), StatusCode::OK);

    problem(app.post(&card_path(&bare, "/unarchive"), Some(&admin.token), &json!({})).await, StatusCode::CONFLICT)
        .await;
    problem(app.post(&card_path(&bare, "/reopen"), Some(&admin.token), &json!({})).await, StatusCode::CONFLICT).await;

    // Without the choice only the link goes; with it the contact goes too.
    let res = app.delete(&card_path(&card, ""), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = '{ana}'")), 1);
    let bruno = contact(&app, &admin, "Bruno").await;
    let card = board.card(&app, &admin, 0, json!({"contact_id": bruno})).await;
    let res = app.delete(&format!("{}?delete_contact=true", card_path(&card, "")), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = '{bruno}'")), 0);
    let history: Value = app.get(&board.path("/history"), &admin.token).await.json().await.unwrap();
    assert_eq!(history["items"][0]["action"], "deleted", "the history outlives the card");
}

#[tokio::test]
async fn agents_work_shared_boards_only_and_other_accounts_see_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let caio = app.create_user(&admin, "caio@acme.test", "agent").await;
    let board = Board::create(&app, &admin, &[bia.user.id]).await;
    let card = board.card(&app, &bia, 0, json!({"title": "Bia's"})).await;
    let res = app.post(&card_path(&card, "/move"), Some(&bia.token), &json!({"stage_id": board.stages[1]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.post(&card_path(&card, "/comments"), Some(&bia.token), &json!({"body": "Ligar amanhã"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let comments: Value = app.get(&card_path(&card, "/comments"), &admin.token).await.json().await.unwrap();
    assert_eq!(comments["items"][0]["body"], "Ligar amanhã");
    let res = app.post(&card_path(&card, "/comments"), Some(&bia.token), &json!({"body": " "})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["body"]);

    // Saved filters are each user's own.
    let res =
        app.post(&board.path("/filters"), Some(&bia.token), &json!({"name": "Perdidos", "query": "lost=yes"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let saved: Value = res.json().await.unwrap();
    problem(
        app.post(&board.path("/filters"), Some(&bia.token), &json!({"name": "Perdidos", "query": ""})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let res =
        app.post(&board.path("/filters"), Some(&bia.token), &json!({"name": "Bad", "query": "per_stage=3"})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["query"]);
    let mine: Value = app.get(&board.path("/filters"), &admin.token).await.json().await.unwrap();
    assert!(mine["items"].as_array().unwrap().is_empty());
    let filter_path = board.path(&format!("/filters/{}", saved["id"].as_str().unwrap()));
    problem(app.delete(&filter_path, &admin.token).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.delete(&filter_path, &bia.token).await.status(), StatusCode::NO_CONTENT);
    // ...unless shared: then everyone who sees the board has it, and an admin may delete it.
    let res = app
        .post(
            &board.path("/filters"),
            Some(&bia.token),
            &json!({"name": "Da equipe", "query": "lost=no", "shared": true}),
        )
        .await;
    let shared: Value = res.json().await.unwrap();
    let seen: Value = app.get(&board.path("/filters"), &admin.token).await.json().await.unwrap();
    assert_eq!(
        (&seen["items"][0]["name"], &seen["items"][0]["shared"], &seen["items"][0]["mine"]),
        (&json!("Da equipe"), &json!(true), &json!(false))
    );
    problem(
        app.post(&board.path("/filters"), Some(&bia.token), &json!({"name": " ", "query": ""})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let shared_path = board.path(&format!("/filters/{}", shared["id"].as_str().unwrap()));
    assert_eq!(app.delete(&shared_path, &admin.token).await.status(), StatusCode::NO_CONTENT);

    // An agent the board is not shared with, and another account, see nothing.
    let other = app.signup("Other", "otto@other.test").await;
    for who in [&caio, &other] {
        problem(app.get(&card_path(&card, ""), &who.token).await, StatusCode::NOT_FOUND).await;
        problem(edit(&app, who, &card, None, json!({"title": "mine"})).await, StatusCode::NOT_FOUND).await;
        let res = app.post(&card_path(&card, "/move"), Some(&who.token), &json!({"stage_id": board.stages[0]})).await;
        problem(res, StatusCode::NOT_FOUND).await;
        problem(app.get(&board.path("/cards"), &who.token).await, StatusCode::NOT_FOUND).await;
        problem(app.get(&board.path("/history"), &who.token).await, StatusCode::NOT_FOUND).await;
        problem(app.delete(&card_path(&card, ""), &who.token).await, StatusCode::NOT_FOUND).await;
        let res = app
            .post(&board.path("/cards"), Some(&who.token), &json!({"stage_id": board.stages[0], "title": "x"}))
            .await;
        problem(res, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM cards WHERE title = 'Bia''s'"), 1);
    // Agents do not manage labels.
    problem(app.post(&board.path("/labels"), Some(&bia.token), &json!({"name": "x"})).await, StatusCode::FORBIDDEN)
        .await;
}

#[tokio::test]
async fn card_changes_reach_the_boards_members_live_and_no_one_else() {
    use std::time::Duration;
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let caio = app.create_user(&admin, "caio@acme.test", "agent").await;
    let board = Board::create(&app, &admin, &[bia.user.id]).await;
    let mut bia_stream = app.operator_stream(&bia, None).await;
    let mut caio_stream = app.operator_stream(&caio, None).await;
    let card = board.card(&app, &admin, 0, json!({"title": "Live"})).await;
    let created = bia_stream.expect("card.created", Duration::from_secs(5)).await;
    assert_eq!(created.data["card_id"], card["id"]);
    assert_eq!(created.data["board_id"].as_str(), Some(board.id.as_str()));
    let res = app.post(&card_path(&card, "/move"), Some(&admin.token), &json!({"stage_id": board.stages[2]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved = bia_stream.expect("card.moved", Duration::from_secs(5)).await;
    assert_eq!(moved.data["stage_id"].as_str(), Some(board.stages[2].as_str()));
    assert_eq!(
        (moved.data["version"].as_i64(), moved.data["by"].as_str()),
        (Some(2), Some(admin.user.id.to_string().as_str()))
    );
    while let Some(event) = caio_stream.next(Duration::from_millis(300)).await {
        assert!(!event.kind.starts_with("card."), "an agent outside the board sees nothing of it: {event:?}");
    }
}

#[tokio::test]
async fn related_cards_show_on_both_sides_across_boards() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let deals = Board::create(&app, &admin, &[bia.user.id]).await;
    let portfolio = Board::create(&app, &admin, &[]).await;
    let deal = deals.card(&app, &admin, 0, json!({"title": "Deal"})).await;
    let client = portfolio.card(&app, &admin, 0, json!({"title": "Client"})).await;
    let res = app.post(&card_path(&deal, "/related"), Some(&admin.token), &json!({"card_id": client["id"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = res.json().await.unwrap();
    assert_eq!(
        (list["items"][0]["title"].as_str(), list["items"][0]["board_name"].as_str()),
        (Some("Client"), Some("Vendas"))
    );
    let back: Value = app.get(&card_path(&client, "/related"), &admin.token).await.json().await.unwrap();
    assert_eq!(back["items"][0]["title"], "Deal", "shown on both cards");
    // Twice is once.
    app.post(&card_path(&client, "/related"), Some(&admin.token), &json!({"card_id": deal["id"]})).await;
    assert_eq!(app.count("SELECT count(*) FROM card_relations"), 1);
    let history: Value = app.get(&portfolio.path("/history"), &admin.token).await.json().await.unwrap();
    assert_eq!(history["items"][0]["action"], "related");

    for body in [json!({"card_id": deal["id"]}), json!({"card_id": Uuid::new_v4()})] {
        let res = app.post(&card_path(&deal, "/related"), Some(&admin.token), &body).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["card_id"], "{body}");
    }
    // Bia sees the deal board only: the portfolio card is neither listed nor linkable for her.
    let hers: Value = app.get(&card_path(&deal, "/related"), &bia.token).await.json().await.unwrap();
    assert!(hers["items"].as_array().unwrap().is_empty());
    let other = deals.card(&app, &admin, 1, json!({"title": "Other deal"})).await;
    let res = app.post(&card_path(&other, "/related"), Some(&bia.token), &json!({"card_id": client["id"]})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["card_id"]);

    let unlink = card_path(&client, &format!("/related/{}", deal["id"].as_str().unwrap()));
    assert_eq!(app.delete(&unlink, &admin.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.delete(&unlink, &admin.token).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.count("SELECT count(*) FROM card_relations"), 0);
}
