//! `/metrics`: Prometheus text on its own listener only.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn metrics_count_requests_per_route_and_show_the_pool_on_their_own_listener() {
    let app = TestApp::spawn_with_metrics().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/sites", &admin.token).await.status(), StatusCode::OK);
    }
    let site_id = uuid::Uuid::new_v4();
    assert_eq!(app.get(&format!("/api/v1/sites/{site_id}"), &admin.token).await.status(), StatusCode::NOT_FOUND);

    let public = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND, "not on the public port");

    let metrics_base = app.metrics_base.clone().unwrap();
    // The metrics port serves `/metrics` and nothing else: not the API, probes, docs or SPA.
    for path in ["/api/v1/sites", "/healthz", "/api/openapi.json", "/", "/widget.js", "/clients"] {
        let res = app.client.get(format!("{metrics_base}{path}")).bearer_auth(&admin.token).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} on the metrics port");
    }
    let res = app.client.post(format!("{metrics_base}/api/v1/auth/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.client.get(format!("{metrics_base}/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let line = |prefix: &str| text.lines().find(|l| l.starts_with(prefix)).map(str::to_owned);
    assert_eq!(
        line(r#"prospecta_http_requests_total{method="GET",route="/api/v1/sites",status="200"}"#).as_deref(),
        Some(r#"prospecta_http_requests_total{method="GET",route="/api/v1/sites",status="200"} 3"#),
        "{text}"
    );
    assert!(
        line(r#"prospecta_http_requests_total{method="GET",route="/api/v1/sites/{id}",status="404"} 1"#).is_some(),
        "ids are folded into the route template: {text}"
    );
    assert!(line(r#"prospecta_http_request_duration_seconds_bucket{method="GET",route="/api/v1/sites""#).is_some());
    for series in [
        r#"prospecta_db_pool_connections{state="in_use"}"#,
        r#"prospecta_db_pool_connections{state="idle"}"#,
        "prospecta_db_pool_wait_seconds_count",
        "prospecta_db_pool_timeouts_total 0",
        "prospecta_email_outbox_pending ",
    ] {
        assert!(line(series).is_some(), "{series} missing: {text}");
    }
}
