//! Webhooks end to end: a receiver on loopback gets signed events of the kinds it chose, a
//! failing one gets retries in order per subject, a sender that died is taken over, and the
//! edges (private addresses, sustained failure, rotation, other accounts) hold.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::{fields, problem, Session, TestApp};

/// One request as the receiver saw it.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    /// What the receiver answered.
    status: u16,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A webhook receiver on 127.0.0.1 that answers the n-th request (0-based) with
/// `answer(n)` and remembers every request.
struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Received>>>,
    /// The ids whose answer was sent in full (a request whose sender went away is not).
    answered: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    fn start(answer: impl Fn(usize) -> u16 + Send + Sync + Clone + 'static) -> Receiver {
        Receiver::start_slow(Duration::ZERO, answer)
    }

    /// Answers each request after `delay`.
    fn start_slow(delay: Duration, answer: impl Fn(usize) -> u16 + Send + Sync + Clone + 'static) -> Receiver {
        let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
        let answered: Arc<Mutex<Vec<String>>> = Arc::default();
        let (kept, done) = (seen.clone(), answered.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let server = HttpServer::new(move || {
            let (kept, done, answer) = (kept.clone(), done.clone(), answer.clone());
            App::new().route(
                "/hook",
                web::post().to(move |req: HttpRequest, body: String| {
                    let (kept, done, answer) = (kept.clone(), done.clone(), answer.clone());
                    async move {
                        let header = |n: &str| {
                            req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
                        };
                        let status = {
                            let mut seen = kept.lock().unwrap();
                            let status = answer(seen.len());
                            seen.push(Received {
                                id: header("webhook-id"),
                                timestamp: header("webhook-timestamp"),
                                signature: header("webhook-signature"),
                                body,
                                status,
                            });
                            status
                        };
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        done.lock().unwrap().push(header("webhook-id"));
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).body("thanks")
                    }
                }),
            )
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Receiver { url, seen, answered }
    }

    fn seen(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until `done` holds for what was received.
    async fn until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        for _ in 0..500 {
            let seen = self.seen();
            if done(&seen) {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{what}: received {:#?}", self.seen());
    }

    /// The bodies of the requests answered 2xx, in arrival order.
    fn delivered(&self) -> Vec<Value> {
        self.seen().iter().filter(|r| (200..300).contains(&r.status)).map(Received::json).collect()
    }
}

/// Checks a request's signature as a receiver would, by hand: HMAC-SHA256 keyed with the
/// base64 after `whsec_`, over `id.timestamp.body`; true when one of its `v1,` matches.
fn verifies(secret: &str, r: &Received) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    r.signature.split(' ').any(|s| s == expected)
}

/// A server that may call loopback, polls often and retries within milliseconds.
async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| {
        c.webhooks.allow_private = true;
        c.webhooks.poll = Duration::from_millis(20);
        c.webhooks.retry_scale = 0.002; // 10 ms, 0.6 s, 3.6 s…
    })
    .await
}

async fn subscribe(app: &TestApp, admin: &Session, url: &str, types: &[&str]) -> (String, String) {
    let res = app.post("/api/v1/webhooks", Some(&admin.token), &json!({"url": url, "event_types": types})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    (created["webhook"]["id"].as_str().unwrap().to_string(), secret)
}

#[tokio::test]
async fn a_subscription_gets_signed_events_of_the_kinds_it_chose() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let receiver = Receiver::start(|_| 200);
    let kinds = ["contact.created", "lead.received", "contact.status_changed", "task.created"];
    let (hook, secret) = subscribe(&app, &admin, &receiver.url, &kinds).await;

    let res =
        app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Maria", "email": "maria@example.com"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let maria: Value = res.json().await.unwrap();
    let id = maria["id"].as_str().unwrap();
    // Not chosen: a rename (contact.updated). Chosen: the status.
    app.patch(&format!("/api/v1/contacts/{id}"), &admin.token, &json!({"name": "Maria Silva"})).await;
    app.patch(&format!("/api/v1/contacts/{id}"), &admin.token, &json!({"status": "in_progress"})).await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await.secret;
    app.ingest_ok(&key, &json!({"name": "João", "email": "joao@example.com", "source": "google"})).await;
    let res = app.post("/api/v1/tasks", Some(&admin.token), &json!({"title": "Call Maria", "contact_id": id})).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let seen = receiver.until("five events", |s| s.len() >= 5).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let seen_now = receiver.seen();
    assert_eq!(seen_now.len(), 5, "nothing else (no contact.updated): {seen_now:#?}");
    for r in &seen {
        assert!(verifies(&secret, r), "signature checks out: {r:?}");
        assert!(r.id.starts_with("msg_"));
        let age = chrono::Utc::now().timestamp() - r.timestamp.parse::<i64>().unwrap();
        assert!((0..60).contains(&age));
    }
    // Different subjects go side by side (any order); one subject's in order.
    let bodies: Vec<Value> = seen.iter().map(Received::json).collect();
    let mut types: Vec<&str> = bodies.iter().map(|b| b["type"].as_str().unwrap()).collect();
    types.sort();
    assert_eq!(
        types,
        ["contact.created", "contact.created", "contact.status_changed", "lead.received", "task.created"]
    );
    let of = |kind: &str, email: &str| {
        bodies
            .iter()
            .position(|b| b["type"] == kind && b["data"]["contact"]["email"] == email)
            .unwrap_or_else(|| panic!("no {kind} of {email}"))
    };
    let (created, status) =
        (of("contact.created", "maria@example.com"), of("contact.status_changed", "maria@example.com"));
    assert!(created < status, "Maria's events in order");
    assert_eq!(bodies[created]["data"]["actor"], admin.user.name.as_str());
    let change = &bodies[status]["data"]["changes"][0];
    assert_eq!(
        (change["field"].as_str(), change["old"].as_str(), change["new"].as_str()),
        (Some("status"), Some("to_contact"), Some("in_progress"))
    );
    assert_eq!(bodies[status]["data"]["contact"]["name"], "Maria Silva", "the client as it is now");
    let lead = &bodies[of("lead.received", "joao@example.com")];
    assert_eq!(lead["data"]["contact"]["source"], "google");
    assert_eq!(lead["data"]["actor"], "API key \"Chatbot\"");
    let task = bodies.iter().find(|b| b["type"] == "task.created").unwrap();
    assert_eq!(task["data"]["task"]["title"], "Call Maria");
    let mut ids: Vec<&str> = seen.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "each event its own message id");

    // The delivery log shows each one delivered with the endpoint's answer and exact body.
    let log: Value = app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &admin.token).await.json().await.unwrap();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(items.iter().all(|d| d["status"] == "delivered" && d["response_status"] == 200 && d["attempts"] == 1));
    assert_eq!(items[0]["response_excerpt"], "thanks");
    let newest = items[0]["body"].as_str().unwrap();
    assert!(seen.iter().any(|r| r.body == newest), "the body exactly as signed");
    assert!(items.windows(2).all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()), "newest first");

    // A test event goes to this endpoint whatever it chose; redelivery sends the same message.
    let res = app.post(&format!("/api/v1/webhooks/{hook}/test"), Some(&admin.token), &json!({})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["event_type"], "webhook.test");
    let seen = receiver.until("the test event", |s| s.len() >= 6).await;
    assert_eq!(seen[5].json()["data"]["webhook_id"], hook.as_str());
    let path = format!("/api/v1/webhooks/{hook}/deliveries/{}/redeliver", queued["id"]);
    let res = app.post(&path, Some(&admin.token), &json!({})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let seen = receiver.until("the redelivery", |s| s.len() >= 7).await;
    assert_eq!((seen[6].id.as_str(), seen[6].body.as_str()), (seen[5].id.as_str(), seen[5].body.as_str()));
}

#[tokio::test]
async fn a_failing_endpoint_gets_retries_and_one_subjects_events_in_order() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    // The first three requests fail (500), then every one succeeds.
    let receiver = Receiver::start(|n| if n < 3 { 500 } else { 204 });
    let (hook, _) = subscribe(&app, &admin, &receiver.url, &["contact.updated"]).await;
    let res =
        app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Maria", "email": "m@example.com"})).await;
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    for name in ["A", "B", "C", "D"] {
        let res = app.patch(&format!("/api/v1/contacts/{id}"), &admin.token, &json!({"name": name})).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    receiver.until("four delivered", |s| s.iter().filter(|r| r.status == 204).count() >= 4).await;
    let names: Vec<String> =
        receiver.delivered().iter().map(|b| b["data"]["contact"]["name"].as_str().unwrap().to_string()).collect();
    let news: Vec<String> =
        receiver.delivered().iter().map(|b| b["data"]["changes"][0]["new"].as_str().unwrap().to_string()).collect();
    assert_eq!(news, ["A", "B", "C", "D"], "in the order they happened, each once");
    assert_eq!(names.len(), 4);
    // Every failed attempt was retried with the same id, before any later event was sent.
    let seen = receiver.seen();
    assert_eq!(seen[0].id, seen[1].id);
    assert_eq!(seen[1].id, seen[2].id);
    assert_eq!(seen[2].id, seen[3].id, "the first event until it got through");
    let log: Value = app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &admin.token).await.json().await.unwrap();
    let first = log["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((first["status"].as_str(), first["attempts"].as_i64()), (Some("delivered"), Some(4)));
    let view: Value = app.get(&format!("/api/v1/webhooks/{hook}"), &admin.token).await.json().await.unwrap();
    assert!(view["failing_since"].is_null(), "a success ends the failure: {view}");
}

#[tokio::test]
async fn a_delivery_held_by_a_sender_that_died_is_taken_over_when_its_lease_ends() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let receiver = Receiver::start(|_| 200);
    let (hook, _) = subscribe(&app, &admin, &receiver.url, &[]).await;
    // As a sender would leave it, killed mid-request: attempt counted, lease running.
    app.conn_exec(&format!(
        "INSERT INTO webhook_deliveries (account_id, endpoint_id, message_id, kind, body, attempts, lease_until, last_attempt_at)
         SELECT account_id, id, 'msg_orphan', 'webhook.test', '{{\"type\":\"webhook.test\"}}', 1, now() + interval '1 second', now()
         FROM webhook_endpoints WHERE id = '{hook}'"
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(receiver.seen().is_empty(), "not while the lease runs");
    let seen = receiver.until("taken over", |s| !s.is_empty()).await;
    assert_eq!(seen[0].id, "msg_orphan");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.seen().len(), 1, "sent once");
    assert_eq!(app.count("SELECT attempts FROM webhook_deliveries WHERE message_id = 'msg_orphan'"), 2);
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let app = TestApp::spawn_with(|c| c.webhooks.poll = Duration::from_millis(20)).await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let receiver = Receiver::start(|_| 200);
    for url in
        [receiver.url.clone(), "http://10.0.0.8/hook".into(), "http://[::1]/x".into(), "http://localhost:9/x".into()]
    {
        let res = app.post("/api/v1/webhooks", Some(&admin.token), &json!({"url": url})).await;
        let refused = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&refused), ["url"], "{url}");
    }
    // A name is checked each time it is resolved: one that has come to resolve to loopback
    // since it was saved (DNS rebinding; here written past the save check) is not called.
    let (hook, _) = subscribe(&app, &admin, "https://hooks.example.com/a", &[]).await;
    let port = receiver.url.trim_start_matches("http://127.0.0.1:").trim_end_matches("/hook").to_string();
    app.conn_exec(&format!("UPDATE webhook_endpoints SET url = 'http://localhost:{port}/hook' WHERE id = '{hook}'"));
    app.post(&format!("/api/v1/webhooks/{hook}/test"), Some(&admin.token), &json!({})).await;
    let path = format!("/api/v1/webhooks/{hook}/deliveries");
    let mut last = Value::Null;
    for _ in 0..250 {
        last = app.get(&path, &admin.token).await.json().await.unwrap();
        if last["items"][0]["attempts"].as_i64() >= Some(1) && last["items"][0]["error"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let error = last["items"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("refused") && error.contains("non-public"), "{last}");
    assert!(receiver.seen().is_empty(), "the loopback receiver was never called");
}

#[tokio::test]
async fn an_endpoint_failing_too_long_is_turned_off_and_admins_told() {
    let app = TestApp::spawn_with(|c| {
        c.webhooks.allow_private = true;
        c.webhooks.poll = Duration::from_millis(20);
        c.webhooks.retry_scale = 0.002;
        c.webhooks.disable_after_hours = 0;
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let receiver = Receiver::start(|_| 503);
    let (hook, _) = subscribe(&app, &admin, &receiver.url, &[]).await;
    app.post(&format!("/api/v1/webhooks/{hook}/test"), Some(&admin.token), &json!({})).await;
    let mut view = Value::Null;
    for _ in 0..250 {
        view = app.get(&format!("/api/v1/webhooks/{hook}"), &admin.token).await.json().await.unwrap();
        if view["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(view["enabled"], false, "{view}");
    assert!(view["disabled_reason"].as_str().unwrap().contains("failed"));
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE to_address = 'ana@acme.test' AND subject = 'A webhook was turned off'"), 1);
    // Off: nothing is sent, a test is refused; turned on again, the failure is forgotten.
    let res = app.post(&format!("/api/v1/webhooks/{hook}/test"), Some(&admin.token), &json!({})).await;
    problem(res, StatusCode::CONFLICT).await;
    let res = app.patch(&format!("/api/v1/webhooks/{hook}"), &admin.token, &json!({"enabled": true})).await;
    let on: Value = res.json().await.unwrap();
    assert_eq!(
        (on["enabled"].as_bool(), on["disabled_reason"].is_null(), on["failing_since"].is_null()),
        (Some(true), true, true)
    );
}

#[tokio::test]
async fn during_a_rotation_both_secrets_sign() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let receiver = Receiver::start(|_| 200);
    let (hook, old) = subscribe(&app, &admin, &receiver.url, &[]).await;
    let res = app.post(&format!("/api/v1/webhooks/{hook}/rotate-secret"), Some(&admin.token), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let rotated: Value = res.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert!(rotated["webhook"]["previous_secret_until"].is_string());
    app.post(&format!("/api/v1/webhooks/{hook}/test"), Some(&admin.token), &json!({})).await;
    let seen = receiver.until("the test event", |s| !s.is_empty()).await;
    assert_eq!(seen[0].signature.split(' ').count(), 2);
    assert!(verifies(&old, &seen[0]) && verifies(new, &seen[0]));
    // The overlap over, only the new secret signs.
    app.conn_exec("UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 second'");
    app.post(&format!("/api/v1/webhooks/{hook}/test"), Some(&admin.token), &json!({})).await;
    let seen = receiver.until("the second test event", |s| s.len() >= 2).await;
    assert!(verifies(new, &seen[1]) && !verifies(&old, &seen[1]));
}

#[tokio::test]
async fn webhooks_are_an_admins_and_their_own_accounts() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    let other = app.signup("Other", "olga@other.test").await;
    let (hook, _) = subscribe(&app, &admin, "https://hooks.example.com/a", &["card.won"]).await;
    let res = app.get("/api/v1/webhooks", &agent.token).await;
    problem(res, StatusCode::FORBIDDEN).await;
    for path in [format!("/api/v1/webhooks/{hook}"), format!("/api/v1/webhooks/{hook}/deliveries")] {
        problem(app.get(&path, &other.token).await, StatusCode::NOT_FOUND).await;
    }
    let res = app.patch(&format!("/api/v1/webhooks/{hook}"), &other.token, &json!({"enabled": false})).await;
    problem(res, StatusCode::NOT_FOUND).await;
    problem(app.delete(&format!("/api/v1/webhooks/{hook}"), &other.token).await, StatusCode::NOT_FOUND).await;
    let listed: Value = app.get("/api/v1/webhooks", &other.token).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    // Bad input names its field and writes nothing.
    for (body, field) in [
        (json!({"url": "https://a.example.com", "event_types": ["typing"]}), "event_types"),
        (json!({"url": "https://a.example.com", "event_types": ["card.won", "card.won"]}), "event_types"),
        (json!({"url": "ftp://a.example.com"}), "url"),
    ] {
        let res = app.post("/api/v1/webhooks", Some(&admin.token), &body).await;
        let refused = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&refused), [field], "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints"), 1);
    // Each account's changes go to its own endpoints only.
    let receiver = Receiver::start(|_| 200);
    subscribe(&app, &other, &receiver.url, &["contact.created"]).await;
    app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Acme's", "email": "a@example.com"})).await;
    app.post("/api/v1/contacts", Some(&other.token), &json!({"name": "Other's", "email": "o@example.com"})).await;
    let seen = receiver.until("other's client", |s| !s.is_empty()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.seen().len(), 1);
    assert_eq!(seen[0].json()["data"]["contact"]["name"], "Other's");
    let res = app.delete(&format!("/api/v1/webhooks/{hook}"), &admin.token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

/// The server binary as a child process, killed (SIGKILL) when dropped.
struct ServerProcess(std::process::Child);

impl ServerProcess {
    /// `prospecta serve` on `database_url`, sending webhooks with a 1 s timeout.
    async fn start(database_url: &str) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_prospecta"))
            .args(["serve", "--dev"])
            .env("DATABASE_URL", database_url)
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("WEBHOOK_ALLOW_PRIVATE", "true")
            .env("WEBHOOK_TIMEOUT_MS", "1000")
            .env("WEBHOOK_POLL_MS", "20")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("the server binary runs");
        let ready = format!("http://127.0.0.1:{port}/readyz");
        let mut process = ServerProcess(child);
        for _ in 0..200 {
            if reqwest::get(&ready).await.is_ok_and(|r| r.status().is_success()) {
                return process;
            }
            assert!(process.0.try_wait().unwrap().is_none(), "the server exited at start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready");
    }

    fn kill_9(&mut self) {
        self.0.kill().unwrap(); // SIGKILL: no graceful stop, requests cut mid-way
        self.0.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_sender_killed_mid_delivery_loses_nothing() {
    // This server only writes deliveries; the child processes send them.
    let app = TestApp::spawn_with(|c| {
        c.webhooks.send = false;
        c.webhooks.allow_private = true;
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    // Each answer takes 600 ms: the kill lands while requests are under way.
    let receiver = Receiver::start_slow(Duration::from_millis(600), |_| 200);
    subscribe(&app, &admin, &receiver.url, &["contact.created"]).await;
    for i in 0..6 {
        let body = json!({"name": format!("Client {i}"), "email": format!("c{i}@example.com")});
        assert_eq!(app.post("/api/v1/contacts", Some(&admin.token), &body).await.status(), StatusCode::CREATED);
    }
    let mut first = ServerProcess::start(&app.database_url).await;
    receiver.until("a delivery under way", |s| !s.is_empty()).await;
    first.kill_9();
    let cut: Vec<String> = receiver.seen().iter().map(|r| r.id.clone()).collect();
    let answered_before = receiver.answered.lock().unwrap().len();
    assert!(answered_before < cut.len(), "some were cut mid-request: {answered_before} of {}", cut.len());

    // Another instance takes them over once their lease (2 × 1 s + 5 s) is out.
    let _second = ServerProcess::start(&app.database_url).await;
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for _ in 0..1000 {
            let delivered = app.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'");
            if delivered == 6 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        ids.extend(receiver.answered.lock().unwrap().iter().cloned());
        ids
    };
    assert_eq!(app.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'"), 6);
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "every event answered at least once: {ids:?}");
    for id in &cut {
        assert!(ids.contains(id), "{id}, cut by the kill, was sent again");
    }
}

#[tokio::test]
async fn a_deal_won_or_lost_is_announced_as_such() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let receiver = Receiver::start(|_| 200);
    subscribe(&app, &admin, &receiver.url, &["card.won", "card.lost"]).await;
    let res =
        app.post("/api/v1/boards", Some(&admin.token), &json!({"name": "Sales", "template": "sales_pipeline"})).await;
    let board: Value = res.json().await.unwrap();
    let stage = board["stages"][0]["id"].clone();
    let path = format!("/api/v1/boards/{}/cards", board["id"].as_str().unwrap());
    let res =
        app.post("/api/v1/contacts", Some(&admin.token), &json!({"name": "Maria", "email": "m@example.com"})).await;
    let contact: Value = res.json().await.unwrap();
    let won: Value = app
        .post(&path, Some(&admin.token), &json!({"title": "Won", "stage_id": stage, "contact_id": contact["id"]}))
        .await
        .json()
        .await
        .unwrap();
    let lost: Value =
        app.post(&path, Some(&admin.token), &json!({"title": "Lost", "stage_id": stage})).await.json().await.unwrap();
    let (won_id, lost_id) = (won["id"].as_str().unwrap(), lost["id"].as_str().unwrap());
    let res = app.post(&format!("/api/v1/cards/{won_id}/convert"), Some(&admin.token), &json!({"to": "client"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.post(&format!("/api/v1/cards/{lost_id}/lose"), Some(&admin.token), &json!({"reason": "price"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let seen = receiver.until("won and lost", |s| s.len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.seen().len(), 2, "only the chosen kinds (no card.created, card.updated)");
    let mut got: Vec<(String, String)> = seen
        .iter()
        .map(|r| {
            (r.json()["type"].as_str().unwrap().to_string(), r.json()["data"]["card_id"].as_str().unwrap().to_string())
        })
        .collect();
    got.sort();
    assert_eq!(got, [("card.lost".to_string(), lost_id.to_string()), ("card.won".to_string(), won_id.to_string())]);
}
