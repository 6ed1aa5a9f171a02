//! Reads that tolerate lag (CSV export, reports) go to `READ_DATABASE_URL`, and to the
//! primary while it does not answer. A real streaming standby, its lag and a standby stopped
//! mid-export are in `make test-ha` (scripts/ha/run.sh); here a second database stands in for
//! the standby: it has none of the primary's rows, so what an answer holds says who served it.

use serde_json::json;

use crate::helpers::{drop_database, migrated_database, TestApp};

async fn scrape(app: &TestApp) -> String {
    let base = app.metrics_base.as_deref().unwrap();
    app.client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap()
}

fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

fn this_week() -> String {
    let today = chrono::Utc::now().date_naive();
    format!("/api/v1/reports/leads?from={}&to={today}", today - chrono::Days::new(7))
}

async fn seed_leads(app: &TestApp) -> crate::helpers::Session {
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    for n in 0..3 {
        app.ingest_ok(&key.secret, &json!({"name": format!("Lead {n}"), "email": format!("lead{n}@x.test")})).await;
    }
    admin
}

#[tokio::test]
async fn export_and_reports_are_read_from_the_replica_when_it_answers() {
    let standby = format!("standby_{}", uuid::Uuid::new_v4().simple());
    let url = migrated_database(&standby);
    let app = TestApp::spawn_with_metrics_and(|c| c.read_database_url = Some(url)).await;
    let admin = seed_leads(&app).await;

    let csv = app.get("/api/v1/contacts/export.csv", &admin.token).await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1, "the header alone: the standby has no leads yet\n{csv}");
    let report = app.get(&this_week(), &admin.token).await;
    assert_eq!(report.json::<serde_json::Value>().await.unwrap()["total"], 0);
    // The list is not a lagging read: it is the primary's.
    let list = app.get("/api/v1/contacts", &admin.token).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);

    let text = scrape(&app).await;
    assert_eq!(metric(&text, "prospecta_db_replica_up"), Some(1.0), "{text}");
    assert_eq!(metric(&text, "prospecta_db_replica_lag_bytes"), Some(0.0), "not in recovery: no lag");
    assert_eq!(metric(&text, "prospecta_db_replica_fallbacks_total"), Some(0.0));
    assert_eq!(metric(&text, "prospecta_db_replica_reads_total"), Some(2.0), "the export and the report");
    drop(app);
    drop_database(&standby);
}

#[tokio::test]
async fn a_replica_that_does_not_answer_leaves_export_and_reports_to_the_primary() {
    // Nothing listens on port 1.
    let dead = "postgres://postgres@127.0.0.1:1/none".to_string();
    let app = TestApp::spawn_with_metrics_and(|c| c.read_database_url = Some(dead)).await;
    let admin = seed_leads(&app).await;

    let started = std::time::Instant::now();
    let csv = app.get("/api/v1/contacts/export.csv", &admin.token).await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 4, "header and three leads, from the primary\n{csv}");
    let report = app.get(&this_week(), &admin.token).await;
    assert_eq!(report.json::<serde_json::Value>().await.unwrap()["total"], 3);
    // The standby is tried once, then left alone for a while: not a wait on every read.
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "{:?}", started.elapsed());

    let text = scrape(&app).await;
    assert_eq!(metric(&text, "prospecta_db_replica_up"), Some(0.0), "{text}");
    assert_eq!(metric(&text, "prospecta_db_replica_fallbacks_total"), Some(1.0), "{text}");
    assert_eq!(metric(&text, "prospecta_db_replica_reads_total"), Some(0.0));
}

#[tokio::test]
async fn without_a_replica_there_are_no_replica_gauges() {
    let app = TestApp::spawn_with_metrics().await;
    let text = scrape(&app).await;
    assert_eq!(metric(&text, "prospecta_db_replica_up"), None, "{text}");
    assert_eq!(metric(&text, "prospecta_db_replica_fallbacks_total"), Some(0.0));
}
