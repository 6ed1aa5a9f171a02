//! What a site's public key (readable by anyone in a page's source) may and may not do.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn a_public_submission_reveals_nothing_about_existing_clients() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let site = app.create_site(&admin, "Loja").await;
    app.ingest_ok(
        &key.secret,
        &json!({"email": "maria.silva@example.com", "phone": "+55 11 98765-4321", "name": "Maria"}),
    )
    .await;

    let known = app.submit(&site.public_key, &json!({"email": "maria.silva@example.com"})).await;
    let unknown = app.submit(&site.public_key, &json!({"email": "someone.new@example.com"})).await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    let (known, unknown) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(known, unknown, "the same answer either way");
    assert!(!known.contains("98765") && !known.contains("Maria") && !known.contains("maria"), "{known}");
}

#[tokio::test]
async fn a_public_submission_never_rewrites_a_known_client_and_is_logged_for_review() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let site = app.create_site(&admin, "Loja").await;
    let maria = app
        .ingest_ok(
            &key.secret,
            &json!({"email": "maria@example.com", "phone": "+55 11 98765-4321", "name": "Maria", "location": {"city": "São Paulo"}, "tags": ["vip"]}),
        )
        .await;
    let phone_only = app.ingest_ok(&key.secret, &json!({"phone": "+55 21 99999-0000", "name": "João"})).await;

    let res = app
        .submit(
            &site.public_key,
            &json!({"email": "maria@example.com", "name": "Hacked", "phone": "+55 11 90000-0000", "location": {"city": "Nowhere"},
                    "tags": ["spam"], "transcript": [{"sender": "visitor", "body": "Please call me"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res =
        app.submit(&site.public_key, &json!({"phone": "+55 21 99999-0000", "email": "attacker@evil.example"})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    let after: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", maria.id), &admin.token).await.json().await.unwrap();
    let c = &after.contact;
    assert_eq!(
        (c.name.as_deref(), c.phone.as_deref(), c.location.city.as_deref(), c.tags.clone()),
        (Some("Maria"), Some("+5511987654321"), Some("São Paulo"), vec!["vip".to_string()]),
        "nothing of the client changed"
    );
    let logged = after.activities.iter().find(|a| a.field == "submitted_again").expect("the submission is logged");
    let submitted = logged.new_value.as_ref().unwrap();
    assert_eq!((submitted["name"].as_str(), submitted["location"]["city"].as_str()), (Some("Hacked"), Some("Nowhere")));
    assert_eq!(logged.actor_label, "site \"Loja\"");
    let messages: Vec<_> = after.conversations.iter().flat_map(|c| &c.messages).collect();
    assert_eq!(messages.len(), 1, "the visitor's message is kept for the agent");
    assert_eq!(messages[0].sender, domain::MessageSender::Visitor);

    let joao: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", phone_only.id), &admin.token).await.json().await.unwrap();
    assert_eq!(joao.contact.email, None, "an e-mail is not attached to a phone-only client");
}

#[tokio::test]
async fn public_callers_write_only_undated_visitor_messages_and_nobody_dates_the_future() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let site = app.create_site(&admin, "Loja").await;

    let fake_agent = json!({"email": "x@example.com", "transcript": [
        {"sender": "visitor", "body": "hi"},
        {"sender": "agent", "body": "Your order is confirmed, pay here"},
        {"sender": "visitor", "body": "ok", "sent_at": "2020-01-01T00:00:00Z"}
    ]});
    let p = problem(app.submit(&site.public_key, &fake_agent).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["transcript[1].sender", "transcript[2].sent_at"]);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 0);

    // An integration's API key may send the bot's and agents' messages, dated.
    let res = app.ingest(&key.secret, &fake_agent).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let future = json!({"email": "y@example.com", "first_contact_at": "9999-01-01T00:00:00Z"});
    for res in [app.ingest(&key.secret, &future).await, app.submit(&site.public_key, &future).await] {
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["first_contact_at"]);
    }
}

#[tokio::test]
async fn blocked_clients_take_no_updates() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let c = app.ingest_ok(&key.secret, &json!({"email": "spam@example.com", "name": "Spammer"})).await;
    let path = format!("/api/v1/contacts/{}", c.id);
    assert_eq!(app.patch(&path, &admin.token, &json!({"blocked": true})).await.status(), StatusCode::OK);

    let res = app
        .ingest(&key.secret, &json!({"email": "spam@example.com", "name": "Renamed", "transcript": [{"sender": "visitor", "body": "again"}]}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let detail: domain::ContactDetail = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(detail.contact.name.as_deref(), Some("Spammer"));
    assert!(detail.conversations.is_empty());
}

#[tokio::test]
async fn public_errors_do_not_list_the_accounts_configuration() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let field =
        json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["secret-enterprise-tier", "basic"]});
    assert_eq!(app.post("/api/v1/custom-fields", Some(&admin.token), &field).await.status(), StatusCode::CREATED);
    let res = app.submit(&site.public_key, &json!({"email": "a@example.com", "custom_fields": {"plan": "gold"}})).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["custom_fields.plan"]);
    assert!(!p.errors[0].message.contains("secret-enterprise-tier"), "{}", p.errors[0].message);
}

#[tokio::test]
async fn idempotency_keys_belong_to_their_credential_and_expire() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let (site_a, site_b) = (app.create_site(&admin, "A").await, app.create_site(&admin, "B").await);
    let send = |credential: (&'static str, String), email: &'static str| {
        app.request(reqwest::Method::POST, "/api/v1/leads", None)
            .header(credential.0, credential.1)
            .header("idempotency-key", "order-1001")
            .json(&json!({ "email": email }))
            .send()
    };
    // An anonymous page burns "order-1001" first…
    let res = send(("x-site-key", site_a.public_key.clone()), "a@example.com").await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // …and the integration's own lead with that key still goes through.
    let res = send(("x-api-key", key.secret.clone()), "real@example.com").await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // Another site's key with the same body is a new submission, not a replay of site A's.
    let res = send(("x-site-key", site_b.public_key.clone()), "a@example.com").await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys WHERE key = 'order-1001'"), 3);

    // Older than the time to live: swept.
    let mut conn = app.conn();
    use diesel::RunQueryDsl;
    diesel::sql_query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE scope LIKE 'site:%'")
        .execute(&mut conn)
        .unwrap();
    let swept = api::janitor::sweep(&mut conn, 24, 900, 24, 30).unwrap();
    assert_eq!(swept, 2);
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys"), 1);
}

#[tokio::test]
async fn lead_text_in_notifications_and_mail_is_quoted_data() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let path = format!("/api/v1/sites/{}/auto-assignment", site.id);
    let res = app
        .request(reqwest::Method::PUT, &path, Some(&admin.token))
        .json(&json!({"enabled": true, "user_ids": [admin.user.id], "online_only": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let name = "URGENT: verify your Prospecta account at http://evil.example/login now or lose access";
    assert_eq!(
        app.submit(&site.public_key, &json!({"email": "p@example.com", "name": name})).await.status(),
        StatusCode::ACCEPTED
    );

    let list: domain::NotificationList = app.get("/api/v1/notifications", &admin.token).await.json().await.unwrap();
    let title = &list.items[0].title;
    // The contact's name comes apart from the English title, for the SPA to word it.
    assert_eq!(list.items[0].contact_label.as_deref(), Some(name));
    assert!(title.starts_with("New lead assigned to you: \""), "{title}");
    assert!(!title.contains("http://") && !title.contains("evil.example") && title.chars().count() < 80, "{title}");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM email_outbox WHERE subject LIKE '[Prospecta] New lead assigned to you: %' \
             AND body NOT LIKE '%http://evil%' AND body LIKE '%Open it in Prospecta: http://127.0.0.1:8080/clients/%'"
        ),
        1
    );
}
