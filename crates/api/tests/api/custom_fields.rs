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

    let c: domain::ContactView = app
        .post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "c@x.test"}))
        .await
        .json()
        .await
        .unwrap();
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

#[tokio::test]
async fn admins_rename_fields_and_change_a_selects_options_but_not_key_or_kind() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let other = app.signup("Other", "olga@other.test").await;
    let plan: domain::CustomFieldView = define(
        &app,
        &admin.token,
        json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["básico", "família"]}),
    )
    .await
    .json()
    .await
    .unwrap();
    let lines: domain::CustomFieldView =
        define(&app, &admin.token, json!({"key": "lines", "label": "Linhas", "kind": "number"}))
            .await
            .json()
            .await
            .unwrap();
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let contact = app.ingest_ok(&key.secret, &json!({"email": "a@x.test", "custom_fields": {"plan": "básico"}})).await;
    let path = format!("/api/v1/custom-fields/{}", plan.id);

    let res = app
        .patch(
            &path,
            &admin.token,
            &json!({"label": " Plano contratado ", "options": ["família", " empresa", "família", ""]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let renamed: domain::CustomFieldView = res.json().await.unwrap();
    assert_eq!((renamed.key.as_str(), renamed.label.as_str()), ("plan", "Plano contratado"));
    assert_eq!(renamed.options, ["família", "empresa"]);
    assert_eq!(renamed.kind, domain::CustomFieldKind::Select);

    // The contact keeps its value; new writes must use a current option.
    let card: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", contact.id), &admin.token).await.json().await.unwrap();
    assert_eq!(card.contact.custom_fields["plan"], "básico");
    let stale = app.ingest(&key.secret, &json!({"email": "b@x.test", "custom_fields": {"plan": "básico"}})).await;
    assert_eq!(fields(&problem(stale, StatusCode::UNPROCESSABLE_ENTITY).await), ["custom_fields.plan"]);
    app.ingest_ok(&key.secret, &json!({"email": "b@x.test", "custom_fields": {"plan": "empresa"}})).await;

    for (id, body, field) in [
        (lines.id, json!({"options": ["1", "2"]}), "options"),
        (plan.id, json!({"options": [" "]}), "options"),
        (plan.id, json!({"label": "  "}), "label"),
        (plan.id, json!({"label": "x".repeat(81)}), "label"),
    ] {
        let res = app.patch(&format!("/api/v1/custom-fields/{id}"), &admin.token, &body).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{body}");
    }
    problem(app.patch(&path, &agent.token, &json!({"label": "Agent"})).await, StatusCode::FORBIDDEN).await;
    problem(app.patch(&path, &other.token, &json!({"label": "Theirs"})).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.count("SELECT count(*) FROM custom_field_definitions WHERE label = 'Plano contratado'"), 1);
}
