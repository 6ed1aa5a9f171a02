use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn a_lead_becomes_a_contact_with_its_origin_and_transcript() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let field = app
        .post("/api/v1/custom-fields", Some(&admin.token), &json!({"key": "plano", "label": "Plano", "kind": "text"}))
        .await;
    assert_eq!(field.status(), StatusCode::CREATED);

    let res = app
        .ingest(
            &key.secret,
            &json!({
                "site_id": site.id, "channel": "chatbot", "name": "Maria Silva", "email": "Maria@Example.com",
                "phone": "(11) 98765-4321", "page_url": "https://loja.test/planos", "source": "google", "medium": "cpc",
                "campaign": "bf", "ip": "203.0.113.9", "rating": 4, "tags": ["quente", "quente", " vip "],
                "location": {"city": "São Paulo", "country": "BR"}, "custom_fields": {"plano": "família"},
                "transcript": [
                    {"sender": "bot", "body": "Olá! Qual é o seu nome?"},
                    {"sender": "visitor", "body": "Maria"},
                    {"sender": "agent", "body": "Oi Maria, sou a Ana."}
                ]
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let out: domain::IngestLeadResponse = res.json().await.unwrap();
    let c = &out.contact;
    assert!(out.created);
    assert_eq!(c.email.as_deref(), Some("maria@example.com"));
    assert_eq!(c.phone.as_deref(), Some("+5511987654321"));
    assert_eq!(c.whatsapp_url.as_deref(), Some("https://wa.me/5511987654321"));
    assert_eq!(
        (c.channel, c.status, c.site_id),
        (domain::Channel::Chatbot, domain::ContactStatus::ToContact, Some(site.id))
    );
    assert_eq!(c.tags, ["quente", "vip"]);
    assert_eq!(c.location.city.as_deref(), Some("São Paulo"));

    let detail: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", c.id), &admin.token).await.json().await.unwrap();
    let conv = &detail.conversations[0];
    assert_eq!(Some(conv.id), out.conversation_id);
    let senders: Vec<_> = conv.messages.iter().map(|m| m.sender).collect();
    use domain::MessageSender::*;
    assert_eq!(senders, [Bot, Visitor, Agent]);
    assert_eq!(detail.activities.last().unwrap().actor_label, "API key \"Chatbot\"");
}

#[tokio::test]
async fn leads_with_a_known_email_or_phone_update_the_same_contact() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let first = app.ingest_ok(&key.secret, &json!({"email": "joao@x.test", "source": "facebook", "tags": ["a"]})).await;

    let res = app.ingest(&key.secret, &json!({"email": "JOAO@x.test", "phone": "+55 21 99999-0000", "name": "João", "source": "google", "tags": ["b"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second: domain::IngestLeadResponse = res.json().await.unwrap();
    assert!(!second.created);
    assert_eq!(second.contact.id, first.id);
    assert_eq!(second.contact.name.as_deref(), Some("João"));
    assert_eq!(second.contact.source.as_deref(), Some("facebook"), "the first origin is kept");
    assert_eq!(second.contact.tags, ["a", "b"]);

    let by_phone = app.ingest_ok(&key.secret, &json!({"phone": "21 99999 0000", "location": {"city": "Rio"}})).await;
    assert_eq!(by_phone.id, first.id);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);

    // E-mail of one contact, phone of another: the e-mail's contact is updated and keeps
    // its own phone (a known contact's e-mail and phone are only filled when empty).
    let other = app.ingest_ok(&key.secret, &json!({"email": "maria@x.test", "phone": "+55 11 98888-0000"})).await;
    let res = app
        .ingest(
            &key.secret,
            &json!({"email": "maria@x.test", "phone": "+55 21 99999-0000", "location": {"city": "Niterói"}}),
        )
        .await;
    let updated: domain::IngestLeadResponse = res.json().await.unwrap();
    assert_eq!(updated.contact.id, other.id);
    assert_eq!(updated.contact.phone.as_deref(), Some("+5511988880000"));
    assert_eq!(updated.contact.location.city.as_deref(), Some("Niterói"));
    let by_other_phone = app.ingest_ok(&key.secret, &json!({"email": "nobody@x.test", "phone": "11 98888 0000"})).await;
    assert_eq!(by_other_phone.id, other.id, "an unknown e-mail falls back to the phone");
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 2);
}

#[tokio::test]
async fn an_idempotency_key_makes_retries_return_the_first_response() {
    let app = TestApp::spawn_with(|c| c.db_pool_size = 8).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let body = json!({"email": "retry@x.test", "transcript": [{"sender": "visitor", "body": "oi"}]});
    let send = || {
        app.request(Method::POST, "/api/v1/leads", None)
            .header("x-api-key", &key.secret)
            .header("idempotency-key", "lead-42")
            .json(&body)
            .send()
    };
    let responses = futures_util::future::join_all((0..8).map(|_| send())).await;
    let mut bodies = Vec::new();
    for res in responses {
        let res = res.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "every retry sees the first response");
        bodies.push(res.json::<serde_json::Value>().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);
    assert_eq!(app.count("SELECT count(*) FROM conversations"), 1);

    let other = app
        .request(Method::POST, "/api/v1/leads", None)
        .header("x-api-key", &key.secret)
        .header("idempotency-key", "lead-42")
        .json(&json!({"email": "someone-else@x.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(other, StatusCode::UNPROCESSABLE_ENTITY).await), ["Idempotency-Key"]);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);
}

#[tokio::test]
async fn a_site_key_sends_form_leads_for_its_site() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let send = |key: &str| {
        app.request(Method::POST, "/api/v1/leads", None)
            .header("x-site-key", key.to_string())
            .json(&json!({"email": "f@x.test"}))
            .send()
    };
    let res = send(&site.public_key).await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let receipt: domain::LeadReceipt = res.json().await.unwrap();
    assert!(receipt.received);
    let page: domain::ContactPage = app.get("/api/v1/contacts", &admin.token).await.json().await.unwrap();
    assert_eq!((page.items[0].site_id, page.items[0].channel), (Some(site.id), domain::Channel::Form));
    problem(send("site_unknown").await.unwrap(), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn bad_leads_are_refused_with_the_field_named_and_nothing_written() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let other = app.signup("Other", "o@other.test").await;
    let foreign_site = app.create_site(&other, "Not yours").await;

    let cases = [
        (json!({"email": "not-an-email"}), vec!["email"]),
        (json!({"phone": "call me maybe"}), vec!["phone"]),
        (json!({"name": "No way to reach me"}), vec!["email", "phone"]),
        (json!({"email": "a@x.test", "site_id": foreign_site.id}), vec!["site_id"]),
        (json!({"email": "a@x.test", "rating": 7}), vec!["rating"]),
        (json!({"email": "a@x.test", "transcript": [{"sender": "robot", "body": "hi"}]}), vec!["transcript[0].sender"]),
        (json!({"email": "a@x.test", "custom_fields": {"undefined_field": 1}}), vec!["custom_fields.undefined_field"]),
    ];
    for (body, expected) in cases {
        let p = problem(app.ingest(&key.secret, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&p), expected, "{body}");
    }
    let read_only = app.create_api_key(&admin, &["contacts:read"]).await;
    problem(app.ingest(&read_only.secret, &json!({"email": "a@x.test"})).await, StatusCode::FORBIDDEN).await;
    problem(app.ingest("psk_nope", &json!({"email": "a@x.test"})).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 0);
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys"), 0);
}
