//! Deleting clients (one, or in bulk) with a tombstone in the account's audit, and the bulk
//! actions (assign, status, tags) over selected ids or all ids matching a filter.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::cards::{card_path, contact, Board};
use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn deleting_a_client_removes_its_data_keeps_its_cards_and_leaves_a_tombstone() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let lead = app
        .ingest_ok(
            &key.secret,
            &json!({"name": "Rita", "email": "rita@example.com", "transcript": [{"sender": "visitor", "body": "Oi"}]}),
        )
        .await;
    let rita = lead.id.to_string();
    let path = format!("/api/v1/contacts/{rita}");
    assert_eq!(app.post(&format!("{path}/notes"), Some(&admin.token), &json!({"body": "ligar"})).await.status(), 201);
    let res = app.post("/api/v1/tasks", Some(&admin.token), &json!({"title": "call", "contact_id": rita})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let call = json!({"direction": "outbound", "outcome": "answered"});
    assert_eq!(app.post(&format!("{path}/calls"), Some(&admin.token), &call).await.status(), 201);
    let board = Board::create(&app, &admin, &[]).await;
    let deal = board.card(&app, &admin, 0, json!({"contact_id": rita, "title": "Rita — plano"})).await;

    // Agents may not; another account does not see it.
    problem(app.delete(&path, &bia.token).await, StatusCode::FORBIDDEN).await;
    let other = app.signup("Other", "otto@other.test").await;
    problem(app.delete(&path, &other.token).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = '{rita}'")), 1);

    assert_eq!(app.delete(&path, &admin.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.get(&path, &admin.token).await, StatusCode::NOT_FOUND).await;
    for table in ["conversations", "contact_notes", "contact_calls", "tasks", "contact_activities"] {
        assert_eq!(app.count(&format!("SELECT count(*) FROM {table} WHERE contact_id = '{rita}'")), 0, "{table}");
    }
    assert_eq!(app.count("SELECT count(*) FROM messages"), 0);
    // The deal stays, without its client, one version on.
    let card: Value = app.get(&card_path(&deal, ""), &admin.token).await.json().await.unwrap();
    assert!(card["contact_id"].is_null(), "{card}");
    assert_eq!(card["version"].as_i64(), Some(deal["version"].as_i64().unwrap() + 1));
    problem(app.delete(&path, &admin.token).await, StatusCode::NOT_FOUND).await;

    // The audit: who, when, how many; nothing of Rita herself.
    let audit: Value = app.get("/api/v1/audit", &admin.token).await.json().await.unwrap();
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "contact.deleted");
    assert_eq!(entry["subject_id"].as_str(), Some(rita.as_str()));
    assert_eq!(entry["actor"], "Admin");
    assert_eq!(
        entry["details"],
        json!({"contact_id": rita, "conversations": 1, "notes": 1, "calls": 1, "files": 0, "tasks": 1, "cards_unlinked": 1, "cards_deleted": 0})
    );
    assert!(!audit.to_string().contains("rita@example.com"));
    problem(app.get("/api/v1/audit", &bia.token).await, StatusCode::FORBIDDEN).await;
    for (query, field) in [("before=0", "before"), ("limit=0", "limit")] {
        let refused =
            problem(app.get(&format!("/api/v1/audit?{query}"), &admin.token).await, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        assert_eq!(fields(&refused), [field]);
    }
    let theirs: Value = app.get("/api/v1/audit", &other.token).await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));

    // With its cards.
    let caio = contact(&app, &admin, "Caio").await;
    let his = board.card(&app, &admin, 0, json!({"contact_id": caio, "title": "Caio — fibra"})).await;
    let res = app.delete(&format!("/api/v1/contacts/{caio}?delete_cards=true"), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    problem(app.get(&card_path(&his, ""), &admin.token).await, StatusCode::NOT_FOUND).await;
    let audit: Value = app.get("/api/v1/audit?limit=1", &admin.token).await.json().await.unwrap();
    assert_eq!(audit["items"][0]["details"]["cards_deleted"], 1);
    let before = audit["next_before"].as_i64().expect("an older entry");
    let older: Value = app.get(&format!("/api/v1/audit?before={before}"), &admin.token).await.json().await.unwrap();
    assert_eq!(older["items"][0]["subject_id"].as_str(), Some(rita.as_str()));
    assert!(older["next_before"].is_null());
}

#[tokio::test]
async fn bulk_actions_change_each_selected_client_the_caller_may_change() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let mut ids = Vec::new();
    for name in ["Davi", "Eva", "Fabio", "Gil"] {
        ids.push(contact(&app, &admin, name).await);
    }
    let post = |path: &'static str, token: String, body: Value| {
        let app = &app;
        async move { app.post(&format!("/api/v1/contacts/bulk/{path}"), Some(&token), &body).await }
    };

    // Assign three to Bia: logged on each, Bia told of each.
    let res = post("assign", admin.token.clone(), json!({"ids": &ids[..3], "assignee_id": bia.user.id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"changed": 3, "unchanged": 0, "not_found": []}));
    assert_eq!(app.count("SELECT count(*) FROM contact_activities WHERE field = 'assignee_id'"), 3);
    assert_eq!(app.count(&format!("SELECT count(*) FROM notifications WHERE user_id = '{}'", bia.user.id)), 3);
    problem(
        post("assign", bia.token.clone(), json!({"ids": &ids[..1], "assignee_id": null})).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Bia changes the status of hers; Gil is not hers and comes back as not found.
    let res = post("status", bia.token.clone(), json!({"ids": &ids, "status": "in_progress"})).await;
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["changed"], 3);
    assert_eq!(done["not_found"], json!([ids[3]]));
    assert_eq!(app.count("SELECT count(*) FROM contacts WHERE status = 'in_progress'"), 3);
    let again: Value = post("status", bia.token.clone(), json!({"ids": &ids[..3], "status": "in_progress"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((again["changed"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(3)));

    // Tags: added and removed, each once.
    let res = post("tags", admin.token.clone(), json!({"ids": &ids, "add": ["vip", "feira"]})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["changed"], 4);
    let res = post("tags", admin.token.clone(), json!({"ids": &ids[..2], "add": ["novo"], "remove": ["feira"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let davi: Value = app.get(&format!("/api/v1/contacts/{}", ids[0]), &admin.token).await.json().await.unwrap();
    assert_eq!(davi["contact"]["tags"], json!(["vip", "novo"]));
    assert!(davi["activities"].as_array().unwrap().iter().any(|a| a["field"] == "tags"));

    // Bad requests name their field and write nothing.
    let many: Vec<Uuid> = (0..501).map(|_| Uuid::new_v4()).collect();
    for (body, field) in [
        (json!({"ids": many, "status": "won"}), "ids"),
        (json!({"ids": [], "status": "won"}), "ids"),
        (json!({"ids": &ids, "status": "maybe"}), "status"),
    ] {
        let p = problem(post("status", admin.token.clone(), body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&p), [field]);
    }
    let p =
        problem(post("tags", admin.token.clone(), json!({"ids": &ids})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["add"]);
    let thirty: Vec<String> = (0..29).map(|i| format!("t{i}")).collect();
    let p = problem(
        post("tags", admin.token.clone(), json!({"ids": &ids, "add": thirty})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["tags"], "31 tags on a client");
    assert_eq!(app.count("SELECT count(*) FROM contacts WHERE 't0' = ANY(tags)"), 0, "the whole chunk rolled back");

    // Another account's ids are not found, and untouched.
    let other = app.signup("Other", "otto@other.test").await;
    let theirs = contact(&app, &other, "Otto").await;
    let done: Value =
        post("status", admin.token.clone(), json!({"ids": [theirs], "status": "lost"})).await.json().await.unwrap();
    assert_eq!(done["not_found"], json!([theirs]));

    // Bulk delete: admins only, counted, each with its tombstone.
    problem(post("delete", bia.token.clone(), json!({"ids": &ids[..2]})).await, StatusCode::FORBIDDEN).await;
    let done: Value =
        post("delete", admin.token.clone(), json!({"ids": [&ids[0], &ids[1], theirs]})).await.json().await.unwrap();
    assert_eq!((done["changed"].as_i64(), &done["not_found"]), (Some(2), &json!([theirs])));
    assert_eq!(app.count("SELECT count(*) FROM account_audit WHERE action = 'contact.deleted'"), 2);
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = '{theirs}'")), 1);
}

#[tokio::test]
async fn all_ids_matching_a_filter_are_listed_for_the_caller() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let mut ids = Vec::new();
    for name in ["Hugo", "Iara", "Joana"] {
        ids.push(contact(&app, &admin, name).await);
    }
    let body = json!({"ids": &ids[..2], "add": ["feira"]});
    assert_eq!(app.post("/api/v1/contacts/bulk/tags", Some(&admin.token), &body).await.status(), StatusCode::OK);
    let body = json!({"ids": [&ids[1]], "assignee_id": bia.user.id});
    assert_eq!(app.post("/api/v1/contacts/bulk/assign", Some(&admin.token), &body).await.status(), StatusCode::OK);

    let list: Value = app.get("/api/v1/contacts/ids?tag=feira", &admin.token).await.json().await.unwrap();
    let mut listed: Vec<String> = list["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().into()).collect();
    listed.sort();
    let mut expected = ids[..2].to_vec();
    expected.sort();
    assert_eq!((listed, &list["truncated"]), (expected, &json!(false)));
    let hers: Value = app.get("/api/v1/contacts/ids", &bia.token).await.json().await.unwrap();
    assert_eq!(hers["ids"], json!([ids[1]]));
    let res = app.request(Method::GET, "/api/v1/contacts/ids?rating=9", Some(&admin.token)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
