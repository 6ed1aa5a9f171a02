//! The base card's comments and files: every new card starts with them; the files are shared
//! objects, deleted only once neither the base card nor any card names them; admins write,
//! the board's people read, other accounts see nothing; edits go to the board history.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::attachments::upload;
use crate::cards::{card_path, Board};
use crate::helpers::{fields, problem, Session, TestApp};

async fn put_base(app: &TestApp, who: &Session, board: &Board, body: Value) -> reqwest::Response {
    app.request(Method::PUT, &board.path("/base-card"), Some(&who.token)).json(&body).send().await.unwrap()
}

fn stored_files(app: &TestApp, who: &Session) -> usize {
    let dir = app.config.data_dir.join("attachments").join(who.user.account_id.to_string());
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn new_cards_get_the_base_cards_comments_under_their_authors() {
    let app = TestApp::spawn().await;
    let ana = app.signup("Acme", "ana@acme.test").await;
    let rui = app.create_user(&ana, "rui@acme.test", "admin").await;
    let bia = app.create_user(&ana, "bia@acme.test", "agent").await;
    let board = Board::create(&app, &ana, &[bia.user.id]).await;

    let res = put_base(&app, &ana, &board, json!({"comments": [{"body": "  "}]})).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["comments[0].body"]);
    let res = put_base(&app, &bia, &board, json!({"comments": [{"body": "Ligar antes"}]})).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = put_base(&app, &ana, &board, json!({"comments": [{"body": " Confirmar endereço "}]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Rui keeps Ana's comment (its author stays Ana, whatever he sends) and adds his own.
    let res = put_base(
        &app,
        &rui,
        &board,
        json!({"comments": [
            {"body": "Confirmar endereço", "author_id": rui.user.id, "author_label": "Rui"},
            {"body": "Enviar contrato"}
        ]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let base: Value = app.get(&board.path("/base-card"), &bia.token).await.json().await.unwrap();
    let authors: Vec<(&str, &str)> = base["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["body"].as_str().unwrap(), c["author_id"].as_str().unwrap()))
        .collect();
    let (ana_id, rui_id) = (ana.user.id.to_string(), rui.user.id.to_string());
    assert_eq!(authors, [("Confirmar endereço", ana_id.as_str()), ("Enviar contrato", rui_id.as_str())]);

    let card = board.card(&app, &bia, 0, json!({})).await;
    let comments: Value = app.get(&card_path(&card, "/comments"), &bia.token).await.json().await.unwrap();
    let got: Vec<(&str, &str)> = comments["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["body"].as_str().unwrap(), c["author_id"].as_str().unwrap()))
        .collect();
    assert_eq!(got, authors, "in the base card's order, under the same authors");

    // An author who leaves keeps their name on the comment; new cards still get it.
    app.conn_exec(&format!("DELETE FROM users WHERE id = '{}'", rui.user.id));
    let card = board.card(&app, &ana, 0, json!({"title": "Depois"})).await;
    let comments: Value = app.get(&card_path(&card, "/comments"), &ana.token).await.json().await.unwrap();
    assert_eq!(comments["items"][1]["author_id"], Value::Null);
    assert_eq!(comments["items"][1]["body"], "Enviar contrato");

    let history: Value = app.get(&board.path("/history"), &ana.token).await.json().await.unwrap();
    let edits = history["items"].as_array().unwrap().iter().filter(|e| e["action"] == "base_card_updated").count();
    assert_eq!(edits, 2, "each base-card save is in the board history");
}

#[tokio::test]
async fn base_card_files_go_to_new_cards_and_stay_until_nothing_names_them() {
    let app = TestApp::spawn().await;
    let ana = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&ana, "bia@acme.test", "agent").await;
    let board = Board::create(&app, &ana, &[bia.user.id]).await;
    let files = board.path("/base-card/attachments");
    let before = board.card(&app, &ana, 0, json!({"title": "Antes"})).await;

    let res = upload(&app, &bia, &files, "contrato.pdf", "application/pdf", b"x".to_vec()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "admins only");
    let res = upload(&app, &ana, &files, "", "application/pdf", b"x".to_vec()).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["filename"]);
    let res = upload(&app, &ana, &files, "vazio.pdf", "application/pdf", Vec::new()).await;
    assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["file"]);
    let pdf = b"%PDF-1.4 modelo de contrato".to_vec();
    let res = upload(&app, &ana, &files, "../Contrato modelo.pdf", "application/pdf", pdf.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let file: Value = res.json().await.unwrap();
    assert_eq!(file["filename"], "Contrato modelo.pdf");
    let one = format!("{files}/{}", file["id"].as_str().unwrap());
    let list: Value = app.get(&files, &bia.token).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "the board's people read it");
    let res = app.get(&one, &bia.token).await;
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"Contrato modelo.pdf\"; filename*=UTF-8''Contrato%20modelo.pdf"
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);

    let card = board.card(&app, &bia, 1, json!({"title": "Depois"})).await;
    let on_card: Value = app.get(&card_path(&card, "/attachments"), &bia.token).await.json().await.unwrap();
    assert_eq!(on_card["items"][0]["filename"], "Contrato modelo.pdf");
    let copy = card_path(&card, &format!("/attachments/{}", on_card["items"][0]["id"].as_str().unwrap()));
    assert_eq!(app.get(&copy, &bia.token).await.bytes().await.unwrap().to_vec(), pdf);
    let earlier: Value = app.get(&card_path(&before, "/attachments"), &ana.token).await.json().await.unwrap();
    assert_eq!(earlier["items"].as_array().unwrap().len(), 0, "cards made before keep what they had");
    assert_eq!(stored_files(&app, &ana), 1, "one object, named twice");

    // The base card lets it go; the card still has it.
    assert_eq!(app.delete(&one, &bia.token).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&one, &ana.token).await.status(), StatusCode::NO_CONTENT);
    problem(app.get(&one, &ana.token).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.get(&copy, &bia.token).await.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(stored_files(&app, &ana), 1);
    let later = board.card(&app, &ana, 0, json!({"title": "Sem arquivo"})).await;
    let none: Value = app.get(&card_path(&later, "/attachments"), &ana.token).await.json().await.unwrap();
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    // The last row naming it goes: so does the object.
    assert_eq!(app.delete(&copy, &bia.token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored_files(&app, &ana), 0);

    let history: Value = app.get(&board.path("/history"), &ana.token).await.json().await.unwrap();
    let actions: Vec<&str> =
        history["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"base_card_attached") && actions.contains(&"base_card_detached"), "{actions:?}");
}

#[tokio::test]
async fn base_card_files_are_the_boards_and_go_with_it() {
    let app = TestApp::spawn_with(|c| c.attachment_max_bytes = 1024).await;
    let ana = app.signup("Acme", "ana@acme.test").await;
    let caio = app.create_user(&ana, "caio@acme.test", "agent").await;
    let other = app.signup("Other", "olga@other.test").await;
    let board = Board::create(&app, &ana, &[]).await;
    let files = board.path("/base-card/attachments");

    let res = upload(&app, &ana, &files, "grande.bin", "application/octet-stream", vec![1; 2000]).await;
    let p = problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(p.detail.unwrap_or_default().contains("1024"));
    assert_eq!(app.count("SELECT count(*) FROM board_base_attachments"), 0, "nothing half-written");
    let res = upload(&app, &ana, &files, "tabela.csv", "text/csv", b"a,b".to_vec()).await;
    let file: Value = res.json().await.unwrap();
    let one = format!("{files}/{}", file["id"].as_str().unwrap());

    // Not shared with Caio; another account's admin cannot reach it at all.
    problem(app.get(&files, &caio.token).await, StatusCode::NOT_FOUND).await;
    problem(app.get(&one, &caio.token).await, StatusCode::NOT_FOUND).await;
    problem(app.get(&one, &other.token).await, StatusCode::NOT_FOUND).await;
    problem(app.delete(&one, &other.token).await, StatusCode::NOT_FOUND).await;
    let res = upload(&app, &other, &files, "x.txt", "text/plain", b"x".to_vec()).await;
    problem(res, StatusCode::NOT_FOUND).await;

    board.card(&app, &ana, 0, json!({})).await;
    assert_eq!(stored_files(&app, &ana), 1);
    assert_eq!(app.delete(&board.path(""), &ana.token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored_files(&app, &ana), 0, "the board's files went with it");
}
