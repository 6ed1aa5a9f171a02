//! The live-chat desk end to end through the API: bot, Inbox, accept race, reply, close,
//! stats, visibility, transfer, invite, block, bad input.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{fields, problem, TestApp};

#[tokio::test]
async fn a_visitor_chats_with_the_bot_then_an_operator_accepts_replies_and_closes() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let (v, chat) = app.start_chat(&site.public_key, "pt-BR").await;
    assert_eq!(chat["status"], "bot");
    assert_eq!(chat["messages"][0]["sender"], "bot");
    assert_eq!(chat["messages"][0]["body"], "Olá! Qual é o seu nome?");
    // Not in the Inbox while the bot asks.
    assert_eq!(app.desk(&admin, "inbox").await["items"].as_array().unwrap().len(), 0);

    assert_eq!(app.visitor_says(&v, "Bruna Lima").await.status(), StatusCode::CREATED);
    assert_eq!(app.visitor_says(&v, "not an e-mail").await.status(), StatusCode::CREATED);
    let chat = app.visitor_chat(&v).await;
    let last = chat["messages"].as_array().unwrap().last().unwrap().clone();
    assert!(last["body"].as_str().unwrap().starts_with("Isso não parece um e-mail válido."), "{last}");
    assert_eq!(chat["status"], "bot");
    assert_eq!(app.visitor_says(&v, "Bruna@Example.com").await.status(), StatusCode::CREATED);
    assert_eq!(app.visitor_chat(&v).await["status"], "waiting");

    let inbox = app.desk(&admin, "inbox").await;
    let item = &inbox["items"][0];
    assert_eq!(item["id"], v.conversation_id.to_string());
    assert_eq!(item["contact_label"], "Bruna Lima");
    assert_eq!(item["site_name"], "Loja");
    assert_eq!(item["page_url"], "https://acme.test/precos");

    let res = app.act(&admin, v.conversation_id, "accept").await;
    assert_eq!(res.status(), StatusCode::OK);
    let accepted: Value = res.json().await.unwrap();
    assert_eq!(accepted["status"], "active");
    assert_eq!(accepted["owner_id"], admin.user.id.to_string());
    let contact_id = accepted["contact_id"].as_str().unwrap().to_string();
    let contact: Value = app.get(&format!("/api/v1/contacts/{contact_id}"), &admin.token).await.json().await.unwrap();
    assert_eq!(contact["contact"]["assignee_id"], admin.user.id.to_string(), "accepting assigns the contact");
    assert_eq!(contact["contact"]["email"], "bruna@example.com");
    assert_eq!(contact["contact"]["channel"], "live_chat");
    assert_eq!(contact["contact"]["source"], "google");

    let res = app
        .post(
            &format!("/api/v1/conversations/{}/messages", v.conversation_id),
            Some(&admin.token),
            &json!({"body": "Oi Bruna!"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.visitor_says(&v, "Oi! Quanto custa?").await.status(), StatusCode::CREATED);
    let chat = app.visitor_chat(&v).await;
    let reply = chat["messages"].as_array().unwrap().iter().find(|m| m["body"] == "Oi Bruna!").unwrap().clone();
    assert_eq!(reply["sender"], "agent");
    assert_eq!(reply["author_name"], "Admin", "the visitor sees the operator's first name");
    assert_eq!(app.desk(&admin, "mine").await["items"][0]["id"], v.conversation_id.to_string());

    let res = app.act(&admin, v.conversation_id, "close").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.act(&admin, v.conversation_id, "close").await.status(), StatusCode::CONFLICT);
    assert_eq!(app.visitor_chat(&v).await["status"], "closed");
    assert_eq!(app.visitor_says(&v, "ainda aí?").await.status(), StatusCode::CONFLICT);

    let all = app.desk(&admin, "all").await;
    let closed = &all["items"][0];
    assert_eq!(closed["id"], v.conversation_id.to_string());
    let stats = &closed["stats"];
    assert_eq!(stats["visitor_messages"], 4);
    assert_eq!(stats["operator_messages"], 1);
    assert_eq!(stats["bot_messages"], 4, "two questions, one retry, the thank-you");
    assert_eq!(stats["operator_ids"], json!([admin.user.id]));
    assert!(stats["wait_secs"].is_i64() && stats["first_response_secs"].is_i64() && stats["duration_secs"].is_i64());
    assert_eq!(all["totals"]["conversations"], 1);
    assert_eq!(all["totals"]["messages"], closed["stats"]["visitor_messages"].as_i64().unwrap() + 1 + 4 + 2);

    // The client screen shows the same transcript.
    let contact: Value = app.get(&format!("/api/v1/contacts/{contact_id}"), &admin.token).await.json().await.unwrap();
    let transcript: Vec<String> = contact["conversations"][0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    let desk: Value =
        app.get(&format!("/api/v1/conversations/{}", v.conversation_id), &admin.token).await.json().await.unwrap();
    let desk_transcript: Vec<String> =
        desk["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap().to_string()).collect();
    assert_eq!(transcript, desk_transcript);
    assert!(transcript.contains(&"Oi Bruna!".to_string()));

    // "Join chat" reopens it under the caller, who can write to the client again.
    let res = app.act(&admin, v.conversation_id, "join").await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            &format!("/api/v1/conversations/{}/messages", v.conversation_id),
            Some(&admin.token),
            &json!({"body": "Voltei"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.visitor_chat(&v).await["status"], "active");
}

#[tokio::test]
async fn the_bot_takes_a_name_not_a_sentence_and_moves_on_after_asking_once_more() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let bodies = |chat: &Value| -> Vec<String> {
        chat["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap().to_string()).collect()
    };

    // A question first: asked again, in the visitor's language; then "Meu nome é …" is a name.
    let (v, _) = app.start_chat(&site.public_key, "pt-BR").await;
    let question = "Oi, quero saber o preço do plano anual";
    app.visitor_says(&v, question).await;
    let chat = app.visitor_chat(&v).await;
    assert_eq!(bodies(&chat)[1..], [question, "Desculpe, não entendi o seu nome. Olá! Qual é o seu nome?"]);
    app.visitor_says(&v, "Meu nome é Carla Mendes.").await;
    assert_eq!(bodies(&app.visitor_chat(&v).await).last().unwrap(), "Qual é o seu e-mail?");
    app.visitor_says(&v, "carla@example.com").await;
    let inbox = app.desk(&admin, "inbox").await;
    assert_eq!(inbox["items"][0]["contact_label"], "Carla Mendes");

    // Two sentences in a row: the bot moves on without a name; the client is not named after
    // the sentence, and the transcript keeps both whole.
    let (v, _) = app.start_chat(&site.public_key, "en").await;
    app.visitor_says(&v, "Hi! How much is the yearly plan?").await;
    assert!(bodies(&app.visitor_chat(&v).await).last().unwrap().starts_with("Sorry, I did not catch your name."));
    app.visitor_says(&v, "I just want the price").await;
    let chat = app.visitor_chat(&v).await;
    assert_eq!(bodies(&chat).last().unwrap(), "What is your e-mail address?");
    assert!(bodies(&chat).contains(&"Hi! How much is the yearly plan?".to_string()));
    app.visitor_says(&v, "lead@example.com").await;
    let contact_id = app.visitor_chat(&v).await["contact_id"].as_str().map(str::to_string);
    let names = app.count("SELECT count(*) FROM contacts WHERE name ILIKE '%price%' OR name ILIKE '%plan%'");
    assert_eq!(names, 0, "{contact_id:?}");
}

#[tokio::test]
async fn of_twenty_concurrent_accepts_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let mut operators = Vec::new();
    for i in 0..20 {
        operators.push(app.create_user(&admin, &format!("op{i}@acme.test"), "agent").await);
    }
    let attempts = operators.iter().map(|op| app.act(op, v.conversation_id, "accept"));
    let results = futures_util::future::join_all(attempts).await;
    let statuses: Vec<StatusCode> = results.iter().map(|r| r.status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 19, "{statuses:?}");
    let winner = operators.iter().zip(&statuses).find(|(_, s)| **s == StatusCode::OK).unwrap().0;
    for op in &operators {
        assert_eq!(app.desk(op, "inbox").await["items"].as_array().unwrap().len(), 0, "it left every inbox");
    }
    assert_eq!(app.desk(winner, "mine").await["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM messages WHERE conversation_id = '{}' AND sender = 'system'",
            v.conversation_id
        )),
        1
    );
}

#[tokio::test]
async fn agents_see_the_inbox_and_their_own_conversations_only_and_other_accounts_see_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let colleague = app.create_user(&admin, "caio@acme.test", "agent").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let path = format!("/api/v1/conversations/{}", v.conversation_id);
    assert_eq!(app.get(&path, &colleague.token).await.status(), StatusCode::OK, "the Inbox is everyone's");
    assert_eq!(app.act(&agent, v.conversation_id, "accept").await.status(), StatusCode::OK);
    assert_eq!(app.get(&path, &colleague.token).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path, &admin.token).await.status(), StatusCode::OK, "admins see all");
    let res = app.post(&format!("{path}/messages"), Some(&colleague.token), &json!({"body": "hi"})).await;
    problem(res, StatusCode::NOT_FOUND).await;
    // An admin who is not in it may still write (stepping in), but an agent may not.
    let res = app.post(&format!("{path}/messages"), Some(&admin.token), &json!({"body": "admin here"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let stranger = app.signup("Other", "zed@other.test").await;
    assert_eq!(app.get(&path, &stranger.token).await.status(), StatusCode::NOT_FOUND);
    for action in ["accept", "close", "join", "ignore", "block"] {
        assert_eq!(app.act(&stranger, v.conversation_id, action).await.status(), StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(app.desk(&stranger, "inbox").await["items"].as_array().unwrap().len(), 0);
    assert_eq!(app.desk(&stranger, "all").await["totals"]["conversations"], 0);
}

#[tokio::test]
async fn ignore_hides_a_conversation_from_one_operator_for_a_while() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    assert_eq!(app.act(&agent, v.conversation_id, "ignore").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.desk(&agent, "inbox").await["items"].as_array().unwrap().len(), 0);
    assert_eq!(app.desk(&admin, "inbox").await["items"].as_array().unwrap().len(), 1, "only for the one who ignored");
    // Its time is up: back in the Inbox, and the operator is told.
    let mut stream = app.operator_stream(&agent, None).await;
    let mut conn = app.conn();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE conversation_ignores SET until = now() - interval '1 second'"),
        &mut conn,
    )
    .unwrap();
    assert_eq!(app.desk(&agent, "inbox").await["items"].as_array().unwrap().len(), 1);
    let event = stream.expect("conversation.ignore_expired", Duration::from_secs(10)).await;
    assert_eq!(event.data["conversation_id"], v.conversation_id.to_string());
}

#[tokio::test]
async fn transfer_and_invite_hand_over_and_bring_in_colleagues_who_are_notified() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let colleague = app.create_user(&admin, "caio@acme.test", "agent").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let id = v.conversation_id;
    assert_eq!(app.act(&agent, id, "accept").await.status(), StatusCode::OK);
    let to_colleague = json!({"user_id": colleague.user.id});
    let res = app.post(&format!("/api/v1/conversations/{id}/invite"), Some(&agent.token), &to_colleague).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["participant_ids"], json!([colleague.user.id]));
    let res = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            Some(&colleague.token),
            &json!({"body": "Oi, sou o Caio"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "invited operators reply too");
    assert_eq!(app.desk(&colleague, "mine").await["items"].as_array().unwrap().len(), 1);
    let res = app.post(&format!("/api/v1/conversations/{id}/invite"), Some(&agent.token), &to_colleague).await;
    problem(res, StatusCode::CONFLICT).await;

    // Only the owner (or an admin) transfers.
    let to_admin = json!({"user_id": admin.user.id});
    let res = app.post(&format!("/api/v1/conversations/{id}/transfer"), Some(&colleague.token), &to_admin).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .post(&format!("/api/v1/conversations/{id}/transfer"), Some(&agent.token), &json!({"user_id": Uuid::new_v4()}))
        .await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["user_id"]);
    let res = app.post(&format!("/api/v1/conversations/{id}/transfer"), Some(&agent.token), &to_colleague).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["owner_id"], colleague.user.id.to_string());
    assert_eq!(body["participant_ids"], json!([]));
    let kinds = app.count(&format!(
        "SELECT count(*) FROM notifications WHERE user_id = '{}' AND kind IN ('conversation_invited', 'conversation_transferred')",
        colleague.user.id
    ));
    assert_eq!(kinds, 2);
    let chat = app.visitor_chat(&v).await;
    let bodies: Vec<&str> = chat["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert!(bodies.contains(&"Caio was invited to the chat."), "{bodies:?}");
    assert!(bodies.contains(&"The chat was transferred to Caio."), "{bodies:?}");
}

#[tokio::test]
async fn a_blocked_visitor_can_neither_send_nor_start_until_an_admin_unblocks() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let v = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    assert_eq!(app.act(&agent, v.conversation_id, "accept").await.status(), StatusCode::OK);
    let res = app.act(&agent, v.conversation_id, "block").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "closed");
    assert_eq!(body["blocked"], true);
    problem(app.visitor_says(&v, "hello?").await, StatusCode::FORBIDDEN).await;
    // A fresh token from the same address is refused too.
    let res = app
        .visitor_request(Method::POST, "/api/v1/visitor/conversations", &site.public_key, None)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::FORBIDDEN).await;
    let unblock = format!("/api/v1/conversations/{}/block", v.conversation_id);
    problem(app.delete(&unblock, &agent.token).await, StatusCode::FORBIDDEN).await;
    assert_eq!(app.delete(&unblock, &admin.token).await.status(), StatusCode::OK);
    let res = app
        .visitor_request(Method::POST, "/api/v1/visitor/conversations", &site.public_key, Some(&v.token))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "a new conversation after the closed one");
}

#[tokio::test]
async fn bad_visitor_input_gets_clear_4xx_answers() {
    let app = TestApp::spawn_with(|c| c.visitor_messages_per_minute = 8).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let (v, _) = app.start_chat(&site.public_key, "en").await;
    for (body, field) in [
        (json!({"body": ""}), "body"),
        (json!({"body": "x".repeat(5001)}), "body"),
        (json!({"body": "a\u{0}b"}), "body"),
    ] {
        let path = format!("/api/v1/visitor/conversations/{}/messages", v.conversation_id);
        let res =
            app.visitor_request(Method::POST, &path, &v.site_key, Some(&v.token)).json(&body).send().await.unwrap();
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field]);
    }
    let res = app
        .visitor_request(Method::POST, "/api/v1/visitor/conversations", "site_nope", None)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    let path = format!("/api/v1/visitor/conversations/{}", v.conversation_id);
    let res = app.visitor_request(Method::GET, &path, &v.site_key, Some("vt_forged")).send().await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    // Another visitor's conversation is not there for this one.
    let (other, _) = app.start_chat(&site.public_key, "en").await;
    let path = format!("/api/v1/visitor/conversations/{}", other.conversation_id);
    let res = app.visitor_request(Method::GET, &path, &v.site_key, Some(&v.token)).send().await.unwrap();
    problem(res, StatusCode::NOT_FOUND).await;
    // A token of one site does not work on another.
    let site2 = app.create_site(&admin, "Outra").await;
    let path = format!("/api/v1/visitor/conversations/{}", v.conversation_id);
    let res = app.visitor_request(Method::GET, &path, &site2.public_key, Some(&v.token)).send().await.unwrap();
    problem(res, StatusCode::UNAUTHORIZED).await;
    // Over the message rate: 429 with Retry-After.
    let mut last = None;
    for i in 0..10 {
        let res = app.visitor_says(&v, &format!("msg {i}")).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            last = Some(res);
            break;
        }
    }
    let res = last.expect("the limit bites");
    assert!(res.headers().get("retry-after").is_some());
    problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    // Bad details: the field is named.
    let path = format!("/api/v1/visitor/conversations/{}/details", other.conversation_id);
    let res = app
        .visitor_request(Method::POST, &path, &other.site_key, Some(&other.token))
        .json(&json!({"email": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["email"]);
    let res = app
        .visitor_request(Method::POST, &path, &other.site_key, Some(&other.token))
        .json(&json!({"phone": "12"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["phone"]);
}

#[tokio::test]
async fn a_visitor_who_is_a_known_client_joins_that_client_without_changing_it() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let known = app.ingest_ok(&key.secret, &json!({"name": "Bruna Original", "email": "bruna@example.com"})).await;
    let before = app.count("SELECT count(*) FROM contacts");
    let (v, _) = app.start_chat(&site.public_key, "en").await;
    assert_eq!(app.count("SELECT count(*) FROM contacts"), before + 1, "an anonymous contact");
    let path = format!("/api/v1/visitor/conversations/{}/details", v.conversation_id);
    let send = |body: Value| app.visitor_request(Method::POST, &path, &v.site_key, Some(&v.token)).json(&body).send();
    let res = send(json!({"name": "Impostor", "email": "BRUNA@example.com", "message": "Oi"})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let chat: Value = res.json().await.unwrap();
    assert_eq!(chat["status"], "waiting", "a message from the offline form enters the Inbox");
    assert_eq!(app.count("SELECT count(*) FROM contacts"), before, "the anonymous contact went");
    let contact: Value = app.get(&format!("/api/v1/contacts/{}", known.id), &admin.token).await.json().await.unwrap();
    assert_eq!(contact["contact"]["name"], "Bruna Original", "an anonymous source changes no client data");
    assert_eq!(contact["conversations"].as_array().unwrap().len(), 1);
    let detail: Value =
        app.get(&format!("/api/v1/conversations/{}", v.conversation_id), &admin.token).await.json().await.unwrap();
    assert_eq!(detail["contact"]["id"], known.id.to_string());
}

#[tokio::test]
async fn all_finds_closed_conversations_by_words_site_tag_and_operator() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    let a = app.waiting_chat(&site.public_key, "Bruna", "bruna@example.com").await;
    let b = app.waiting_chat(&site.public_key, "Carla", "carla@example.com").await;
    assert_eq!(
        app.visitor_says(&a, "Preciso de orçamentos para entregas em Campinas").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.visitor_says(&b, "I am looking for delivery prices").await.status(), StatusCode::CREATED);
    assert_eq!(app.act(&agent, a.conversation_id, "accept").await.status(), StatusCode::OK);
    assert_eq!(app.act(&admin, b.conversation_id, "accept").await.status(), StatusCode::OK);
    let tag = app
        .post(
            &format!("/api/v1/conversations/{}/tags", a.conversation_id),
            Some(&agent.token),
            &json!({"tag": "orçamento"}),
        )
        .await;
    assert_eq!(tag.status(), StatusCode::OK);
    for (op, id) in [(&agent, a.conversation_id), (&admin, b.conversation_id)] {
        assert_eq!(app.act(op, id, "close").await.status(), StatusCode::OK);
    }
    let ids = |list: Value| -> Vec<String> {
        list["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
    };
    let search = |q: &str| {
        let path = format!("/api/v1/conversations?view=all&{q}");
        let (app, token) = (&app, admin.token.clone());
        async move { app.get(&path, &token).await }
    };
    // Stemmed: "entrega" finds "entregas", "price" finds "prices".
    assert_eq!(ids(search("q=entrega").await.json().await.unwrap()), [a.conversation_id.to_string()]);
    assert_eq!(ids(search("q=price").await.json().await.unwrap()), [b.conversation_id.to_string()]);
    assert_eq!(ids(search("tag=or%C3%A7amento").await.json().await.unwrap()), [a.conversation_id.to_string()]);
    assert_eq!(
        ids(search(&format!("operator_id={}", agent.user.id)).await.json().await.unwrap()),
        [a.conversation_id.to_string()]
    );
    assert_eq!(ids(search(&format!("site_id={}", site.id)).await.json().await.unwrap()).len(), 2);
    assert_eq!(ids(search("from=2999-01-01T00:00:00Z").await.json().await.unwrap()).len(), 0);
    // The agent sees only the one that was theirs (its contact is assigned to them).
    assert_eq!(ids(app.desk(&agent, "all").await), [a.conversation_id.to_string()]);
    // An operator who answered and then transferred the chat took part in it too.
    let c = app.waiting_chat(&site.public_key, "Dora", "dora@example.com").await;
    let id = c.conversation_id;
    assert_eq!(app.act(&agent, id, "accept").await.status(), StatusCode::OK);
    let path = format!("/api/v1/conversations/{id}/messages");
    assert_eq!(app.post(&path, Some(&agent.token), &json!({"body": "Oi Dora"})).await.status(), StatusCode::CREATED);
    let to_admin = json!({"user_id": admin.user.id});
    let res = app.post(&format!("/api/v1/conversations/{id}/transfer"), Some(&agent.token), &to_admin).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.act(&admin, id, "close").await.status(), StatusCode::OK);
    let mut theirs = ids(search(&format!("operator_id={}", agent.user.id)).await.json().await.unwrap());
    theirs.sort();
    let mut expected = vec![a.conversation_id.to_string(), id.to_string()];
    expected.sort();
    assert_eq!(theirs, expected);
    let res = search("limit=0").await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["limit"]);
    let res = search("cursor=nope").await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["cursor"]);
}

/// System lines are stored as a code and parameters beside the visitor's text: each
/// operator reads them in their own language, the visitor in the chat's.
#[tokio::test]
async fn system_lines_read_in_each_readers_language() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let (visitor, _) = app.start_chat(&site.public_key, "pt-BR").await;
    assert_eq!(app.visitor_says(&visitor, "Maria").await.status(), StatusCode::CREATED);
    assert_eq!(app.visitor_says(&visitor, "maria@x.test").await.status(), StatusCode::CREATED);
    let id = visitor.conversation_id;
    assert_eq!(app.act(&admin, id, "accept").await.status(), StatusCode::OK);
    let mut stream = app.operator_stream(&admin, None).await;
    assert_eq!(app.act(&admin, id, "close").await.status(), StatusCode::OK);

    // The operator's stream (their recorded language: English) and their screen in each language.
    let closing = loop {
        let event = stream.expect("message.created", Duration::from_secs(5)).await;
        if event.data["message"]["sender"] == "system" {
            break event;
        }
    };
    assert_eq!(closing.data["message"]["body"], "The chat was closed.");
    assert_eq!(closing.data["message"]["note"], json!({"code": "closed"}));
    let last_line = |lang: &'static str| {
        let app = &app;
        let token = admin.token.clone();
        async move {
            let detail: Value = app
                .client
                .get(format!("{}/api/v1/conversations/{id}", app.base))
                .bearer_auth(token)
                .header("accept-language", lang)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            detail["messages"].as_array().unwrap().last().unwrap()["body"].as_str().unwrap().to_string()
        }
    };
    assert_eq!(last_line("en").await, "The chat was closed.");
    assert_eq!(last_line("pt-BR").await, "A conversa foi encerrada.");
    // Stored, and shown to the visitor, in the chat's language.
    let chat = app.visitor_chat(&visitor).await;
    let lines: Vec<&str> = chat["messages"].as_array().unwrap().iter().filter_map(|m| m["body"].as_str()).collect();
    assert_eq!(lines.last(), Some(&"A conversa foi encerrada."));
}
