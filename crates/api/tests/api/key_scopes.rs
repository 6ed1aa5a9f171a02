//! API keys over every resource: each operation open to keys names its scope in the spec,
//! a key without it gets 403 naming it, a key with it gets in, and operations for people
//! only refuse keys whatever their scopes.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{problem, TestApp};

const ALL_SCOPES: [&str; 10] = [
    "leads:ingest",
    "contacts:read",
    "contacts:write",
    "conversations:read",
    "boards:read",
    "boards:write",
    "tasks:read",
    "tasks:write",
    "users:read",
    "webhooks:manage",
];

/// Every operation in the served spec: (method, path template, the scope an API key needs
/// when keys may call it).
async fn operations(app: &TestApp) -> Vec<(Method, String, Option<String>)> {
    let spec: Value =
        app.client.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else { continue };
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let key = security.iter().find_map(|r| r.get("api_key")).map(|scopes| {
                let bearer = security.iter().find_map(|r| r.get("api_key_bearer"));
                assert_eq!(bearer, Some(scopes), "{method} {path}: a key's two headers need the same scopes");
                scopes.as_array().unwrap().first().and_then(Value::as_str).unwrap_or_default().to_string()
            });
            ops.push((method, path.clone(), key));
        }
    }
    ops
}

/// The path with made-up ids, and a JSON body for the methods that take one.
fn call(app: &TestApp, method: &Method, template: &str, secret: &str, bearer: bool) -> reqwest::RequestBuilder {
    let path: String = template
        .split('/')
        .map(|seg| if seg.starts_with('{') { Uuid::new_v4().to_string() } else { seg.to_string() })
        .collect::<Vec<_>>()
        .join("/");
    let req = app.request(method.clone(), &path, None);
    let req = if bearer { req.bearer_auth(secret) } else { req.header("x-api-key", secret) };
    if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        req.json(&json!({}))
    } else {
        req
    }
}

#[tokio::test]
async fn every_operation_open_to_keys_refuses_a_key_without_its_scope_and_admits_one_with_it() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let ops = operations(&app).await;
    let keyed: Vec<_> = ops.iter().filter_map(|(m, p, s)| Some((m, p, s.as_ref()?))).collect();
    assert!(keyed.len() >= 60, "contacts, boards, cards, tasks, conversations and users are open to keys");
    for scope in ALL_SCOPES {
        assert!(keyed.iter().any(|(_, _, s)| s.as_str() == scope), "no operation needs `{scope}`");
    }
    let mut keys = std::collections::HashMap::new();
    for scope in ALL_SCOPES {
        let others: Vec<&str> = ALL_SCOPES.iter().copied().filter(|s| *s != scope).collect();
        let without = app.create_api_key(&admin, &others).await.secret;
        let with = app.create_api_key(&admin, &[scope]).await.secret;
        keys.insert(scope, (without, with));
    }
    for (i, (method, template, scope)) in keyed.iter().enumerate() {
        if scope.is_empty() {
            continue; // any live key (whoami)
        }
        let (without, with) = &keys[scope.as_str()];
        let bearer = i % 2 == 0; // both ways of sending a key
        let res = call(&app, method, template, without, bearer).send().await.unwrap();
        let refused = problem(res, StatusCode::FORBIDDEN).await;
        assert!(
            refused.detail.as_deref().unwrap_or_default().contains(&format!("`{scope}`")),
            "{method} {template}: the 403 names `{scope}`: {refused:?}"
        );
        let res = call(&app, method, template, with, bearer).send().await.unwrap();
        let status = res.status();
        assert!(
            !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) && !status.is_server_error(),
            "{method} {template} with `{scope}`: {status} {}",
            res.text().await.unwrap()
        );
    }
}

#[tokio::test]
async fn operations_for_people_refuse_every_key() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let all = app.create_api_key(&admin, &ALL_SCOPES).await.secret;
    let ops = operations(&app).await;
    let people_only: Vec<_> = ops
        .iter()
        .filter(|(_, path, scope)| scope.is_none() && path.starts_with("/api/v1/") && !path.contains("/visitor/"))
        .filter(|(_, path, _)| !path.starts_with("/api/v1/auth/") && !path.ends_with("/invitations/accept"))
        .filter(|(_, path, _)| path != "/api/v1/events") // a ticket, not a header
        .collect();
    assert!(people_only.iter().any(|(m, p, _)| *m == Method::POST && p == "/api/v1/api-keys"));
    for (method, template, _) in people_only {
        let res = call(&app, method, template, &all, false).send().await.unwrap();
        let refused = problem(res, StatusCode::UNAUTHORIZED).await;
        assert!(
            refused.detail.as_deref().unwrap_or_default().contains("API keys cannot call this operation"),
            "{method} {template}: {refused:?}"
        );
    }
    // A revoked or made-up key is a 401 before anything else.
    let res = call(&app, &Method::GET, "/api/v1/contacts", "psk_made_up", false).send().await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_integration_works_on_clients_cards_and_tasks_and_change_logs_name_its_key() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let other = app.signup("Other", "olga@other.test").await;
    let created = app.create_api_key(&admin, &ALL_SCOPES).await;
    let key = created.secret.as_str();
    let with_key = |method: Method, path: &str| app.request(method, path, None).header("x-api-key", key);

    let foreign = app
        .ingest_ok(&app.create_api_key(&other, &["leads:ingest"]).await.secret, &json!({"email": "x@other.test"}))
        .await;
    let lead = app.ingest_ok(key, &json!({"name": "Maria", "email": "maria@example.com"})).await;

    // Clients: listed (both ways of sending the key), edited, noted; another account's stay unseen.
    let page: Value =
        app.request(Method::GET, "/api/v1/contacts", Some(key)).send().await.unwrap().json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let res = with_key(Method::GET, &format!("/api/v1/contacts/{}", foreign.id)).send().await.unwrap();
    problem(res, StatusCode::NOT_FOUND).await;
    let res = with_key(Method::PATCH, &format!("/api/v1/contacts/{}", lead.id))
        .json(&json!({"status": "in_progress", "assignee_id": admin.user.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let res = with_key(Method::POST, &format!("/api/v1/contacts/{}/notes", lead.id))
        .json(&json!({"body": "Called from the ERP"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let detail: Value = app.get(&format!("/api/v1/contacts/{}", lead.id), &admin.token).await.json().await.unwrap();
    let label = format!("API key \"{}\"", created.key.name);
    let activity = detail["activities"].as_array().unwrap();
    assert!(activity.iter().any(|a| a["field"] == "status" && a["actor_label"] == label.as_str()), "{activity:?}");
    assert!(activity.iter().all(|a| a["actor_user_id"].is_null()));

    // A board, a card for the client, a move, a comment, a checklist item, a file.
    let board: Value = with_key(Method::POST, "/api/v1/boards")
        .json(&json!({"name": "Sales", "template": "sales_pipeline"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stages = board["stages"].as_array().unwrap();
    let card: Value = with_key(Method::POST, &format!("/api/v1/boards/{}/cards", board["id"].as_str().unwrap()))
        .json(&json!({"title": "Maria's plan", "stage_id": stages[0]["id"], "contact_id": lead.id,
                      "value": {"amount": "1200.00", "currency": "BRL"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let card_id = card["id"].as_str().unwrap_or_else(|| panic!("{card}"));
    let res = with_key(Method::POST, &format!("/api/v1/cards/{card_id}/move"))
        .json(&json!({"stage_id": stages[1]["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let res = with_key(Method::POST, &format!("/api/v1/cards/{card_id}/comments"))
        .json(&json!({"body": "Signed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let res = with_key(Method::POST, &format!("/api/v1/cards/{card_id}/checklist"))
        .json(&json!({"text": "Send the contract"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let bytes = b"%PDF-1.4 contract".to_vec();
    let uploaded: Value = with_key(Method::POST, &format!("/api/v1/cards/{card_id}/attachments?filename=contract.pdf"))
        .header("content-type", "application/pdf")
        .body(bytes.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let download = with_key(
        Method::GET,
        &format!(
            "/api/v1/cards/{card_id}/attachments/{}",
            uploaded["id"].as_str().unwrap_or_else(|| panic!("{uploaded}"))
        ),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(download.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let history: Value = app
        .get(&format!("/api/v1/boards/{}/history", board["id"].as_str().unwrap()), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let entries = history["items"].as_array().unwrap();
    assert!(!entries.is_empty() && entries.iter().all(|e| e["actor_label"] == label.as_str()), "{entries:?}");
    let comments: Value =
        app.get(&format!("/api/v1/cards/{card_id}/comments"), &admin.token).await.json().await.unwrap();
    assert_eq!(comments["items"][0]["author_label"], label.as_str(), "{comments}");

    // Tasks: a key names who does it.
    let res = with_key(Method::POST, "/api/v1/tasks").json(&json!({"title": "Call back"})).send().await.unwrap();
    assert_eq!(crate::helpers::fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["assignee_id"]);
    let res = with_key(Method::POST, "/api/v1/tasks")
        .json(&json!({"title": "Call back", "assignee_id": admin.user.id, "contact_id": lead.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let tasks: Value = app.get("/api/v1/tasks", &admin.token).await.json().await.unwrap();
    assert_eq!(tasks["items"][0]["title"], "Call back");

    // Users and conversations can be read.
    let users: Value = with_key(Method::GET, "/api/v1/users").send().await.unwrap().json().await.unwrap();
    assert_eq!(users["items"][0]["email"], "ana@acme.test");
    let res = with_key(Method::GET, "/api/v1/conversations?view=all").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_persons_token_beside_a_key_is_the_persons_call_but_where_only_keys_go() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let ingest_only = app.create_api_key(&admin, &["leads:ingest"]).await.secret;
    let both = |method: Method, path: &str| {
        app.request(method, path, Some(&admin.token)).header("x-api-key", ingest_only.as_str())
    };
    // The key alone may not list users; with the admin's token beside it, the admin does.
    let res = app.request(Method::GET, "/api/v1/users", None).header("x-api-key", ingest_only.as_str()).send().await;
    problem(res.unwrap(), StatusCode::FORBIDDEN).await; // users:read missing
    let res = both(Method::GET, "/api/v1/users").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = both(Method::POST, "/api/v1/api-keys").json(&json!({"name": "x", "scopes": ["tasks:read"]})).send().await;
    assert_eq!(res.unwrap().status(), StatusCode::CREATED, "a people-only operation, as the admin");
    // Where only a key is taken (leads), the key is what counts: its change log names it.
    let res = both(Method::POST, "/api/v1/leads").json(&json!({"email": "lead@example.com"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let lead: Value = res.json().await.unwrap();
    let id = lead["contact"]["id"].as_str().unwrap().to_string();
    let detail: Value = app.get(&format!("/api/v1/contacts/{id}"), &admin.token).await.json().await.unwrap();
    let created = detail["activities"].as_array().unwrap().iter().find(|a| a["field"] == "created").cloned();
    assert_eq!(created.unwrap()["actor_label"], "API key \"Chatbot\"", "{detail}");
    // A revoked key beside a token is not looked at; a bad token beside a key is still a 401.
    let res = app
        .request(Method::GET, "/api/v1/users", Some("not-a-token"))
        .header("x-api-key", ingest_only.as_str())
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
}
