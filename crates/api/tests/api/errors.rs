use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn oversized_bodies_get_413_and_write_nothing() {
    let app = TestApp::spawn_with(|c| c.json_limit = 1024).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": "x".repeat(2000)})).await;
    problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(app.count("SELECT count(*) FROM sites"), 0);
}

#[tokio::test]
async fn malformed_json_and_wrong_content_types_are_rejected() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app
        .request(Method::POST, "/api/v1/sites", Some(&admin.token))
        .header("content-type", "application/json")
        .body("{\"name\":")
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .request(Method::POST, "/api/v1/sites", Some(&admin.token))
        .header("content-type", "text/plain")
        .body("{\"name\":\"x\"}")
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": 42})).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.errors[0].field, "name");
}

#[tokio::test]
async fn unknown_api_paths_and_bad_ids_are_problem_404s() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    problem(app.get("/api/v1/nothing-here", &admin.token).await, StatusCode::NOT_FOUND).await;
    problem(app.get("/api/v1/sites/not-a-uuid", &admin.token).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_probes_answer() {
    let app = TestApp::spawn().await;
    let res = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("x-request-id").unwrap().len(), 36);

    let res =
        app.client.get(format!("{}/readyz", app.base)).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("x-request-id").unwrap(), "trace-me-42");

    let res = app.client.get(format!("{}/api/v1/me", app.base)).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(problem(res, StatusCode::UNAUTHORIZED).await.request_id.as_deref(), Some("abc-123"));
}

#[tokio::test]
async fn readiness_fails_with_503_when_the_database_is_gone() {
    let app = TestApp::spawn_with(|c| c.database_url = c.database_url.replace("/test_", "/missing_")).await;
    let res = app.client.get(format!("{}/readyz", app.base)).send().await.unwrap();
    problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(app.client.get(format!("{}/healthz", app.base)).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn connections_the_database_dropped_answer_503_once_and_leave_the_pool() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    // Several connections in both pools: requests at once open more than one.
    for _ in 0..3 {
        let batch = (0..8).map(|_| app.get("/api/v1/contacts", &admin.token));
        for res in futures_util::future::join_all(batch).await {
            assert_eq!(res.status(), StatusCode::OK);
        }
    }
    // As a database restart or failover would: every server connection goes away.
    let killed = app.count(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    assert!(killed >= 3, "the pools had connections open: {killed}");
    let mut unavailable = 0;
    loop {
        let res = app.get("/api/v1/contacts", &admin.token).await;
        if res.status() == StatusCode::OK {
            break;
        }
        problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
        unavailable += 1;
        // The first dead connection of each pool (blocking, and the list's async one) fails
        // its request; the others that died with it are found at checkout and replaced.
        assert!(unavailable <= 2, "{unavailable} requests failed for {killed} dead connections");
    }
    for _ in 0..8 {
        assert_eq!(app.get("/api/v1/contacts", &admin.token).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn control_characters_are_refused_with_the_field_named_and_nothing_written() {
    let app = TestApp::spawn().await;
    // Sign-up and login take the text before any account exists.
    let body =
        json!({"account_name": "Acme\u{0}", "name": "Ana", "email": "ana@acme.test", "password": "long enough pw"});
    let p = problem(app.post("/api/v1/auth/signup", None, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!((p.errors[0].field.as_str(), p.errors[0].code.as_str()), ("account_name", "control_character"));
    let login = json!({"email": "ana@acme.test\u{0}", "password": "x"});
    let p = problem(app.post("/api/v1/auth/login", None, &login).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.errors[0].field, "email");
    assert_eq!(app.count("SELECT count(*) FROM accounts"), 0);

    let admin = app.signup("Acme", "ana@acme.test").await;
    let cases = [
        ("/api/v1/sites", json!({"name": "Loja\u{1b}"}), "name"),
        ("/api/v1/invitations", json!({"email": "b@acme.test", "name": "B\u{7f}", "role": "agent"}), "name"),
        (
            "/api/v1/custom-fields",
            json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["a", "b\u{85}"]}),
            "options[1]",
        ),
        ("/api/v1/contacts", json!({"name": "Ana", "email": "ana@x.test", "tags": ["ok", "x\u{0}"]}), "tags[1]"),
    ];
    for (path, body, field) in cases {
        let p = problem(app.post(path, Some(&admin.token), &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p.errors[0].field, field, "{path}");
    }
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let lead = json!({"email": "x@y.test", "transcript": [{"sender": "visitor", "body": "oi\u{0}"}]});
    let p = problem(app.ingest(&key.secret, &lead).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.errors[0].field, "transcript[0].body");
    assert_eq!(app.count("SELECT count(*) FROM sites") + app.count("SELECT count(*) FROM contacts"), 0);

    // Tabs and line breaks are text, not control characters.
    let ok = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": "Loja\tCentro"})).await;
    assert_eq!(ok.status(), StatusCode::CREATED);

    // Query strings too, named by parameter; the echoed field never carries the character.
    let res = app.get("/api/v1/contacts?limit=5&q=a%00b", &admin.token).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.errors[0].field, "q");
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"na\u{1}me": "x"})).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.errors[0].field, "na\\u0001me");
}

#[tokio::test]
async fn bodies_are_closed_objects() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!({"name": "Loja", "nmae": "typo"})).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!((p.errors[0].field.as_str(), p.errors[0].code.as_str()), ("nmae", "unknown_field"));
    let res = app.post("/api/v1/sites", Some(&admin.token), &json!(["Loja", null])).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.errors[0].field, "body");
    assert_eq!(app.count("SELECT count(*) FROM sites"), 0);
}

#[tokio::test]
async fn unsupported_methods_get_405_with_allow_and_head_works_wherever_get_does() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    for (method, path, allow) in [
        (Method::TRACE, "/api/v1/sites", "GET, HEAD, POST"),
        (Method::PUT, "/api/v1/contacts", "GET, HEAD, POST"),
        (Method::PATCH, "/api/v1/contacts/export.csv", "GET, HEAD"),
        (Method::DELETE, "/healthz", "GET, HEAD"),
        (Method::OPTIONS, "/api/v1/users/3f6c1a52-0d1e-4c55-9a43-2a6b1c0e9d10", "GET, HEAD, DELETE, PATCH"),
    ] {
        let res = app.request(method.clone(), path, Some(&admin.token)).send().await.unwrap();
        assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some(allow), "{method} {path}");
        problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    }
    let get = app.get("/api/v1/me", &admin.token).await;
    let head = app.request(Method::HEAD, "/api/v1/me", Some(&admin.token)).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers().get("content-type"), get.headers().get("content-type"));
    assert!(head.bytes().await.unwrap().is_empty());
    let head = app.request(Method::HEAD, "/api/v1/contacts/export.csv", Some(&admin.token)).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["content-type"], "text/csv; charset=utf-8");
    let anonymous = app.request(Method::HEAD, "/api/v1/me", None).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

/// The database's errors are told apart the same way whatever language its server speaks.
/// PostgreSQL 15 has no Portuguese catalogue for the server's own messages (they stay
/// English), so the database is also run in Spanish, which it does translate.
#[tokio::test]
async fn database_errors_are_recognised_whatever_language_the_database_speaks() {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    for locale in ["pt_BR.UTF-8", "es_ES.UTF-8"] {
        let app = TestApp::spawn_with(|c| {
            // Before the server opens its first connection, which then starts in that language.
            let (admin, db) = c.database_url.rsplit_once('/').unwrap();
            let mut conn = PgConnection::establish(&format!("{admin}/postgres")).unwrap();
            diesel::sql_query(format!("ALTER DATABASE {db} SET lc_messages = '{locale}'")).execute(&mut conn).unwrap();
            c.statement_timeout_ms = 300;
        })
        .await;
        let mut plain = PgConnection::establish(&app.database_url).unwrap();
        let err = diesel::sql_query("SELECT 1/0").execute(&mut plain).unwrap_err().to_string();
        if locale.starts_with("es") {
            assert!(err.contains("división por cero"), "the database speaks Spanish: {err}");
        }

        // A statement timeout (57014): 503, not 500.
        let db = api::Db::connect_with_timeout(&app.database_url, 1, 300).unwrap();
        let err = db.run(|conn| Ok(diesel::sql_query("SELECT pg_sleep(2)").execute(conn)?)).await.unwrap_err();
        assert!(matches!(err, api::error::ApiError::Unavailable(_)), "{locale}: {err:?}");

        // Unique violations (23505) told apart by their constraint's name: 409 naming the field.
        let admin = app.signup("Acme", "ana@acme.test").await;
        let client = |email: &str, phone: &str| json!({"name": "Bia", "email": email, "phone": phone});
        let res = app.post("/api/v1/contacts", Some(&admin.token), &client("bia@x.test", "+5511988887777")).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{locale}");
        for (body, field) in
            [(client("bia@x.test", "+5511900001111"), "email"), (client("outra@x.test", "+5511988887777"), "phone")]
        {
            let p = problem(app.post("/api/v1/contacts", Some(&admin.token), &body).await, StatusCode::CONFLICT).await;
            assert_eq!(p.errors[0].field, field, "{locale}");
        }

        // The server ending every session (57P01, as a restart or failover does): 503 once per
        // connection, then served again.
        assert_eq!(app.get("/api/v1/contacts", &admin.token).await.status(), StatusCode::OK);
        let killed = app.count(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        );
        assert!(killed >= 1);
        let mut answers = Vec::new();
        for _ in 0..=killed {
            let status = app.get("/api/v1/contacts", &admin.token).await.status();
            answers.push(status);
            if status == StatusCode::OK {
                break;
            }
        }
        assert_eq!(answers.last(), Some(&StatusCode::OK), "{locale}: {answers:?}");
        assert!(answers.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE), "{answers:?}");
    }
}

/// Problems speak the request's language; what programs read (type, code, field) does not move.
#[tokio::test]
async fn problems_are_written_in_the_requests_language() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let webhook = json!({"url": "ftp://example.com/hook"});
    let send = |lang: &'static str, path: &'static str, body: serde_json::Value| {
        let request = app.request(Method::POST, path, Some(&admin.token)).header("accept-language", lang);
        async move { request.json(&body).send().await.unwrap() }
    };
    let en = problem(send("en-US", "/api/v1/webhooks", webhook.clone()).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pt = problem(send("pt-BR,pt;q=0.9", "/api/v1/webhooks", webhook).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!((en.title.as_str(), pt.title.as_str()), ("Invalid request", "Requisição inválida"));
    assert_eq!(pt.detail.as_deref(), Some("Um ou mais campos não são válidos."));
    let url =
        |p: &domain::Problem| p.errors.iter().find(|e| e.field == "url").map(|e| (e.code.clone(), e.message.clone()));
    assert_eq!(url(&en).unwrap().1, "must be an http(s) URL");
    assert_eq!(url(&pt).unwrap(), (url(&en).unwrap().0, "deve ser uma URL http(s)".to_string()));
    assert_eq!(pt.kind, en.kind);

    // serde's own words keep the values they quote.
    let pt = problem(
        send("pt-BR", "/api/v1/sites", json!({"name": "Loja", "nope": 1})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(pt.errors[0].message.starts_with("campo desconhecido `nope`"), "{:?}", pt.errors);

    // A refusal from before any handler (no token) too.
    let res =
        app.client.get(format!("{}/api/v1/me", app.base)).header("accept-language", "pt-BR").send().await.unwrap();
    let pt = problem(res, StatusCode::UNAUTHORIZED).await;
    assert_eq!(pt.title, "Autenticação necessária");
}
