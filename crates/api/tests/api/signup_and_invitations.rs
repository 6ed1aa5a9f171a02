//! Sign-up by e-mail verification and users by invitation: neither tells the caller whether
//! an address belongs to some account.

use diesel::RunQueryDsl;
use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::{fields, problem, TestApp, PASSWORD};

/// Status, content type and body: everything a caller could compare.
async fn answer(res: Response) -> (StatusCode, Option<String>, String) {
    let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
    (res.status(), kind, res.text().await.unwrap())
}

fn signup_body(email: &str) -> serde_json::Value {
    json!({"account_name": "Other Co", "name": "Someone", "email": email, "password": PASSWORD})
}

#[tokio::test]
async fn signup_answers_the_same_for_a_taken_address_and_only_its_owner_hears_of_it() {
    let app = TestApp::spawn_with(|c| c.public_url = "https://crm.example.com".into()).await;
    app.signup("Acme", "ana@acme.test").await;

    let taken = answer(app.post("/api/v1/auth/signup", None, &signup_body("ANA@acme.test")).await).await;
    let free = answer(app.post("/api/v1/auth/signup", None, &signup_body("new@other.test")).await).await;
    assert_eq!(taken, free);
    assert_eq!(taken.0, StatusCode::ACCEPTED);

    // Nothing exists before the address is confirmed.
    assert_eq!(app.count("SELECT count(*) FROM accounts"), 1);
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'new@other.test'"), 0);
    assert_eq!(app.count("SELECT count(*) FROM signup_requests WHERE email = 'ana@acme.test'"), 0);

    let (subject, body) = app.last_mail("ana@acme.test");
    assert!(subject.contains("already have an account"), "{subject}");
    assert!(body.contains("https://crm.example.com/forgot-password") && !body.contains("token="), "{body}");
    let (subject, body) = app.last_mail("new@other.test");
    assert!(subject.contains("Confirm your e-mail"), "{subject}");
    assert!(body.contains("https://crm.example.com/verify-email?token=sv_"), "links start at PUBLIC_URL: {body}");
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE account_id IS NULL"), 3);

    // The link creates the account and signs its admin in, once.
    let token = app.mailed_token("new@other.test", "/verify-email?token=");
    let res = app.post("/api/v1/auth/signup/confirm", None, &json!({"token": token})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.headers()["set-cookie"].to_str().unwrap().starts_with("prospecta_refresh="));
    let tokens: domain::TokenResponse = res.json().await.unwrap();
    assert_eq!((tokens.user.email.as_str(), tokens.user.role), ("new@other.test", domain::Role::Admin));
    let me: domain::MeResponse = app.get("/api/v1/me", &tokens.access_token).await.json().await.unwrap();
    assert_eq!(me.account.name, "Other Co");
    assert_eq!(app.login("new@other.test", PASSWORD).await.status(), StatusCode::OK);

    let again = app.post("/api/v1/auth/signup/confirm", None, &json!({"token": token})).await;
    assert_eq!(fields(&problem(again, StatusCode::UNPROCESSABLE_ENTITY).await), ["token"]);
    assert_eq!(app.count("SELECT count(*) FROM accounts"), 2);
}

#[tokio::test]
async fn a_signup_link_expires_and_a_second_request_for_the_address_dies_with_the_first() {
    let app = TestApp::spawn().await;
    app.post("/api/v1/auth/signup", None, &signup_body("late@x.test")).await;
    let late = app.mailed_token("late@x.test", "/verify-email?token=");
    diesel::sql_query("UPDATE signup_requests SET expires_at = now() - interval '1 second'")
        .execute(&mut app.conn())
        .unwrap();
    let res = app.post("/api/v1/auth/signup/confirm", None, &json!({"token": late})).await;
    assert!(problem(res, StatusCode::UNPROCESSABLE_ENTITY).await.errors[0].message.contains("expired"));

    // Two requests for one address: whichever link is opened first wins; the other dies.
    app.post("/api/v1/auth/signup", None, &signup_body("twice@x.test")).await;
    let first = app.mailed_token("twice@x.test", "/verify-email?token=");
    app.post("/api/v1/auth/signup", None, &signup_body("twice@x.test")).await;
    let second = app.mailed_token("twice@x.test", "/verify-email?token=");
    assert_ne!(first, second);
    let res = app.post("/api/v1/auth/signup/confirm", None, &json!({"token": second})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app.post("/api/v1/auth/signup/confirm", None, &json!({"token": first})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["token"]);
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'twice@x.test'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM accounts"), 1);
}

#[tokio::test]
async fn inviting_another_accounts_address_looks_like_inviting_a_new_one() {
    let app = TestApp::spawn().await;
    let acme = app.signup("Acme", "ana@acme.test").await;
    let other = app.signup("Other", "olga@other.test").await;

    let invite = |email: &str| json!({"email": email, "name": "Invitee", "role": "agent"});
    let foreign = app.post("/api/v1/invitations", Some(&acme.token), &invite("olga@other.test")).await;
    let fresh = app.post("/api/v1/invitations", Some(&acme.token), &invite("nova@x.test")).await;
    assert_eq!((foreign.status(), fresh.status()), (StatusCode::CREATED, StatusCode::CREATED));
    let (foreign, fresh): (domain::InvitationView, domain::InvitationView) =
        (foreign.json().await.unwrap(), fresh.json().await.unwrap());
    assert_eq!(
        (foreign.name.as_str(), foreign.role, foreign.invited_by),
        (fresh.name.as_str(), fresh.role, fresh.invited_by),
        "the same answer apart from the address and ids"
    );

    // Olga hears of it by e-mail, with no link that could work; her own login is untouched.
    let (_, body) = app.last_mail("olga@other.test");
    assert!(body.contains("already signs in to another Prospecta account") && !body.contains("token="), "{body}");
    let list: domain::InvitationList = app.get("/api/v1/invitations", &acme.token).await.json().await.unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'olga@other.test'"), 1);
    let me: domain::MeResponse = app.get("/api/v1/me", &other.token).await.json().await.unwrap();
    assert_eq!(me.account.name, "Other");

    // Another account sees none of them and cannot revoke them.
    let list: domain::InvitationList = app.get("/api/v1/invitations", &other.token).await.json().await.unwrap();
    assert!(list.items.is_empty());
    let path = format!("/api/v1/invitations/{}", fresh.id);
    problem(app.delete(&path, &other.token).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn an_invitee_chooses_a_password_once_and_joins_with_the_role_given() {
    let app = TestApp::spawn_with(|c| c.public_url = "https://crm.example.com".into()).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let body = json!({"email": "Bruno@Acme.test", "name": "Bruno Lima", "role": "admin"});
    assert_eq!(app.post("/api/v1/invitations", Some(&admin.token), &body).await.status(), StatusCode::CREATED);
    let (subject, mail) = app.last_mail("bruno@acme.test");
    assert_eq!(subject, "[Prospecta] You are invited to a Prospecta account", "no chosen text in the subject");
    assert!(mail.contains("\"Admin\" invited you to the Prospecta account \"Acme\""), "{mail}");
    assert!(mail.contains("https://crm.example.com/accept-invitation?token=iv_"), "{mail}");
    let old_token = app.mailed_token("bruno@acme.test", "/accept-invitation?token=");

    // Inviting again replaces the open invitation: one row, and only the new link works.
    let body = json!({"email": "bruno@acme.test", "name": "Bruno Lima", "role": "agent"});
    assert_eq!(app.post("/api/v1/invitations", Some(&admin.token), &body).await.status(), StatusCode::CREATED);
    assert_eq!(app.count("SELECT count(*) FROM invitations"), 1);
    let res = app.post("/api/v1/invitations/accept", None, &json!({"token": old_token, "password": PASSWORD})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["token"]);

    let token = app.mailed_token("bruno@acme.test", "/accept-invitation?token=");
    let short = app.post("/api/v1/invitations/accept", None, &json!({"token": token, "password": "short"})).await;
    assert_eq!(fields(&problem(short, StatusCode::UNPROCESSABLE_ENTITY).await), ["password"]);
    let bruno = app.accept_invitation("bruno@acme.test").await;
    assert_eq!(
        (bruno.user.account_id, bruno.user.role, bruno.user.name.as_str()),
        (admin.user.account_id, domain::Role::Agent, "Bruno Lima")
    );
    let res = app.post("/api/v1/invitations/accept", None, &json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["token"], "a link works once");
    let list: domain::InvitationList = app.get("/api/v1/invitations", &admin.token).await.json().await.unwrap();
    assert!(list.items.is_empty(), "accepted invitations leave the list");

    // A revoked invitation's link stops working.
    let body = json!({"email": "carla@acme.test", "name": "Carla", "role": "agent"});
    let carla: domain::InvitationView =
        app.post("/api/v1/invitations", Some(&admin.token), &body).await.json().await.unwrap();
    let token = app.mailed_token("carla@acme.test", "/accept-invitation?token=");
    let path = format!("/api/v1/invitations/{}", carla.id);
    assert_eq!(app.delete(&path, &admin.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.delete(&path, &admin.token).await, StatusCode::NOT_FOUND).await;
    let res = app.post("/api/v1/invitations/accept", None, &json!({"token": token, "password": PASSWORD})).await;
    problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(app.count("SELECT count(*) FROM users"), 2);
}

#[tokio::test]
async fn an_invitation_to_an_address_that_signed_up_meanwhile_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let body = json!({"email": "dup@x.test", "name": "Dup", "role": "agent"});
    app.post("/api/v1/invitations", Some(&admin.token), &body).await;
    let token = app.mailed_token("dup@x.test", "/accept-invitation?token=");
    app.signup("Dup Co", "dup@x.test").await;

    let res = app.post("/api/v1/invitations/accept", None, &json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["token"]);
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'dup@x.test'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM invitations WHERE accepted_at IS NULL"), 1, "rolled back");
}

#[tokio::test]
async fn invitations_quote_what_the_inviter_chose_and_are_limited_per_account_address_and_invitee() {
    let app = TestApp::spawn_with(|c| {
        c.invitations_per_hour = 4;
        c.invitations_per_address_per_day = 2;
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let phishing = "Locked! Visit https://evil.example/login\n\nSecurity team";
    let body = json!({"email": "target@victim.test", "name": phishing, "role": "agent"});
    assert_eq!(app.post("/api/v1/invitations", Some(&admin.token), &body).await.status(), StatusCode::CREATED);
    let (subject, mail) = app.last_mail("target@victim.test");
    assert!(!subject.contains("Security") && !subject.contains("evil"), "{subject}");
    assert!(!mail.contains("https://evil.example") && mail.contains("evil[.]example"), "{mail}");
    assert!(mail.contains("/login Security team"), "the chosen name stays on one line: {mail}");

    // The same invitee twice a day at most.
    assert_eq!(app.post("/api/v1/invitations", Some(&admin.token), &body).await.status(), StatusCode::CREATED);
    let res = app.post("/api/v1/invitations", Some(&admin.token), &body).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // The account: four an hour, whatever the addresses.
    for n in 0..2 {
        let other = json!({"email": format!("p{n}@victim.test"), "name": "P", "role": "agent"});
        assert_eq!(app.post("/api/v1/invitations", Some(&admin.token), &other).await.status(), StatusCode::CREATED);
    }
    let fifth = json!({"email": "p9@victim.test", "name": "P", "role": "agent"});
    let res = app.post("/api/v1/invitations", Some(&admin.token), &fifth).await;
    problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE to_address LIKE '%@victim.test'"), 4);
    // Another account (from another client address) is not held back by this one.
    let other_admin = app.signup("Other", "olga@other.test").await;
    let res = crate::helpers::client_from("127.0.0.2")
        .post(format!("{}/api/v1/invitations", app.base))
        .bearer_auth(&other_admin.token)
        .json(&json!({"email": "x@third.test", "name": "X", "role": "agent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}
