//! One tenant cannot starve the others: exports hold no database connection while their
//! client is slow, and exports and imports are capped per account.

use std::io::Write;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn exports_nobody_reads_do_not_starve_another_accounts_list() {
    // Two pooled connections: before, two stalled exports held both.
    let app = TestApp::spawn_with(|c| {
        c.db_pool_size = 2;
        c.export_max_per_account = 2;
        c.export_send_timeout = Duration::from_secs(60);
    })
    .await;
    let noisy = app.signup("Noisy", "n@noisy.test").await;
    let quiet = app.signup("Quiet", "q@quiet.test").await;
    // Enough rows that the CSV (~8 MB) cannot fit in the sockets' buffers.
    diesel::sql_query(format!(
        "INSERT INTO contacts (id, account_id, name, email, first_contact_at, channel, page_url) \
         SELECT gen_random_uuid(), '{}', 'Lead ' || i, 'lead' || i || '@noisy.test', now() - i * interval '1 second', \
                'form', 'https://noisy.test/a/long/page/path/to/make/each/row/longer/' || repeat('x', 60) \
         FROM generate_series(1, 40000) AS i",
        noisy.user.account_id
    ))
    .execute(&mut app.conn())
    .unwrap();

    // Two clients that ask for an export and never read a byte of it.
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stalled = Vec::new();
    for _ in 0..2 {
        let mut socket = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            socket,
            "GET /api/v1/contacts/export.csv HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\r\n",
            noisy.token
        )
        .unwrap();
        stalled.push(socket);
    }
    tokio::time::sleep(Duration::from_millis(1500)).await; // let them fill every buffer

    // A third export of the same account is refused, not queued.
    let res = app.get("/api/v1/contacts/export.csv", &noisy.token).await;
    assert!(res.headers().contains_key("retry-after"));
    problem(res, StatusCode::TOO_MANY_REQUESTS).await;

    // The other tenant's list answers at its normal speed.
    for _ in 0..5 {
        let started = Instant::now();
        let res = app.get("/api/v1/contacts", &quiet.token).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    }
    drop(stalled);
}

#[tokio::test]
async fn one_import_per_account_runs_at_a_time_and_rows_are_capped() {
    let app = TestApp::spawn_with(|c| c.import_max_rows = 3).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let import = |csv: &str, dry_run: bool| json!({"csv": csv, "mapping": {"email": "email"}, "dry_run": dry_run, "skip_invalid": false, "site_id": null});
    let four = "email\na@x.test\nb@x.test\nc@x.test\nd@x.test\n";
    let res = app.post("/api/v1/contact-imports", Some(&admin.token), &import(four, true)).await;
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!((p.errors[0].field.as_str(), p.errors[0].code.as_str()), ("csv", "too_many_rows"));

    // A job still running blocks a second one of the same account (rows stand in for it).
    diesel::sql_query(format!(
        "INSERT INTO import_jobs (id, account_id, created_by, status, total_rows) VALUES (gen_random_uuid(), '{}', '{}', 'running', 1)",
        admin.user.account_id, admin.user.id
    ))
    .execute(&mut app.conn())
    .unwrap();
    let res = app.post("/api/v1/contact-imports", Some(&admin.token), &import("email\na@x.test\n", false)).await;
    assert!(res.headers().contains_key("retry-after"));
    problem(res, StatusCode::TOO_MANY_REQUESTS).await;

    let other = app.signup("Other", "o@other.test").await;
    let res = app.post("/api/v1/contact-imports", Some(&other.token), &import("email\na@x.test\n", false)).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "another account is not affected");
}

#[tokio::test]
async fn a_query_over_the_statement_timeout_is_cancelled_with_503() {
    let app = TestApp::spawn_with(|c| c.statement_timeout_ms = 200).await;
    let state_db = api::Db::connect_with_timeout(&app.database_url, 1, 200).unwrap();
    let result = state_db
        .run(|conn| {
            diesel::sql_query("SELECT pg_sleep(1)").execute(conn)?;
            Ok(())
        })
        .await;
    let err = result.unwrap_err();
    assert!(matches!(err, api::error::ApiError::Unavailable(_)), "{err:?}");
    // The server's own connections carry the setting too.
    let res = app.get("/readyz", "").await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn dry_runs_and_uploads_in_flight_take_the_import_cap_before_their_body_is_read() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let dry_run = json!({"csv": "email\na@x.test\n", "mapping": {"email": "email"}, "dry_run": true});
    assert_eq!(app.post("/api/v1/contact-imports", Some(&admin.token), &dry_run).await.status(), StatusCode::OK);

    // An upload that announces 50 MB and sends a few bytes: it holds the account's one place.
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/contact-imports?dry_run=true HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: text/csv\r\nContent-Length: 50000000\r\n\r\nemail\r\n",
        admin.token
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    // The server takes the slot once it has the headers (a moment on a loaded machine); a dry
    // run sent before that would take it first, so wait for the slot to be there.
    let mut held = false;
    for _ in 0..500 {
        if app.count("SELECT count(*) FROM import_slots") == 1 {
            held = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(held, "the stalled upload holds a slot before its body is read");
    let res = app.post("/api/v1/contact-imports", Some(&admin.token), &dry_run).await;
    assert!(res.headers().contains_key("retry-after"));
    let refused = res.status() == StatusCode::TOO_MANY_REQUESTS;
    assert!(refused, "a dry run while another upload is in flight is over the cap");
    let other = app.signup("Other", "o@other.test").await;
    assert_eq!(app.post("/api/v1/contact-imports", Some(&other.token), &dry_run).await.status(), StatusCode::OK);

    // The client goes away: its place is given back.
    drop(slow);
    let mut freed = false;
    for _ in 0..100 {
        if app.post("/api/v1/contact-imports", Some(&admin.token), &dry_run).await.status() == StatusCode::OK {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(freed, "an abandoned upload frees its place");
    // Every request gives its place back once it has answered (the drop frees it just after).
    let mut left = -1;
    for _ in 0..100 {
        left = app.count("SELECT count(*) FROM import_slots");
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(left, 0);
}
