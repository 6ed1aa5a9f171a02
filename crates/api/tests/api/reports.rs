//! Reports: leads by source, channel and site next to the previous period, the funnel,
//! local days, sales by the moment they closed, agents' own figures, and a plain SQL recount.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{fields, problem, Session, TestApp};

/// A lead written straight to the table, at a chosen first-contact instant.
#[allow(clippy::too_many_arguments)]
fn lead(
    app: &TestApp,
    account: Uuid,
    at: &str,
    source: Option<&str>,
    channel: &str,
    status: &str,
    site: Option<Uuid>,
    agent: Option<Uuid>,
) {
    let text = |v: Option<&str>| v.map_or("NULL".to_string(), |s| format!("'{s}'"));
    let uuid = |v: Option<Uuid>| v.map_or("NULL".to_string(), |u| format!("'{u}'"));
    app.conn_exec(&format!(
        "INSERT INTO contacts (id, account_id, name, first_contact_at, source, channel, status, site_id, assignee_id)
         VALUES (gen_random_uuid(), '{account}', 'Lead', '{at}', {}, '{channel}', '{status}', {}, {})",
        text(source),
        uuid(site),
        uuid(agent)
    ));
}

async fn report(app: &TestApp, who: &Session, kind: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/reports/{kind}?{query}"), &who.token).await;
    assert_eq!(res.status(), StatusCode::OK, "{kind}?{query}");
    res.json().await.unwrap()
}

fn row<'a>(rows: &'a Value, key: &str) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r["key"] == key).unwrap_or_else(|| panic!("no row {key} in {rows}"))
}

#[tokio::test]
async fn leads_are_counted_by_source_channel_and_site_next_to_the_previous_period() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let account = admin.user.account_id;
    let site = app.create_site(&admin, "Loja").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let a = Some(agent.user.id);
    // November: 3 google (one won, one lost), 1 facebook, 1 without a source.
    lead(&app, account, "2026-11-02T12:00:00Z", Some("google"), "form", "won", Some(site.id), a);
    lead(&app, account, "2026-11-02T13:00:00Z", Some("google"), "form", "lost", Some(site.id), None);
    lead(&app, account, "2026-11-10T12:00:00Z", Some("google"), "chatbot", "to_contact", None, a);
    lead(&app, account, "2026-11-30T12:00:00Z", Some("facebook"), "chatbot", "in_progress", None, None);
    lead(&app, account, "2026-11-15T12:00:00Z", None, "manual", "to_contact", None, None);
    // October (the previous 30 days): 2 google.
    lead(&app, account, "2026-10-05T12:00:00Z", Some("google"), "form", "to_contact", None, None);
    lead(&app, account, "2026-10-31T23:59:59Z", Some("google"), "form", "to_contact", None, None);
    // Outside both periods, and another account's lead inside them: not counted.
    lead(&app, account, "2026-09-01T12:00:00Z", Some("google"), "form", "to_contact", None, None);
    let other = app.signup("Other", "o@other.test").await;
    lead(&app, other.user.account_id, "2026-11-03T12:00:00Z", Some("google"), "form", "won", None, None);

    let r = report(&app, &admin, "leads", "from=2026-11-01&to=2026-11-30").await;
    assert_eq!(r["total"], 5);
    assert_eq!(r["previous_total"], 2);
    assert_eq!(r["previous"], json!({"from": "2026-10-02", "to": "2026-10-31"}));
    assert_eq!(row(&r["by_source"], "google")["count"], 3);
    assert_eq!(row(&r["by_source"], "google")["previous_count"], 2);
    assert_eq!(row(&r["by_source"], "facebook")["count"], 1);
    assert!(r["by_source"].as_array().unwrap().iter().any(|s| s["key"].is_null() && s["count"] == 1));
    assert_eq!(row(&r["by_channel"], "chatbot")["count"], 2);
    let by_site = row(&r["by_site"], &site.id.to_string());
    assert_eq!((by_site["count"].as_i64(), by_site["label"].as_str()), (Some(2), Some("Loja")));
    assert_eq!(r["funnel"], json!({"to_contact": 2, "in_progress": 1, "won": 1, "lost": 1}));
    let google = row(&r["conversion_by_source"], "google");
    assert_eq!(
        (google["leads"].as_i64(), google["won"].as_i64(), google["lost"].as_i64()),
        (Some(3), Some(1), Some(1))
    );
    let bruno = row(&r["conversion_by_agent"], &agent.user.id.to_string());
    assert_eq!(
        (bruno["leads"].as_i64(), bruno["won"].as_i64(), bruno["label"].as_str()),
        (Some(2), Some(1), Some("Bruno Teste"))
    );
    let series = r["series"].as_array().unwrap();
    assert_eq!(series.len(), 30, "every day, empty ones included");
    assert_eq!(series[1], json!({"start": "2026-11-02", "count": 2}));

    // Filters: a channel, a site.
    let chat = report(&app, &admin, "leads", "from=2026-11-01&to=2026-11-30&channel=chatbot").await;
    assert_eq!(chat["total"], 2);
    let at_site = report(&app, &admin, "leads", &format!("from=2026-11-01&to=2026-11-30&site_id={}", site.id)).await;
    assert_eq!(at_site["total"], 2);

    // Weeks start on Monday; 2026-11-02 is one.
    let weeks = report(&app, &admin, "leads", "from=2026-11-01&to=2026-11-30&interval=week").await;
    assert_eq!(weeks["series"][0], json!({"start": "2026-10-26", "count": 0}));
    assert_eq!(weeks["series"][1], json!({"start": "2026-11-02", "count": 2}));
}

#[tokio::test]
async fn days_start_at_the_callers_local_midnight() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    // 01:30 UTC on Nov 2nd is 22:30 on Nov 1st in Brasília (UTC-3).
    lead(&app, admin.user.account_id, "2026-11-02T01:30:00Z", Some("google"), "form", "to_contact", None, None);
    let utc = report(&app, &admin, "leads", "from=2026-11-02&to=2026-11-02").await;
    assert_eq!(utc["total"], 1);
    let brasilia = report(&app, &admin, "leads", "from=2026-11-01&to=2026-11-01&utc_offset=-180").await;
    assert_eq!(brasilia["total"], 1);
    assert_eq!(brasilia["series"], json!([{"start": "2026-11-01", "count": 1}]));
    let next_day = report(&app, &admin, "leads", "from=2026-11-02&to=2026-11-02&utc_offset=-180").await;
    assert_eq!(next_day["total"], 0);
}

#[tokio::test]
async fn sales_count_when_the_status_changed_per_month_and_agent() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(app.ingest_ok(&key.secret, &json!({"email": format!("c{i}@x.test")})).await.id);
    }
    let today = chrono::Utc::now().date_naive();
    let range = format!("from={}&to={}", today - chrono::Duration::days(29), today);
    let before = report(&app, &admin, "sales", &range).await;
    assert_eq!((before["won"].as_i64(), before["lost"].as_i64()), (Some(0), Some(0)));

    // Two sales and a no-sale through the API; the agent's one sale is theirs.
    app.patch(
        &format!("/api/v1/contacts/{}", ids[0]),
        &admin.token,
        &json!({"status": "won", "assignee_id": agent.user.id}),
    )
    .await;
    app.patch(&format!("/api/v1/contacts/{}", ids[1]), &admin.token, &json!({"status": "won"})).await;
    app.patch(&format!("/api/v1/contacts/{}", ids[2]), &admin.token, &json!({"status": "lost"})).await;
    let r = report(&app, &admin, "sales", &range).await;
    assert_eq!((r["won"].as_i64(), r["lost"].as_i64()), (Some(2), Some(1)));
    let month = today.format("%Y-%m").to_string();
    let this_month = r["months"].as_array().unwrap().iter().find(|m| m["month"] == month.as_str()).unwrap();
    assert_eq!((this_month["won"].as_i64(), this_month["lost"].as_i64()), (Some(2), Some(1)));
    let bruno = row(&r["by_agent"], &agent.user.id.to_string());
    assert_eq!((bruno["won"].as_i64(), bruno["lost"].as_i64()), (Some(1), Some(0)));

    // Reopened: no longer a sale. An edit that keeps the status keeps the moment.
    app.patch(&format!("/api/v1/contacts/{}", ids[1]), &admin.token, &json!({"status": "in_progress"})).await;
    let closed_at =
        |id: Uuid| app.count(&format!("SELECT extract(epoch FROM closed_at)::bigint FROM contacts WHERE id = '{id}'"));
    let first = closed_at(ids[0]);
    app.patch(&format!("/api/v1/contacts/{}", ids[0]), &admin.token, &json!({"rating": 5})).await;
    assert_eq!(closed_at(ids[0]), first);
    let r = report(&app, &admin, "sales", &range).await;
    assert_eq!(r["won"], 1);

    // The agent sees their own figures only, whatever they ask for.
    let mine = report(&app, &agent, "sales", &format!("{range}&assignee_id={}", admin.user.id)).await;
    assert_eq!((mine["won"].as_i64(), mine["lost"].as_i64()), (Some(1), Some(0)));
    let leads = report(&app, &agent, "leads", &range).await;
    assert_eq!(leads["total"], 1, "only the lead assigned to the agent");
}

#[tokio::test]
async fn every_breakdown_equals_a_plain_sql_recount() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let account = admin.user.account_id;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    // 400 leads spread over 90 days before and during the period, with varied fields.
    app.conn_exec(&format!(
        "INSERT INTO contacts (id, account_id, name, first_contact_at, source, medium, channel, status, assignee_id)
         SELECT gen_random_uuid(), '{account}', 'L' || i, timestamptz '2026-09-01' + (i * interval '5 hours 17 minutes'),
                (ARRAY['google', 'facebook', NULL, 'bing'])[1 + i % 4], (ARRAY['cpc', NULL, 'email'])[1 + i % 3],
                (ARRAY['form', 'chatbot', 'live_chat', 'manual'])[1 + i % 4],
                (ARRAY['to_contact', 'in_progress', 'won', 'lost', 'won'])[1 + i % 5],
                CASE WHEN i % 3 = 0 THEN '{}'::uuid END
         FROM generate_series(1, 400) i",
        agent.user.id
    ));
    let r = report(&app, &admin, "leads", "from=2026-10-01&to=2026-10-31&utc_offset=-180").await;
    let (start, end) = ("2026-10-01T03:00:00Z", "2026-11-01T03:00:00Z");
    let recount = |filter: &str| {
        app.count(&format!(
            "SELECT count(*) FROM contacts WHERE account_id = '{account}' AND first_contact_at >= '{start}'
             AND first_contact_at < '{end}' AND {filter}"
        ))
    };
    assert_eq!(r["total"].as_i64().unwrap(), recount("true"));
    assert!(r["total"].as_i64().unwrap() > 100);
    for source in ["google", "facebook", "bing"] {
        assert_eq!(row(&r["by_source"], source)["count"].as_i64().unwrap(), recount(&format!("source = '{source}'")));
    }
    for medium in ["cpc", "email"] {
        assert_eq!(row(&r["by_medium"], medium)["count"].as_i64().unwrap(), recount(&format!("medium = '{medium}'")));
    }
    for channel in ["form", "chatbot", "live_chat", "manual"] {
        assert_eq!(
            row(&r["by_channel"], channel)["count"].as_i64().unwrap(),
            recount(&format!("channel = '{channel}'"))
        );
    }
    for status in ["to_contact", "in_progress", "won", "lost"] {
        assert_eq!(r["funnel"][status].as_i64().unwrap(), recount(&format!("status = '{status}'")));
    }
    let series_sum: i64 = r["series"].as_array().unwrap().iter().map(|p| p["count"].as_i64().unwrap()).sum();
    assert_eq!(series_sum, recount("true"));
    let bruno = row(&r["conversion_by_agent"], &agent.user.id.to_string());
    assert_eq!(
        bruno["won"].as_i64().unwrap(),
        recount(&format!("assignee_id = '{}' AND status = 'won'", agent.user.id))
    );
}

#[tokio::test]
async fn the_first_action_is_timed_from_the_first_contact() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let contact = app.ingest_ok(&key.secret, &json!({"email": "quick@x.test"})).await;
    let untouched = app.ingest_ok(&key.secret, &json!({"email": "slow@x.test"})).await;
    app.conn_exec(&format!(
        "UPDATE contacts SET first_contact_at = now() - interval '10 minutes' WHERE id IN ('{}', '{}')",
        contact.id, untouched.id
    ));
    let res = app
        .post(&format!("/api/v1/contacts/{}/notes", contact.id), Some(&admin.token), &json!({"body": "Called"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let today = chrono::Utc::now().date_naive();
    let r = report(&app, &admin, "leads", &format!("from={today}&to={today}")).await;
    assert_eq!(r["first_action"]["measured"], 1, "the untouched lead has no first action yet");
    let median = r["first_action"]["median_secs"].as_i64().unwrap();
    assert!((590..=660).contains(&median), "about ten minutes, got {median}");

    // A bot's message is no person's action; an operator's chat reply is (the trigger on
    // messages), and only the earliest action counts.
    let conversation = Uuid::new_v4();
    app.conn_exec(&format!(
        "INSERT INTO conversations (id, account_id, contact_id, channel, started_at) VALUES ('{conversation}', '{}', '{}', 'live_chat', now())",
        admin.user.account_id, untouched.id
    ));
    for (sender, position) in [("bot", 1), ("agent", 2), ("agent", 3)] {
        app.conn_exec(&format!(
            "INSERT INTO messages (id, account_id, conversation_id, sender, body, sent_at, position)
             VALUES (gen_random_uuid(), '{}', '{conversation}', '{sender}', 'Oi', now() - interval '{} minutes', {position})",
            admin.user.account_id,
            [0, 5, 4, 1][position as usize]
        ));
    }
    let r = report(&app, &admin, "leads", &format!("from={today}&to={today}")).await;
    assert_eq!(r["first_action"]["measured"], 2);
    let first = app.count(&format!(
        "SELECT extract(epoch FROM first_action_at - first_contact_at)::bigint FROM contacts WHERE id = '{}'",
        untouched.id
    ));
    assert!((350..=370).contains(&first), "the first agent reply, six minutes in (the bot spoke at five): {first}");
}

#[tokio::test]
async fn bad_periods_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    for (query, field) in [
        ("from=2026-11-02&to=2026-11-01", "to"),
        ("from=2025-01-01&to=2026-12-31", "to"),
        ("from=2026-11-01&to=2026-11-02&utc_offset=900", "utc_offset"),
    ] {
        let res = app.get(&format!("/api/v1/reports/leads?{query}"), &admin.token).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{query}");
    }
    let res = app.get("/api/v1/reports/sales?from=yesterday&to=2026-11-01", &admin.token).await;
    let p = problem(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(fields(&p), ["from"], "the 400 names the parameter");
    let res = app.get("/api/v1/reports/leads?to=2026-11-01", &admin.token).await;
    assert_eq!(fields(&problem(res, StatusCode::BAD_REQUEST).await), ["from"], "a missing one too");
    let anonymous = app.request(reqwest::Method::GET, "/api/v1/reports/leads?from=2026-11-01&to=2026-11-02", None);
    assert_eq!(anonymous.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn clients_closed_before_the_moment_was_recorded_get_it_from_the_change_log() {
    use diesel::{Connection, PgConnection};
    use diesel_migrations::MigrationHarness;
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let account = admin.user.account_id;
    let mut conn = PgConnection::establish(&app.database_url).unwrap();
    // Back to before the migration that records the moment (and any after it).
    while conn.applied_migrations().unwrap().iter().any(|v| v.to_string().as_str() >= "20261203000027") {
        conn.revert_last_migration(api::db::MIGRATIONS).unwrap();
    }
    let (logged, unlogged, open) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    app.conn_exec(&format!(
        "INSERT INTO contacts (id, account_id, name, first_contact_at, channel, status, updated_at) VALUES
           ('{logged}', '{account}', 'Logged', '2026-01-01', 'form', 'won', '2026-03-01'),
           ('{unlogged}', '{account}', 'Unlogged', '2026-01-01', 'import', 'lost', '2026-02-01'),
           ('{open}', '{account}', 'Open', '2026-01-01', 'form', 'in_progress', '2026-02-01')"
    ));
    app.conn_exec(&format!(
        "INSERT INTO contact_activities (account_id, contact_id, actor_label, field, old_value, new_value, created_at) VALUES
           ('{account}', '{logged}', 'Ana', 'status', '\"in_progress\"', '\"won\"', '2026-01-20'),
           ('{account}', '{logged}', 'Ana', 'rating', NULL, '5', '2026-03-01')"
    ));
    api::db::run_migrations(&mut conn).unwrap();
    let closed = |id: Uuid| {
        app.count(&format!(
            "SELECT coalesce(extract(epoch FROM closed_at), -1)::bigint FROM contacts WHERE id = '{id}'"
        ))
    };
    assert_eq!(closed(logged), chrono::DateTime::parse_from_rfc3339("2026-01-20T00:00:00Z").unwrap().timestamp());
    assert_eq!(closed(unlogged), chrono::DateTime::parse_from_rfc3339("2026-02-01T00:00:00Z").unwrap().timestamp());
    assert_eq!(closed(open), -1);
    let r = report(&app, &admin, "sales", "from=2026-01-01&to=2026-02-28").await;
    assert_eq!(
        r["months"],
        json!([{"month": "2026-01", "won": 1, "lost": 0}, {"month": "2026-02", "won": 0, "lost": 1}])
    );
}

/// A chat that reached the desk at `waiting` (UTC), accepted and answered after the given
/// seconds (or never), closed or not.
fn chat(
    app: &TestApp,
    account: Uuid,
    owner: Option<Uuid>,
    waiting: &str,
    accept: Option<i64>,
    reply: Option<i64>,
    closed: bool,
) {
    let contact = Uuid::new_v4();
    app.conn_exec(&format!(
        "INSERT INTO contacts (id, account_id, name, first_contact_at, channel) VALUES ('{contact}', '{account}', 'V', '{waiting}', 'live_chat')"
    ));
    let at =
        |secs: Option<i64>| secs.map_or("NULL".into(), |s| format!("timestamptz '{waiting}' + interval '{s} seconds'"));
    let status = match (closed, accept) {
        (true, _) => "closed",
        (false, Some(_)) => "active",
        (false, None) => "waiting",
    };
    app.conn_exec(&format!(
        "INSERT INTO conversations (id, account_id, contact_id, channel, started_at, status, owner_id, waiting_since, accepted_at, first_response_at)
         VALUES (gen_random_uuid(), '{account}', '{contact}', 'live_chat', '{waiting}', '{status}', {}, '{waiting}', {}, {})",
        owner.map_or("NULL".into(), |o| format!("'{o}'")),
        at(accept),
        at(reply)
    ));
}

#[tokio::test]
async fn the_desk_report_times_chats_and_counts_the_missed_ones() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let account = admin.user.account_id;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let (a, b) = (Some(admin.user.id), Some(agent.user.id));
    // Monday 2026-11-02 14:10 UTC = 11:10 in Brasília.
    chat(&app, account, a, "2026-11-02T14:10:00Z", Some(30), Some(40), true);
    chat(&app, account, a, "2026-11-02T14:50:00Z", Some(60), Some(90), false);
    chat(&app, account, b, "2026-11-03T20:00:00Z", Some(10), Some(20), true);
    chat(&app, account, b, "2026-11-03T20:30:00Z", Some(120), None, false);
    chat(&app, account, None, "2026-11-04T09:00:00Z", None, None, true); // missed: closed unanswered
    chat(&app, account, None, "2026-11-04T09:05:00Z", None, None, false); // still waiting: not missed
    chat(&app, account, a, "2026-10-20T10:00:00Z", Some(5), Some(5), true); // the previous period
    chat(&app, account, None, "2026-10-21T10:00:00Z", None, None, true);

    let r = report(&app, &admin, "desk", "from=2026-11-01&to=2026-11-30&utc_offset=-180").await;
    assert_eq!((r["chats"].as_i64(), r["previous_chats"].as_i64()), (Some(6), Some(2)));
    assert_eq!(
        (r["answered"].as_i64(), r["missed"].as_i64(), r["previous_missed"].as_i64()),
        (Some(4), Some(1), Some(1))
    );
    // Waits 10, 30, 60, 120: the lower median (percentile_disc) is 30, the 90th 120.
    assert_eq!(r["wait"], json!({"measured": 4, "median_secs": 30, "p90_secs": 120}));
    assert_eq!(r["first_response"], json!({"measured": 3, "median_secs": 40, "p90_secs": 90}));
    let cell = |weekday: i64, hour: i64| {
        r["heatmap"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["weekday"] == weekday && c["hour"] == hour)
            .map(|c| c["count"].clone())
    };
    assert_eq!(cell(1, 11), Some(json!(2)), "Monday 11h local");
    assert_eq!(cell(3, 6), Some(json!(2)), "Wednesday 6h local");
    assert_eq!(cell(1, 14), None, "not at the UTC hour");
    let bruno = row(&r["by_operator"], &agent.user.id.to_string());
    assert_eq!(bruno["accepted"], 2);
    assert_eq!(bruno["closed"], 1);
    assert_eq!(bruno["median_first_response_secs"], 20);
    assert_eq!(bruno["label"], "Bruno Teste");

    // One channel: a chat that came through the chatbot is left out of the live chat's.
    app.conn_exec("UPDATE conversations SET channel = 'chatbot' WHERE waiting_since = '2026-11-04T09:05:00Z'");
    let live = report(&app, &admin, "desk", "from=2026-11-01&to=2026-11-30&channel=live_chat").await;
    assert_eq!(live["chats"], 5);
    let bot = report(&app, &admin, "desk", "from=2026-11-01&to=2026-11-30&channel=chatbot").await;
    assert_eq!((bot["chats"].as_i64(), bot["previous_chats"].as_i64()), (Some(1), Some(0)));

    // An agent's report is their own chats.
    let mine = report(&app, &agent, "desk", "from=2026-11-01&to=2026-11-30").await;
    assert_eq!((mine["chats"].as_i64(), mine["missed"].as_i64()), (Some(2), Some(0)));
    assert_eq!(mine["by_operator"].as_array().unwrap().len(), 1);
}
