//! An integration's whole round with the generated client, run by `scripts/contract.sh`
//! against a served build (`cargo run -p prospecta-client --example workflow -- BASE_URL`).
//! A person signs in once to create an API key; everything after uses the key alone: a
//! webhook subscription (a receiver on loopback checks each signature; the server runs with
//! `WEBHOOK_ALLOW_PRIVATE`), a lead with an Idempotency-Key (sent twice, one client), the
//! client list paged to its end, an edit, the CSV export, a board, a card moved, a file up and
//! back byte for byte, a task, and the signed events they caused.
use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use futures_util::TryStreamExt;
use hmac::{Hmac, Mac};
use prospecta_client::{types, Client};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A request body from JSON: typify's types check every constraint the spec states.
fn body<T: DeserializeOwned>(value: Value) -> Result<T, Failure> {
    Ok(serde_json::from_value(value)?)
}

/// One delivery as the receiver heard it.
#[derive(Clone, Debug)]
struct Delivery {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// A webhook receiver on loopback: answers 204 to each POST and keeps what it heard.
async fn receiver() -> Result<(String, Arc<Mutex<Vec<Delivery>>>), Failure> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hooks", listener.local_addr()?);
    let heard = Arc::new(Mutex::new(Vec::new()));
    let keep = heard.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 8192];
                // Requests on one connection, one after another (the sender keeps it alive).
                loop {
                    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buffer[..end]).to_string();
                    let header = |name: &str| {
                        head.lines()
                            .filter_map(|line| line.split_once(':'))
                            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
                            .map(|(_, value)| value.trim().to_string())
                            .unwrap_or_default()
                    };
                    let length: usize = header("content-length").parse().unwrap_or(0);
                    while buffer.len() < end + 4 + length {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let body = String::from_utf8_lossy(&buffer[end + 4..end + 4 + length]).to_string();
                    keep.lock().unwrap().push(Delivery {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body,
                    });
                    buffer.drain(..end + 4 + length);
                    if socket.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok((url, heard))
}

/// Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes.
fn signed_by(delivery: &Delivery, secret: &str) -> Result<bool, Failure> {
    let key = STANDARD.decode(secret.trim_start_matches("whsec_"))?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key)?;
    mac.update(format!("{}.{}.{}", delivery.id, delivery.timestamp, delivery.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    Ok(delivery.signature.split(' ').any(|s| s == expected))
}

fn client_with(base: &str, header: &str, value: &str) -> Result<Client, Failure> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::HeaderName::from_bytes(header.as_bytes())?, value.parse()?);
    let http = reqwest::Client::builder().default_headers(headers).timeout(Duration::from_secs(30)).build()?;
    Ok(Client::new_with_client(base, http))
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let base = std::env::args().nth(1).ok_or("usage: workflow BASE_URL")?;
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();

    // A person signs in once to create the key.
    let anonymous = Client::new(&base);
    let tokens = anonymous
        .login()
        .body(body::<types::LoginRequest>(json!({"email": "admin@demo.prospecta.dev", "password": "prospecta-demo"}))?)
        .send()
        .await?
        .into_inner();
    let person = client_with(&base, "authorization", &format!("Bearer {}", *tokens.access_token))?;
    let scopes = [
        "leads:ingest",
        "contacts:read",
        "contacts:write",
        "boards:read",
        "boards:write",
        "tasks:write",
        "users:read",
        "webhooks:manage",
    ];
    let created = person
        .create_api_key()
        .body(body::<types::CreateApiKeyRequest>(json!({"name": format!("progenitor {stamp}"), "scopes": scopes}))?)
        .send()
        .await?
        .into_inner();
    let api = client_with(&base, "x-api-key", &created.secret)?;

    // The receiver subscribes first, so that it hears what follows.
    let (url, heard) = receiver().await?;
    let subscription = api
        .create_webhook()
        .body(body::<types::CreateWebhookRequest>(
            json!({"url": url, "event_types": ["lead.received", "card.moved", "task.created"]}),
        )?)
        .send()
        .await?
        .into_inner();

    // A lead, sent twice with one Idempotency-Key: one client.
    let email = format!("progenitor-{stamp}@example.com");
    let lead = body::<types::IngestLeadRequest>(json!({"email": email, "name": "Progenitor Client"}))?;
    let key = format!("progenitor-{stamp}");
    let mut contact_ids = Vec::new();
    for _ in 0..2 {
        let answer = api.ingest_lead().idempotency_key(key.as_str()).body(lead.clone()).send().await?.into_inner();
        match answer {
            types::IngestLeadAnswer::IngestLeadResponse(received) => contact_ids.push(received.contact.id),
            other => return Err(format!("an API key gets the contact back, got {other:?}").into()),
        }
    }
    if contact_ids[0] != contact_ids[1] {
        return Err("the same Idempotency-Key made two clients".into());
    }
    let contact_id = contact_ids[0];

    // Every client, 50 at a time, to the end.
    let (mut cursor, mut seen, mut found) = (None::<String>, 0, false);
    for _ in 0..1000 {
        let mut request = api.list_contacts().limit(std::num::NonZeroU64::new(50).unwrap());
        if let Some(cursor) = &cursor {
            request = request.cursor(cursor.as_str());
        }
        let page = request.send().await?.into_inner();
        seen += page.items.len();
        found |= page.items.iter().any(|c| c.id == contact_id);
        match page.next_cursor {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    if !found {
        return Err(format!("paged {seen} clients without the new lead").into());
    }

    let edited = api
        .update_contact()
        .id(contact_id)
        .body(body::<types::UpdateContactRequest>(json!({"rating": 4, "tags": ["rust"]}))?)
        .send()
        .await?
        .into_inner();
    if edited.rating != Some(4) {
        return Err(format!("rating {:?}", edited.rating).into());
    }
    api.add_note()
        .id(contact_id)
        .body(body::<types::CreateNoteRequest>(json!({"body": "Called from Rust"}))?)
        .send()
        .await?;
    let csv = api.export_contacts().send().await?.into_inner();
    let csv: Vec<u8> = csv.into_inner().map_ok(|b| b.to_vec()).try_concat().await?;
    if !String::from_utf8_lossy(&csv).contains(&email) {
        return Err("the export holds the new lead".into());
    }

    // A board, a card moved to the second stage, and a file up and back byte for byte.
    let board = api
        .create_board()
        .body(body::<types::CreateBoardRequest>(
            json!({"name": format!("Progenitor {stamp}"), "template": "sales_pipeline"}),
        )?)
        .send()
        .await?
        .into_inner();
    let card = api
        .create_card()
        .id(board.id)
        .body(body::<types::CreateCardRequest>(json!({"title": "Contract", "stage_id": board.stages[0].id}))?)
        .send()
        .await?
        .into_inner();
    let moved = api
        .move_card()
        .id(card.id)
        .body(body::<types::MoveCardRequest>(json!({"stage_id": board.stages[1].id}))?)
        .send()
        .await?
        .into_inner();
    if moved.stage_id != board.stages[1].id {
        return Err("the card did not move".into());
    }
    let bytes: Vec<u8> = (0..=255u8).chain([0x89, b'P', b'N', b'G']).collect();
    let uploaded =
        api.upload_attachment().id(card.id).filename("bytes.bin").body(bytes.clone()).send().await?.into_inner();
    if uploaded.size_bytes != bytes.len() as i64 {
        return Err(format!("stored {} bytes, sent {}", uploaded.size_bytes, bytes.len()).into());
    }
    let download = api.download_attachment().id(card.id).attachment_id(uploaded.id).send().await?;
    let back: Vec<u8> = download.into_inner().into_inner().map_ok(|b| b.to_vec()).try_concat().await?;
    if back != bytes {
        return Err("the file came back changed".into());
    }

    // A task on the card, for a user (a key names whom).
    let users = api.list_users().send().await?.into_inner();
    let task = api
        .create_task()
        .body(body::<types::CreateTaskRequest>(
            json!({"title": "Send the contract", "card_id": card.id, "assignee_id": users.items[0].id}),
        )?)
        .send()
        .await?
        .into_inner();

    // The receiver heard the lead, the move and the task, each signed with the secret.
    let mut deliveries = Vec::new();
    for _ in 0..200 {
        deliveries = heard.lock().unwrap().clone();
        if deliveries.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut kinds: Vec<String> = Vec::new();
    for delivery in &deliveries {
        if !signed_by(delivery, &subscription.secret)? {
            return Err(format!("the signature of {} did not verify", delivery.id).into());
        }
        let event: Value = serde_json::from_str(&delivery.body)?;
        kinds.push(event["type"].as_str().unwrap_or_default().to_string());
        if event["type"] == "task.created" && event["data"]["task"]["id"] != json!(task.id) {
            return Err("the task event names another task".into());
        }
    }
    kinds.sort();
    if kinds != ["card.moved", "lead.received", "task.created"] {
        return Err(format!("received {kinds:?}").into());
    }
    api.delete_webhook().id(subscription.webhook.id).send().await?;
    println!("progenitor client: ok (key, webhook, lead twice, paging, edit, export, board, card, move, file, task, signed events)");
    Ok(())
}
