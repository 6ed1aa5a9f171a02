//! The load: writers, readers and event streams, and the log of what each request met.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// What happened to one request, and when.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    Written,
    Refused503,
    Unanswered(String),
    /// Failed while being sent on a kept-alive connection the server side had just closed
    /// (nginx's old workers close idle connections on a reload): sent again at once, as a
    /// browser does; counted, not a failure.
    Resent,
    Broken(String),
}

/// A send error with no response at all: the connection was closed under the request.
pub(crate) fn closed_under(e: &reqwest::Error) -> bool {
    e.is_request() && !e.is_timeout() && !e.is_connect()
}

#[derive(Default)]
pub(crate) struct Log {
    pub(crate) outcomes: Vec<(Instant, Outcome)>,
    /// Whether a node accepted writes, sampled every 100 ms.
    pub(crate) primary: Vec<(Instant, Option<u16>)>,
}

pub(crate) struct Driver {
    pub(crate) bases: Vec<String>,
    pub(crate) http: reqwest::Client,
    pub(crate) database_url: String,
    pub(crate) log: Mutex<Log>,
    /// Readers, streams and the primary's watch end when this is set.
    pub(crate) stop: AtomicBool,
    /// Writers end when this is set (first: the streams then catch up with their events).
    pub(crate) stop_writing: AtomicBool,
}

impl Driver {
    pub(crate) fn record(&self, outcome: Outcome) {
        self.log.lock().unwrap().outcomes.push((Instant::now(), outcome));
    }

    pub(crate) fn psql(&self, sql: &str) -> String {
        let out = Command::new("psql").args([&self.database_url, "-Atc", sql]).output().expect("psql runs");
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A write that must succeed (setup), retried while the API is unavailable.
    pub(crate) async fn send(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Value) -> Value {
        for attempt in 0..100 {
            let base = &self.bases[attempt % self.bases.len()];
            let mut req = self.http.request(method.clone(), format!("{base}{path}")).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            match req.send().await {
                Ok(res) if res.status().is_success() => return res.json().await.unwrap_or(Value::Null),
                Ok(res) if res.status() == 503 => {}
                Ok(res) => panic!("{method} {path}: {} {}", res.status(), res.text().await.unwrap_or_default()),
                Err(_) => {}
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{method} {path}: no answer in 20 s");
    }
}

/// One writer: new leads until told to stop; each retried with its key until answered.
pub(crate) async fn writer(
    d: Arc<Driver>,
    key: String,
    site: String,
    run: String,
    w: usize,
    acked: Arc<Mutex<Vec<String>>>,
) {
    let mut n = 0;
    while !d.stop_writing.load(Ordering::Relaxed) {
        n += 1;
        let email = format!("ha-{run}-{w}-{n}@ha.test");
        let body = json!({"site_id": site, "name": format!("HA {w} {n}"), "email": email, "source": "ha"});
        for attempt in 0.. {
            let base = &d.bases[(w + attempt) % d.bases.len()];
            let res = d
                .http
                .post(format!("{base}/api/v1/leads"))
                .bearer_auth(&key)
                .header("Idempotency-Key", format!("ha-{run}-{w}-{n}"))
                .json(&body)
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            let outcome = match res {
                Ok(res) if res.status().is_success() => Outcome::Written,
                Ok(res) if res.status() == 503 => Outcome::Refused503,
                // The same key still being processed (its first try was cut off): wait.
                Ok(res) if res.status() == 409 => Outcome::Unanswered("409 in flight".into()),
                Ok(res) if res.status() == 429 => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
                Ok(res) => Outcome::Broken(format!("{} {}", res.status(), res.text().await.unwrap_or_default())),
                Err(e) if closed_under(&e) => Outcome::Resent,
                Err(e) => Outcome::Unanswered(e.to_string()),
            };
            d.record(outcome.clone());
            match outcome {
                Outcome::Written => {
                    acked.lock().unwrap().push(email.clone());
                    break;
                }
                Outcome::Broken(_) => break,
                Outcome::Resent => continue,
                _ if attempt > 600 => {
                    d.record(Outcome::Broken(format!("{email}: unanswered after 600 tries")));
                    break;
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
}

/// One reader: the client list, page after page, as operators keep reading it.
pub(crate) async fn reader(d: Arc<Driver>, token: String, r: usize) {
    let mut n = r;
    while !d.stop.load(Ordering::Relaxed) {
        n += 1;
        let base = &d.bases[n % d.bases.len()];
        let res = d
            .http
            .get(format!("{base}/api/v1/contacts?limit=50"))
            .bearer_auth(&token)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        let outcome = match res {
            Ok(res) if res.status().is_success() => None,
            Ok(res) if res.status() == 503 => Some(Outcome::Refused503),
            Ok(res) => {
                Some(Outcome::Broken(format!("list: {} {}", res.status(), res.text().await.unwrap_or_default())))
            }
            Err(e) if closed_under(&e) => Some(Outcome::Resent),
            Err(e) => Some(Outcome::Unanswered(format!("list: {e}"))),
        };
        let resend = matches!(outcome, Some(Outcome::Resent));
        if let Some(o) = outcome {
            d.record(o);
        }
        if !resend {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One operator stream: reconnects (alternating instances) with the last id it saw.
pub(crate) async fn stream(
    d: Arc<Driver>,
    token: String,
    s: usize,
    ids: Arc<Mutex<Vec<i64>>>,
    reconnects: Arc<Mutex<usize>>,
) {
    let mut last: Option<i64> = None;
    let mut attempt = s;
    while !d.stop.load(Ordering::Relaxed) {
        attempt += 1;
        let base = d.bases[attempt % d.bases.len()].clone();
        let ticket = match d
            .http
            .post(format!("{base}/api/v1/events/tickets"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
        {
            Ok(res) if res.status().is_success() => {
                res.json::<Value>().await.unwrap()["ticket"].as_str().unwrap().to_string()
            }
            _ => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let mut url = format!("{base}/api/v1/events?ticket={ticket}");
        if let Some(id) = last {
            url.push_str(&format!("&last_event_id={id}"));
        }
        let Ok(mut res) = d.http.get(url).send().await else { continue };
        if !res.status().is_success() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        let mut buffer = String::new();
        loop {
            let chunk = tokio::select! {
                chunk = res.chunk() => chunk,
                _ = tokio::time::sleep(Duration::from_millis(500)) => {
                    if d.stop.load(Ordering::Relaxed) { return } else { continue }
                }
            };
            let Ok(Some(chunk)) = chunk else { break };
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                let id = frame.lines().find_map(|l| l.strip_prefix("id: ")).and_then(|v| v.parse::<i64>().ok());
                if frame.lines().any(|l| l == "event: reset") {
                    d.record(Outcome::Broken(format!("stream {s}: reset (events it missed are gone)")));
                }
                if let Some(id) = id {
                    ids.lock().unwrap().push(id);
                    last = Some(id);
                }
            }
        }
        *reconnects.lock().unwrap() += 1;
    }
}

/// Samples which node accepts writes, every 100 ms.
pub(crate) async fn watch_primary(d: Arc<Driver>, ports: Vec<u16>) {
    while !d.stop.load(Ordering::Relaxed) {
        let mut primary = None;
        for port in &ports {
            let out = tokio::process::Command::new("psql")
                .args([
                    &format!("postgres://postgres@127.0.0.1:{port}/prospecta?sslmode=disable&connect_timeout=1"),
                    "-Atc",
                    "SELECT pg_is_in_recovery()",
                ])
                .output()
                .await;
            if matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).trim() == "f") {
                primary = Some(*port);
            }
        }
        d.log.lock().unwrap().primary.push((Instant::now(), primary));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
