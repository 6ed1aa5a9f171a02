//! Files kept on a client: upload, list (and in the client detail), download with the stored
//! type, delete, all in the change log; who may (whoever sees the client); a merge moves them;
//! deleting the client deletes their objects and counts them in its tombstone.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::attachments::upload;
use crate::helpers::{fields, problem, Session, TestApp};

fn stored_files(app: &TestApp, who: &Session) -> usize {
    let dir = app.config.data_dir.join("attachments").join(who.user.account_id.to_string());
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

async fn client(app: &TestApp, who: &Session, name: &str, email: &str) -> domain::ContactView {
    let res = app.post("/api/v1/contacts", Some(&who.token), &json!({"name": name, "email": email})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

#[tokio::test]
async fn files_are_kept_on_a_client_and_go_with_it() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let caio = app.create_user(&admin, "caio@acme.test", "agent").await;
    let other = app.signup("Other", "otto@other.test").await;
    // Bia's own client (an agent's new client is hers).
    let rita = client(&app, &bia, "Rita", "rita@x.test").await;
    let path = format!("/api/v1/contacts/{}/files", rita.id);

    let res =
        upload(&app, &bia, &path, "Contrato assinado.pdf", "application/pdf", b"%PDF-1.7 contrato".to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kept: domain::ClientFileView = res.json().await.unwrap();
    assert_eq!((kept.filename.as_str(), kept.size_bytes, kept.contact_id), ("Contrato assinado.pdf", 17, rita.id));
    assert_eq!(kept.uploaded_by, Some(bia.user.id));
    assert_eq!(stored_files(&app, &bia), 1);

    // Listed, in the detail, downloaded as it came; in the change log.
    let list: domain::ClientFileList = app.get(&path, &bia.token).await.json().await.unwrap();
    assert_eq!(list.items, std::slice::from_ref(&kept));
    let detail: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", rita.id), &admin.token).await.json().await.unwrap();
    assert_eq!(detail.files, std::slice::from_ref(&kept));
    assert!(detail.activities.iter().any(|a| a.field == "file" && a.new_value == Some(json!("Contrato assinado.pdf"))));
    let file_path = format!("{path}/{}", kept.id);
    let res = app.get(&file_path, &bia.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.7 contrato");

    // Refused: an empty file, no name; another agent's client; another account. Nothing stored.
    let res = upload(&app, &bia, &path, "vazio.txt", "text/plain", Vec::new()).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["file"]);
    let res = upload(&app, &bia, &path, "", "text/plain", b"x".to_vec()).await;
    assert_eq!(problem(res, StatusCode::UNPROCESSABLE_ENTITY).await.status, 422);
    for who in [&caio, &other] {
        problem(upload(&app, who, &path, "x.txt", "text/plain", b"x".to_vec()).await, StatusCode::NOT_FOUND).await;
        problem(app.get(&path, &who.token).await, StatusCode::NOT_FOUND).await;
        problem(app.get(&file_path, &who.token).await, StatusCode::NOT_FOUND).await;
        problem(app.delete(&file_path, &who.token).await, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(stored_files(&app, &bia), 1);
    assert_eq!(stored_files(&app, &other), 0);

    // Deleted: the object goes, the change log keeps the name.
    assert_eq!(app.delete(&file_path, &bia.token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored_files(&app, &bia), 0);
    problem(app.get(&file_path, &bia.token).await, StatusCode::NOT_FOUND).await;
    let detail: domain::ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", rita.id), &bia.token).await.json().await.unwrap();
    assert!(detail.files.is_empty());
    assert!(detail.activities.iter().any(|a| a.field == "file" && a.old_value == Some(json!("Contrato assinado.pdf"))));

    // A merge moves the duplicate's files; deleting the client deletes them and counts them.
    let dup = client(&app, &admin, "Rita Dup", "rita.dup@x.test").await;
    let dup_path = format!("/api/v1/contacts/{}/files", dup.id);
    for name in ["a.txt", "b.txt"] {
        assert_eq!(
            upload(&app, &admin, &dup_path, name, "text/plain", b"x".to_vec()).await.status(),
            StatusCode::CREATED
        );
    }
    let merge = json!({"source_id": dup.id});
    let res = app.post(&format!("/api/v1/contacts/{}/merge", rita.id), Some(&admin.token), &merge).await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved: domain::ClientFileList = app.get(&path, &bia.token).await.json().await.unwrap();
    assert_eq!(moved.items.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["a.txt", "b.txt"]);
    assert_eq!(stored_files(&app, &admin), 2);
    let res = app.delete(&format!("/api/v1/contacts/{}", rita.id), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored_files(&app, &admin), 0);
    assert_eq!(app.count("SELECT count(*) FROM contact_files"), 0);
    let audit: Value = app.get("/api/v1/audit", &admin.token).await.json().await.unwrap();
    assert_eq!(audit["items"][0]["details"]["files"], 2, "{audit}");
}
