use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn calls_are_logged_listed_and_kept_in_the_change_log() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let new = |name: &str, email: &str| json!({"name": name, "email": email});
    let rita: domain::ContactView =
        app.post("/api/v1/contacts", Some(&admin.token), &new("Rita", "rita@x.test")).await.json().await.unwrap();
    let path = format!("/api/v1/contacts/{}/calls", rita.id);

    let call = json!({"direction": "outbound", "outcome": "answered", "duration_secs": 330, "note": " Quer proposta "});
    let res = app.post(&path, Some(&admin.token), &call).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let logged: domain::CallView = res.json().await.unwrap();
    assert_eq!((logged.duration_secs, logged.note.as_str()), (Some(330), "Quer proposta"));
    assert_eq!(logged.user_id, Some(admin.user.id));
    let earlier = chrono::Utc::now() - chrono::Duration::days(2);
    let missed = json!({"direction": "inbound", "outcome": "no_answer", "called_at": earlier});
    assert_eq!(app.post(&path, Some(&admin.token), &missed).await.status(), StatusCode::CREATED);

    let list: domain::CallList = app.get(&path, &admin.token).await.json().await.unwrap();
    let outcomes: Vec<domain::CallOutcome> = list.items.iter().map(|c| c.outcome).collect();
    assert_eq!(outcomes, [domain::CallOutcome::Answered, domain::CallOutcome::NoAnswer], "newest first");
    let detail: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", rita.id), &admin.token).await.json().await.unwrap();
    let logged: Vec<&Value> =
        detail.activities.iter().filter(|a| a.field == "call").filter_map(|a| a.new_value.as_ref()).collect();
    assert_eq!(logged.iter().map(|v| v["outcome"].as_str().unwrap()).collect::<Vec<_>>(), ["no_answer", "answered"]);

    // Out of range, in the future, malformed: each names its field; nothing is written.
    for (body, field) in [
        (json!({"direction": "outbound", "outcome": "answered", "duration_secs": 86401}), "duration_secs"),
        (
            json!({"direction": "outbound", "outcome": "answered", "called_at": chrono::Utc::now() + chrono::Duration::hours(2)}),
            "called_at",
        ),
        (json!({"direction": "sideways", "outcome": "answered"}), "direction"),
        (json!({"direction": "outbound", "outcome": "answered", "note": "x".repeat(5001)}), "note"),
    ] {
        let p = problem(app.post(&path, Some(&admin.token), &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&p), [field], "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM contact_calls"), 2);

    // An agent the client is not assigned to does not see it; another account neither.
    problem(app.get(&path, &bia.token).await, StatusCode::NOT_FOUND).await;
    problem(app.post(&path, Some(&bia.token), &call).await, StatusCode::NOT_FOUND).await;
    let other = app.signup("Other", "otto@other.test").await;
    problem(app.get(&path, &other.token).await, StatusCode::NOT_FOUND).await;
    problem(app.post(&path, Some(&other.token), &call).await, StatusCode::NOT_FOUND).await;
    // Assigned to her, she logs and reads them.
    let assign = json!({"assignee_id": bia.user.id});
    assert_eq!(app.patch(&format!("/api/v1/contacts/{}", rita.id), &admin.token, &assign).await.status(), 200);
    assert_eq!(app.post(&path, Some(&bia.token), &call).await.status(), StatusCode::CREATED);
    let list: domain::CallList = app.get(&path, &bia.token).await.json().await.unwrap();
    assert_eq!(list.items.len(), 3);
    assert_eq!(list.items[0].user_id, Some(bia.user.id));

    // Merged into another client, the calls follow.
    let dup: domain::ContactView =
        app.post("/api/v1/contacts", Some(&admin.token), &new("Rita B", "rita.b@x.test")).await.json().await.unwrap();
    let merge = json!({"source_id": rita.id});
    let res = app.post(&format!("/api/v1/contacts/{}/merge", dup.id), Some(&admin.token), &merge).await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved: domain::CallList =
        app.get(&format!("/api/v1/contacts/{}/calls", dup.id), &admin.token).await.json().await.unwrap();
    assert_eq!(moved.items.len(), 3);
}

#[tokio::test]
async fn an_operator_logs_a_call_from_a_chat_of_a_client_assigned_to_nobody() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let site = app.create_site(&admin, "Loja").await;
    let visitor = app.waiting_chat(&site.public_key, "Maria", "maria@x.test").await;
    assert_eq!(app.act(&bia, visitor.conversation_id, "accept").await.status(), StatusCode::OK);
    let chat: Value = app
        .get(&format!("/api/v1/conversations/{}", visitor.conversation_id), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let contact = chat["contact"]["id"].as_str().unwrap().to_string();
    let assign = |to: Value| json!({"assignee_id": to});
    let contact_path = format!("/api/v1/contacts/{contact}");
    // The client is nobody's: Bia only took the chat.
    assert_eq!(app.patch(&contact_path, &admin.token, &assign(Value::Null)).await.status(), 200);

    let path = format!("/api/v1/contacts/{contact}/calls");
    let call = json!({"direction": "outbound", "outcome": "voicemail", "conversation_id": visitor.conversation_id});
    let res = app.post(&path, Some(&bia.token), &call).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let logged: domain::CallView = res.json().await.unwrap();
    assert_eq!(logged.conversation_id, Some(visitor.conversation_id));
    assert_eq!(app.get(&path, &bia.token).await.status(), StatusCode::OK);

    // Once the client is another user's, the chat grants nothing.
    assert_eq!(app.patch(&contact_path, &admin.token, &assign(json!(admin.user.id))).await.status(), 200);
    problem(app.get(&path, &bia.token).await, StatusCode::NOT_FOUND).await;
    problem(app.post(&path, Some(&bia.token), &call).await, StatusCode::NOT_FOUND).await;

    // Another client's conversation is refused by name.
    let other: domain::ContactView = app
        .post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Outra", "email": "outra@x.test"}))
        .await
        .json()
        .await
        .unwrap();
    let res = app.post(&format!("/api/v1/contacts/{}/calls", other.id), Some(&admin.token), &call).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["conversation_id"]);

    // The desk report counts the call for Bia.
    let today = chrono::Utc::now().date_naive();
    let report: Value =
        app.get(&format!("/api/v1/reports/desk?from={today}&to={today}"), &admin.token).await.json().await.unwrap();
    assert_eq!(report["calls"], 1, "{report}");
    let row = report["by_operator"].as_array().unwrap().iter().find(|r| r["key"] == bia.user.id.to_string()).unwrap();
    assert_eq!(row["calls"], 1, "{report}");
}
