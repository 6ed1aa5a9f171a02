//! Card attachments: upload, list, download as a download with the stored type, delete; the
//! size limit; names that try to be paths; roles and accounts; and the same round trip on an
//! S3-compatible store (moto, started by `make test-api`; set TEST_S3_ENDPOINT to run it alone).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{fields, problem, Session, TestApp};

async fn card(app: &TestApp, admin: &Session, members: &[uuid::Uuid]) -> (Value, String) {
    let board: Value = app
        .post(
            "/api/v1/boards",
            Some(&admin.token),
            &json!({"name": "B", "template": "sales_pipeline", "member_ids": members}),
        )
        .await
        .json()
        .await
        .unwrap();
    let card: Value = app
        .post(
            &format!("/api/v1/boards/{}/cards", board["id"].as_str().unwrap()),
            Some(&admin.token),
            &json!({"stage_id": board["stages"][0]["id"], "title": "Deal"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/cards/{}/attachments", card["id"].as_str().unwrap());
    (board, path)
}

pub async fn upload(
    app: &TestApp,
    who: &Session,
    path: &str,
    name: &str,
    kind: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.request(Method::POST, &format!("{path}?filename={}", urlencode(name)), Some(&who.token))
        .header("content-type", kind)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Upload, list, download, delete: what every store must do.
async fn round_trip(app: &TestApp, admin: &Session) {
    let (board, path) = card(app, admin, &[]).await;
    let pdf: Vec<u8> = b"%PDF-1.4 proposta".iter().copied().chain((0..=255u8).cycle().take(70_000)).collect();
    let res = upload(app, admin, &path, "../../Proposta final.pdf", "application/pdf", pdf.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let attachment: Value = res.json().await.unwrap();
    assert_eq!(
        (attachment["filename"].as_str(), attachment["size_bytes"].as_i64()),
        (Some("Proposta final.pdf"), Some(pdf.len() as i64))
    );
    let list: Value = app.get(&path, &admin.token).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let one = format!("{path}/{}", attachment["id"].as_str().unwrap());
    let res = app.get(&one, &admin.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"Proposta final.pdf\"; filename*=UTF-8''Proposta%20final.pdf"
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf, "the same bytes back");
    let history: Value = app
        .get(&format!("/api/v1/boards/{}/history", board["id"].as_str().unwrap()), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"][0]["action"], "attached");

    assert_eq!(app.delete(&one, &admin.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.get(&one, &admin.token).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn attachments_round_trip_on_the_local_disk_and_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    round_trip(&app, &admin).await;
    let stored = app.config.data_dir.join("attachments").join(admin.user.account_id.to_string());
    let left = std::fs::read_dir(&stored).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "the deleted file is gone from {stored:?}");
}

#[tokio::test]
async fn uploads_over_the_limit_or_empty_are_refused_and_store_nothing() {
    let app = TestApp::spawn_with(|c| c.attachment_max_bytes = 1024).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let (_, path) = card(&app, &admin, &[]).await;
    let res = upload(&app, &admin, &path, "big.bin", "application/octet-stream", vec![7; 2000]).await;
    let p = problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(p.detail.unwrap_or_default().contains("1024"), "names the limit");
    let res = upload(&app, &admin, &path, "empty.txt", "text/plain", Vec::new()).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["file"]);
    let res = upload(&app, &admin, &path, "..", "text/plain", vec![1]).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["filename"]);
    assert_eq!(app.count("SELECT count(*) FROM card_attachments"), 0, "nothing half-written");
    // A type that is not one is kept as plain bytes.
    let res = upload(&app, &admin, &path, "x.bin", "not a type", vec![1]).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["content_type"], "application/octet-stream");
}

#[tokio::test]
async fn attachments_are_the_boards_people_only() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let caio = app.create_user(&admin, "caio@acme.test", "agent").await;
    let (_, path) = card(&app, &admin, &[bia.user.id]).await;
    let res = upload(&app, &bia, &path, "nota.txt", "text/plain", b"ok".to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let one = format!("{path}/{}", res.json::<Value>().await.unwrap()["id"].as_str().unwrap());
    let other = app.signup("Other", "otto@other.test").await;
    for who in [&caio, &other] {
        problem(app.get(&one, &who.token).await, StatusCode::NOT_FOUND).await;
        problem(app.get(&path, &who.token).await, StatusCode::NOT_FOUND).await;
        problem(upload(&app, who, &path, "x.txt", "text/plain", b"x".to_vec()).await, StatusCode::NOT_FOUND).await;
        problem(app.delete(&one, &who.token).await, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM card_attachments"), 1);
}

#[tokio::test]
async fn attachments_round_trip_on_an_s3_compatible_store() {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        eprintln!("TEST_S3_ENDPOINT is not set: the S3 round trip runs under `make test-api` (moto)");
        return;
    };
    let bucket = format!("prospecta-{}", uuid::Uuid::new_v4().simple());
    let res = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.unwrap();
    assert!(res.status().is_success(), "bucket created: {}", res.status());
    let (url, options) = (format!("s3://{bucket}"), endpoint.clone());
    let app = TestApp::spawn_with(move |c| {
        c.storage_url = Some(url);
        c.storage_options = [
            ("aws_endpoint", options.as_str()),
            ("aws_region", "us-east-1"),
            ("aws_access_key_id", "test"),
            ("aws_secret_access_key", "test"),
            ("aws_allow_http", "true"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let (_, path) = card(&app, &admin, &[]).await;
    let res = upload(&app, &admin, &path, "s3.txt", "text/plain", b"stored in S3".to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let listing = reqwest::Client::new()
        .get(format!("{endpoint}/{bucket}?list-type=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listing.contains(&admin.user.account_id.to_string()), "the object is in the bucket: {listing}");
    round_trip(&app, &admin).await;
}
