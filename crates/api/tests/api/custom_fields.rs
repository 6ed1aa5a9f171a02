use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, TestApp};

async fn define(app: &TestApp, token: &str, body: serde_json::Value) -> reqwest::Response {
    app.post("/api/v1/custom-fields", Some(token), &body).await
}

#[tokio::test]
async fn admins_define_custom_fields_and_contact_values_must_fit_them() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;

    assert_eq!(
        define(
            &app,
            &admin.token,
            json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["básico", "família"]})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        define(&app, &admin.token, json!({"key": "lines", "label": "Linhas", "kind": "number"})).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        fields(
            &problem(
                define(&app, &admin.token, json!({"key": "plan", "label": "x", "kind": "text"})).await,
                StatusCode::CONFLICT
            )
            .await
        ),
        ["key"]
    );
    assert_eq!(
        fields(
            &problem(
                define(&app, &admin.token, json!({"key": "Bad Key", "label": "", "kind": "text"})).await,
                StatusCode::UNPROCESSABLE_ENTITY
            )
            .await
        ),
        ["key", "label"]
    );
    assert_eq!(
        fields(
            &problem(
                define(&app, &admin.token, json!({"key": "tier", "label": "Tier", "kind": "select"})).await,
                StatusCode::UNPROCESSABLE_ENTITY
            )
            .await
        ),
        ["options"]
    );
    problem(
        app.post("/api/v1/custom-fields", Some(&agent.token), &json!({"key": "x", "label": "x", "kind": "text"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let list: domain::CustomFieldList = app.get("/api/v1/custom-fields", &agent.token).await.json().await.unwrap();
    assert_eq!(list.items.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["plan", "lines"]);

    let c: domain::ContactView =
        app.post("/api/v1/contacts", Some(&admin.token), &json!({"email": "c@x.test"})).await.json().await.unwrap();
    let path = format!("/api/v1/contacts/{}", c.id);
    let bad = app
        .patch(&path, &admin.token, &json!({"custom_fields": {"plan": "premium", "lines": "3", "colour": "red"}}))
        .await;
    assert_eq!(
        fields(&problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["custom_fields.colour", "custom_fields.lines", "custom_fields.plan"]
    );

    app.patch(&path, &admin.token, &json!({"custom_fields": {"plan": "família", "lines": 3}})).await;
    let merged: domain::ContactView =
        app.patch(&path, &admin.token, &json!({"custom_fields": {"lines": null}})).await.json().await.unwrap();
    assert_eq!(merged.custom_fields, json!({"plan": "família"}), "values merge; null removes one");

    let other = app.signup("Other", "o@other.test").await;
    let plan_id = list.items[0].id;
    problem(app.delete(&format!("/api/v1/custom-fields/{plan_id}"), &other.token).await, StatusCode::NOT_FOUND).await;
    let theirs: domain::CustomFieldList = app.get("/api/v1/custom-fields", &other.token).await.json().await.unwrap();
    assert!(theirs.items.is_empty());
    assert_eq!(
        app.delete(&format!("/api/v1/custom-fields/{plan_id}"), &admin.token).await.status(),
        StatusCode::NO_CONTENT
    );
}
