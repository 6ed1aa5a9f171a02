//! The async read path (`reads`, the contact list): more requests at once than it has
//! connections, and a database that drops every connection.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::TestApp;

#[tokio::test]
async fn the_list_serves_more_requests_at_once_than_it_has_connections() {
    let app = TestApp::spawn_with(|c| c.read_pool_per_worker = 1).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    for i in 0..3 {
        let res = app
            .post("/api/v1/contacts", Some(&admin.token), &json!({"name": "X", "email": format!("c{i}@x.test")}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let requests = (0..20).map(|_| app.get("/api/v1/contacts?limit=2", &admin.token));
    for res in futures_util::future::join_all(requests).await {
        assert_eq!(res.status(), StatusCode::OK);
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 2);
        assert_eq!(page["counts"]["to_contact"], 3);
        assert!(page["next_cursor"].is_string());
    }
}

#[tokio::test]
async fn the_list_recovers_when_the_database_drops_its_connections() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    assert_eq!(app.get("/api/v1/contacts", &admin.token).await.status(), StatusCode::OK);
    app.conn_exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    // Each dead connection fails one request (503, never 500) and is dropped; then the list
    // works again on new connections.
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let status = app.get("/api/v1/contacts", &admin.token).await.status();
        statuses.push(status);
        if status == StatusCode::OK {
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&StatusCode::OK), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE), "{statuses:?}");
}
