//! The committed spec must be what the handlers' annotations generate.

use crate::helpers::TestApp;

fn committed_spec_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

#[test]
fn committed_openapi_spec_matches_the_code() {
    let generated = api::openapi::openapi_json();
    let committed = std::fs::read_to_string(committed_spec_path()).unwrap_or_default();
    assert!(
        generated == committed,
        "openapi/openapi.json is out of date with the #[utoipa::path] annotations; run `make openapi` and commit it"
    );
}

#[tokio::test]
async fn the_served_spec_and_docs_page_work() {
    let app = TestApp::spawn().await;
    let served: serde_json::Value =
        app.client.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    let mut generated: serde_json::Value = serde_json::from_str(&api::openapi::openapi_json()).unwrap();
    // The served spec names this instance; the committed one a local `make run`.
    assert_eq!(served["servers"], serde_json::json!([{"url": app.config.public_url, "description": "This instance"}]));
    generated["servers"] = served["servers"].clone();
    assert_eq!(served, generated);

    let docs = app.client.get(format!("{}/api/docs/", app.base)).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "the docs page is served from the binary");
    let bundle = app.client.get(format!("{}/api/docs/swagger-ui-bundle.js", app.base)).send().await.unwrap();
    assert_eq!(bundle.status(), 200, "the docs page's script is vendored, not from a CDN");
}
