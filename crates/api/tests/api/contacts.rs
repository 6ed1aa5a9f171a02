use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{fields, problem, Session, TestApp};

async fn list(app: &TestApp, who: &Session, query: &str) -> domain::ContactPage {
    let res = app.get(&format!("/api/v1/contacts?{query}"), &who.token).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

fn emails(page: &domain::ContactPage) -> Vec<&str> {
    page.items.iter().map(|c| c.email.as_deref().unwrap_or("")).collect()
}

#[tokio::test]
async fn the_list_has_status_tabs_with_counts_and_filters() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let leads = [
        json!({"email": "a@x.test", "name": "Alice", "source": "google", "medium": "cpc", "tags": ["vip"], "rating": 5, "first_contact_at": "2026-01-01T10:00:00Z"}),
        json!({"email": "b@x.test", "name": "Bruno", "source": "facebook", "channel": "chatbot", "first_contact_at": "2026-02-01T10:00:00Z"}),
        json!({"email": "c@x.test", "name": "Carla", "source": "google", "rating": 2, "first_contact_at": "2026-03-01T10:00:00Z"}),
    ];
    let mut ids = Vec::new();
    for lead in &leads {
        ids.push(app.ingest_ok(&key.secret, lead).await.id);
    }
    app.patch(&format!("/api/v1/contacts/{}", ids[1]), &admin.token, &json!({"status": "won"})).await;
    app.post(
        &format!("/api/v1/contacts/{}/notes", ids[2]),
        Some(&admin.token),
        &json!({"body": "quer orçamento de fibra"}),
    )
    .await;

    let all = list(&app, &admin, "").await;
    assert_eq!(emails(&all), ["c@x.test", "b@x.test", "a@x.test"], "newest first contact first");
    assert_eq!((all.counts.to_contact, all.counts.won, all.counts.in_progress, all.counts.lost), (2, 1, 0, 0));

    assert_eq!(emails(&list(&app, &admin, "status=won").await), ["b@x.test"]);
    assert_eq!(emails(&list(&app, &admin, "source=google&sort=oldest").await), ["a@x.test", "c@x.test"]);
    assert_eq!(emails(&list(&app, &admin, "tag=vip").await), ["a@x.test"]);
    assert_eq!(emails(&list(&app, &admin, "channel=chatbot").await), ["b@x.test"]);
    assert_eq!(emails(&list(&app, &admin, "rating=3").await), ["a@x.test"]);
    assert_eq!(emails(&list(&app, &admin, "from=2026-01-15T00:00:00Z&to=2026-02-15T00:00:00Z").await), ["b@x.test"]);
    assert_eq!(emails(&list(&app, &admin, "q=carl").await), ["c@x.test"]);
    assert_eq!(emails(&list(&app, &admin, "q=FIBRA").await), ["c@x.test"], "notes are searched");
    assert_eq!(emails(&list(&app, &admin, "q=100%25").await), Vec::<&str>::new(), "LIKE wildcards are literal");
    let google = list(&app, &admin, "source=google&status=to_contact").await;
    assert_eq!((google.counts.to_contact, google.counts.won), (2, 0), "counts follow the filter, not the tab");

    let bad = app.get("/api/v1/contacts?status=maybe", &admin.token).await;
    problem(bad, StatusCode::BAD_REQUEST).await;
    let bad = app.get("/api/v1/contacts?limit=0", &admin.token).await;
    assert_eq!(fields(&problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await), ["limit"]);
    let bad = app.get("/api/v1/contacts?cursor=garbage", &admin.token).await;
    assert_eq!(fields(&problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await), ["cursor"]);
}

#[tokio::test]
async fn keyset_pages_and_neighbours_walk_the_filtered_list() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    // Two leads share a first-contact time: the id breaks the tie.
    for (i, at) in [
        "2026-01-01T00:00:00Z",
        "2026-01-02T00:00:00Z",
        "2026-01-02T00:00:00Z",
        "2026-01-03T00:00:00Z",
        "2026-01-04T00:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        app.ingest_ok(&key.secret, &json!({"email": format!("p{i}@x.test"), "first_contact_at": at})).await;
    }
    let full = list(&app, &admin, "limit=200").await;
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("limit=2&cursor={c}"),
            None => "limit=2".into(),
        };
        let page = list(&app, &admin, &q).await;
        walked.extend(page.items.iter().map(|c| c.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let expected: Vec<_> = full.items.iter().map(|c| c.id).collect();
    assert_eq!(walked, expected);

    for (i, id) in expected.iter().enumerate() {
        let n: domain::ContactNeighbors =
            app.get(&format!("/api/v1/contacts/{id}/neighbors"), &admin.token).await.json().await.unwrap();
        assert_eq!(n.prev_id, i.checked_sub(1).map(|j| expected[j]));
        assert_eq!(n.next_id, expected.get(i + 1).copied());
        // "3 of 12" beside the arrows.
        assert_eq!((n.position, n.total, n.total_is_capped), (Some(i as i64 + 1), expected.len() as i64, false));
    }
}

#[tokio::test]
async fn agents_see_and_edit_only_their_own_contacts() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let mine: domain::ContactView = app
        .post(
            "/api/v1/contacts",
            Some(&admin.token),
            &json!({"name": "X", "email": "mine@x.test", "assignee_id": agent.user.id}),
        )
        .await
        .json()
        .await
        .unwrap();
    let theirs: domain::ContactView = app
        .post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "theirs@x.test"}))
        .await
        .json()
        .await
        .unwrap();

    let page = list(&app, &agent, "").await;
    assert_eq!(emails(&page), ["mine@x.test"]);
    assert_eq!(page.counts.to_contact, 1);
    assert_eq!(
        emails(&list(&app, &agent, &format!("assignee_id={}", admin.user.id)).await),
        ["mine@x.test"],
        "agents cannot widen their view"
    );

    let other = format!("/api/v1/contacts/{}", theirs.id);
    problem(app.get(&other, &agent.token).await, StatusCode::NOT_FOUND).await;
    problem(app.patch(&other, &agent.token, &json!({"status": "won"})).await, StatusCode::NOT_FOUND).await;
    problem(
        app.post(&format!("{other}/notes"), Some(&agent.token), &json!({"body": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let res =
        app.patch(&format!("/api/v1/contacts/{}", mine.id), &agent.token, &json!({"status": "in_progress"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // An agent's own manual contact is theirs.
    let own: domain::ContactView = app
        .post("/api/v1/contacts", Some(&agent.token), &json!({"name": "Walk-in", "phone": "11 3333-4444"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own.assignee_id, Some(agent.user.id));
    problem(
        app.post(
            "/api/v1/contacts",
            Some(&agent.token),
            &json!({"name": "X", "email": "x@x.test", "assignee_id": admin.user.id}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn every_change_is_in_the_change_log() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let c: domain::ContactView = app
        .post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Lia", "email": "lia@x.test"}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/contacts/{}", c.id);

    let res = app.patch(&path, &admin.token, &json!({"status": "in_progress", "rating": 4, "tags": ["quente"], "phone": "+55 11 91234-5678", "assignee_id": agent.user.id})).await;
    let updated: domain::ContactView = res.json().await.unwrap();
    assert_eq!(updated.phone.as_deref(), Some("+5511912345678"));
    app.post(&format!("{path}/notes"), Some(&admin.token), &json!({"body": "Retornar amanhã"})).await;
    app.patch(&path, &admin.token, &json!({"email": null})).await;

    let detail: domain::ContactDetail = app.get(&path, &admin.token).await.json().await.unwrap();
    let log: Vec<(&str, Option<&serde_json::Value>, Option<&serde_json::Value>)> =
        detail.activities.iter().map(|a| (a.field.as_str(), a.old_value.as_ref(), a.new_value.as_ref())).collect();
    assert_eq!(log[0], ("email", Some(&json!("lia@x.test")), None));
    assert_eq!(log[1], ("note", None, Some(&json!("Retornar amanhã"))));
    for field in ["status", "rating", "tags", "phone", "assignee_id", "created"] {
        assert!(log.iter().any(|(f, ..)| *f == field), "{field} logged: {log:?}");
    }
    assert!(detail.activities.iter().all(|a| a.actor_label == "Admin"));
    assert_eq!(detail.notes[0].body, "Retornar amanhã");

    let unchanged = app.patch(&path, &admin.token, &json!({"status": "in_progress"})).await;
    assert_eq!(unchanged.status(), StatusCode::OK);
    let again: domain::ContactDetail = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(again.activities.len(), detail.activities.len(), "no-op edits log nothing");
}

#[tokio::test]
async fn bad_contact_input_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let other = app.signup("Other", "o@other.test").await;
    let cases = [
        (json!({"name": "X", "phone": "12"}), StatusCode::UNPROCESSABLE_ENTITY, vec!["phone"]),
        (json!({"name": "X", "email": "nope"}), StatusCode::UNPROCESSABLE_ENTITY, vec!["email"]),
        (
            json!({"name": "X", "email": "x@x.test", "assignee_id": other.user.id}),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["assignee_id"],
        ),
        (
            json!({"name": "X", "email": "x@x.test", "site_id": uuid::Uuid::new_v4()}),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["site_id"],
        ),
        (json!({"name": "X", "email": "x@x.test", "rating": 0}), StatusCode::UNPROCESSABLE_ENTITY, vec!["rating"]),
        (json!({"name": "X", "email": "x@x.test", "status": "sold"}), StatusCode::UNPROCESSABLE_ENTITY, vec!["status"]),
        // A manual client needs a name and a way to reach them, as the form says.
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY, vec!["email", "name", "phone"]),
        (json!({"name": "  ", "email": "x@x.test"}), StatusCode::UNPROCESSABLE_ENTITY, vec!["name"]),
        (json!({"name": "Só nome"}), StatusCode::UNPROCESSABLE_ENTITY, vec!["email", "phone"]),
    ];
    for (body, status, expected) in cases {
        assert_eq!(
            fields(&problem(app.post("/api/v1/contacts", Some(&admin.token), &body).await, status).await),
            expected,
            "{body}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 0);

    app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "dup@x.test"})).await;
    let dup = app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": "DUP@x.test"})).await;
    assert_eq!(fields(&problem(dup, StatusCode::CONFLICT).await), ["email"]);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);
    assert_eq!(app.count("SELECT count(*) FROM contact_activities"), 1);
}

#[tokio::test]
async fn merging_keeps_transcripts_notes_history_and_fills_gaps() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let keep = app
        .ingest_ok(
            &key.secret,
            &json!({"email": "m@x.test", "tags": ["a"], "transcript": [{"sender": "visitor", "body": "first"}]}),
        )
        .await;
    let dup = app.ingest_ok(&key.secret, &json!({"phone": "11 95555-0000", "name": "Marta", "source": "ads", "tags": ["b"], "transcript": [{"sender": "visitor", "body": "second"}], "first_contact_at": "2025-12-01T00:00:00Z"})).await;
    app.post(&format!("/api/v1/contacts/{}/notes", dup.id), Some(&admin.token), &json!({"body": "nota do duplicado"}))
        .await;

    let res = app
        .post(&format!("/api/v1/contacts/{}/merge", keep.id), Some(&admin.token), &json!({"source_id": dup.id}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let merged: domain::ContactView = res.json().await.unwrap();
    assert_eq!(
        (merged.name.as_deref(), merged.phone.as_deref(), merged.source.as_deref()),
        (Some("Marta"), Some("+5511955550000"), Some("ads"))
    );
    assert_eq!(merged.tags, ["a", "b"]);
    assert_eq!(merged.first_contact_at.to_rfc3339(), "2025-12-01T00:00:00+00:00");

    let detail: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", keep.id), &admin.token).await.json().await.unwrap();
    assert_eq!(detail.conversations.len(), 2);
    assert_eq!(detail.notes[0].body, "nota do duplicado");
    // The duplicate is logged field by field, by the change log's names, not as a dump.
    let merge = detail.activities.iter().find(|a| a.field == "merge").expect("a merge line");
    let record = merge.new_value.as_ref().and_then(|v| v.as_object()).expect("the duplicate's fields");
    assert_eq!(record.get("id"), Some(&json!(dup.id)));
    assert_eq!(record.get("phone"), Some(&json!("+5511955550000")));
    assert!(record.keys().all(|k| k == "id" || domain::labels::activity_field_msg(k).is_some()), "{record:?}");
    assert_eq!(merge.old_value, None);
    assert!(
        detail.activities.iter().filter(|a| a.field == "created").count() == 2,
        "the duplicate's history came along"
    );
    problem(app.get(&format!("/api/v1/contacts/{}", dup.id), &admin.token).await, StatusCode::NOT_FOUND).await;

    let itself = app
        .post(&format!("/api/v1/contacts/{}/merge", keep.id), Some(&admin.token), &json!({"source_id": keep.id}))
        .await;
    assert_eq!(fields(&problem(itself, StatusCode::UNPROCESSABLE_ENTITY).await), ["source_id"]);
}

#[tokio::test]
async fn another_account_cannot_reach_these_contacts() {
    let app = TestApp::spawn().await;
    let a = app.signup("A", "admin@a.test").await;
    let b = app.signup("B", "admin@b.test").await;
    let ca: domain::ContactView = app
        .post("/api/v1/contacts", Some(&a.token), &json!({"name": "X", "email": "x@a.test"}))
        .await
        .json()
        .await
        .unwrap();
    let cb: domain::ContactView = app
        .post("/api/v1/contacts", Some(&b.token), &json!({"name": "X", "email": "x@b.test"}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/contacts/{}", ca.id);

    problem(app.get(&path, &b.token).await, StatusCode::NOT_FOUND).await;
    problem(app.patch(&path, &b.token, &json!({"status": "lost"})).await, StatusCode::NOT_FOUND).await;
    problem(app.post(&format!("{path}/notes"), Some(&b.token), &json!({"body": "x"})).await, StatusCode::NOT_FOUND)
        .await;
    problem(app.get(&format!("{path}/neighbors"), &b.token).await, StatusCode::NOT_FOUND).await;
    problem(
        app.post(&format!("/api/v1/contacts/{}/merge", cb.id), Some(&b.token), &json!({"source_id": ca.id})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(emails(&list(&app, &b, "").await), ["x@b.test"]);
    // The same e-mail may exist in two accounts.
    let same = app.post("/api/v1/contacts", Some(&b.token), &json!({"name": "X", "email": "x@a.test"})).await;
    assert_eq!(same.status(), StatusCode::CREATED);
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM contacts WHERE id = '{}' AND status = 'to_contact'", ca.id)),
        1
    );
}

#[tokio::test]
async fn tab_counts_kept_by_counters_agree_with_a_live_count() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(app.ingest_ok(&key.secret, &json!({"email": format!("k{i}@x.test"), "source": "web"})).await.id);
    }
    for (id, body) in [
        (ids[0], json!({"status": "won"})),
        (ids[1], json!({"assignee_id": agent.user.id, "status": "in_progress"})),
        (ids[2], json!({"assignee_id": agent.user.id})),
        (ids[2], json!({"status": "lost"})),
    ] {
        assert_eq!(app.patch(&format!("/api/v1/contacts/{id}"), &admin.token, &body).await.status(), StatusCode::OK);
    }
    app.post(&format!("/api/v1/contacts/{}/merge", ids[3]), Some(&admin.token), &json!({"source_id": ids[4]})).await;

    // `source=web` forces the live count; no filter uses the counters.
    for (who, query) in
        [(&admin, ""), (&agent, ""), (&admin, &*format!("assignee_id={}", agent.user.id)), (&admin, "unassigned=true")]
    {
        let fast = list(&app, who, query).await.counts;
        let live = list(&app, who, &format!("{query}&source=web")).await.counts;
        assert_eq!(fast, live, "{query}");
    }
    let all = list(&app, &admin, "").await.counts;
    assert_eq!((all.to_contact, all.in_progress, all.won, all.lost), (2, 1, 1, 1));

    // Compaction folds every connection's shard into shard 0 and changes no total.
    let spread = app.count("SELECT count(*) FROM contact_counts WHERE shard <> 0");
    let mut conn = diesel::PgConnection::establish(&app.database_url).unwrap();
    assert_eq!(api::counters::compact(&mut conn).unwrap(), spread);
    assert_eq!(app.count("SELECT count(*) FROM contact_counts WHERE shard <> 0"), 0);
    assert_eq!(
        app.count("SELECT count(*) FROM (SELECT 1 FROM contact_counts GROUP BY account_id, assignee_key, status) k"),
        app.count("SELECT count(*) FROM contact_counts")
    );
    assert_eq!(list(&app, &admin, "").await.counts, all);
    assert_eq!(list(&app, &agent, "").await.counts, list(&app, &agent, "source=web").await.counts);
}

#[tokio::test]
async fn compaction_skips_counter_rows_a_transaction_holds() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    app.ingest_ok(&key.secret, &json!({"email": "a@x.test"})).await;
    let mut writer = diesel::PgConnection::establish(&app.database_url).unwrap();
    let mut compactor = diesel::PgConnection::establish(&app.database_url).unwrap();
    api::counters::compact(&mut compactor).unwrap();
    // A writer holds a shard row that is not shard 0 (as an ingest in flight would)...
    diesel::sql_query("BEGIN").execute(&mut writer).unwrap();
    diesel::sql_query(
        "INSERT INTO contact_counts (account_id, assignee_key, status, shard, n) \
         SELECT account_id, assignee_key, status, 63, 5 FROM contact_counts LIMIT 1",
    )
    .execute(&mut writer)
    .unwrap();
    diesel::sql_query(
        "INSERT INTO contact_counts (account_id, assignee_key, status, shard, n) \
         SELECT account_id, assignee_key, 'won', 62, 2 FROM contact_counts LIMIT 1",
    )
    .execute(&mut compactor)
    .unwrap();
    // ...so compaction folds the free row, skips the held one and returns without waiting.
    assert_eq!(api::counters::compact(&mut compactor).unwrap(), 1);
    diesel::sql_query("COMMIT").execute(&mut writer).unwrap();
    assert_eq!(api::counters::compact(&mut compactor).unwrap(), 1);
    let counts = list(&app, &admin, "").await.counts;
    assert_eq!((counts.to_contact, counts.won), (6, 2));
}
