//! `make bench-realtime` (bench/realtime.sh starts the server): operators' SSE streams while
//! visitors send messages; reports delivery latency and the server's memory per stream.
//!
//! Phase 1: AGENTS operators, CONNECTIONS streams spread over them, CONVERSATIONS accepted
//! round-robin, RATE visitor messages a second for SECONDS. Latency is from sending the
//! visitor's POST to the `message.created` event arriving on each of the owner's streams.
//! Phase 2: IDLE more streams that only hold on; the server's RSS growth per stream.
//! Every loop is bounded in count and time; everything targets 127.0.0.1.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Bench {
    base: String,
    http: reqwest::Client,
}

impl Bench {
    async fn post(&self, path: &str, token: Option<&str>, headers: &[(&str, &str)], body: Value) -> (u16, Value) {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        match req.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                (status, res.json().await.unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }

    async fn ticket(&self, token: &str) -> String {
        let (status, body) = self.post("/api/v1/events/tickets", Some(token), &[], json!({})).await;
        assert_eq!(status, 201, "ticket: {body}");
        body["ticket"].as_str().unwrap().to_string()
    }
}

fn psql(db: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql").args([db, "-qtAc", sql]).output().expect("psql runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn mailed_token(db: &str, to: &str, link: &str) -> String {
    let body =
        psql(db, &format!("SELECT body FROM email_outbox WHERE to_address = '{to}' ORDER BY created_at DESC LIMIT 1"));
    let at = body.find(link).unwrap_or_else(|| panic!("no {link} mail to {to}")) + link.len();
    body[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A raw SSE connection: the cheapest client, for the idle phase.
async fn raw_stream(port: u16, ticket: &str) -> Option<tokio::net::TcpStream> {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let req =
        format!("GET /api/v1/events?ticket={ticket} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
    s.write_all(req.as_bytes()).await.ok()?;
    let mut buf = [0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf)).await.ok()?.ok()?;
    String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200").then_some(s)
}

#[tokio::main]
async fn main() {
    let base = env("BENCH_BASE", "http://127.0.0.1:18091".to_string());
    let port: u16 = base.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(18091);
    let db = env("BENCH_DB", String::new());
    let pid: u32 = env("BENCH_SERVER_PID", 0);
    let agents_n: usize = env("AGENTS", 50);
    let conns_n: usize = env("CONNECTIONS", 1000);
    let convs_n: usize = env("CONVERSATIONS", 200);
    let rate: u64 = env("RATE", 200);
    let secs: u64 = env("SECONDS", 20);
    let idle_n: usize = env("IDLE", 10_000);
    let b = Arc::new(Bench {
        base: base.clone(),
        http: reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap(),
    });
    let password = "bench password 123";

    // The account, its site (bot off: chats go straight to the Inbox) and its operators.
    let (status, tokens) =
        b.post("/api/v1/auth/login", None, &[], json!({"email": "rt@bench.test", "password": password})).await;
    let tokens = if status == 200 {
        tokens
    } else {
        b.post(
            "/api/v1/auth/signup",
            None,
            &[],
            json!({"account_name": "RT", "name": "RT Admin", "email": "rt@bench.test", "password": password}),
        )
        .await;
        let token = mailed_token(&db, "rt@bench.test", "/verify-email?token=");
        b.post("/api/v1/auth/signup/confirm", None, &[], json!({"token": token})).await.1
    };
    let admin = tokens["access_token"].as_str().expect("admin token").to_string();
    let (_, site) =
        b.post("/api/v1/sites", Some(&admin), &[], json!({"name": format!("rt-{}", std::process::id())})).await;
    let (site_id, site_key) =
        (site["id"].as_str().unwrap().to_string(), site["public_key"].as_str().unwrap().to_string());
    let chat = json!({"bot_enabled": false, "bot_questions": [], "ignore_minutes": 5});
    let res =
        b.http.put(format!("{base}/api/v1/sites/{site_id}/chat")).bearer_auth(&admin).json(&chat).send().await.unwrap();
    assert!(res.status().is_success());
    let mut agents = Vec::new();
    for i in 0..agents_n {
        let email = format!("rt-agent{i}@bench.test");
        let (s, t) = b.post("/api/v1/auth/login", None, &[], json!({"email": email, "password": password})).await;
        let t = if s == 200 {
            t
        } else {
            b.post(
                "/api/v1/invitations",
                Some(&admin),
                &[],
                json!({"email": email, "name": format!("Agent {i}"), "role": "agent"}),
            )
            .await;
            let token = mailed_token(&db, &email, "/accept-invitation?token=");
            b.post("/api/v1/invitations/accept", None, &[], json!({"token": token, "password": password})).await.1
        };
        agents.push(t["access_token"].as_str().expect("agent token").to_string());
    }
    // Conversations, each accepted by one agent in turn.
    let mut visitors = Vec::new();
    for i in 0..convs_n {
        let (s, v) =
            b.post("/api/v1/visitor/conversations", None, &[("x-site-key", &site_key)], json!({"lang": "en"})).await;
        assert_eq!(s, 201, "start chat: {v}");
        let id = v["chat"]["conversation_id"].as_str().unwrap().to_string();
        let (s, body) =
            b.post(&format!("/api/v1/conversations/{id}/accept"), Some(&agents[i % agents_n]), &[], json!({})).await;
        assert_eq!(s, 200, "accept: {body}");
        visitors.push((id, v["visitor_token"].as_str().unwrap().to_string()));
    }
    let rss_before = rss_kib(pid);

    // Phase 1: streams, then messages.
    let sent: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::default();
    let mut readers = Vec::new();
    for k in 0..conns_n {
        let ticket = b.ticket(&agents[k % agents_n]).await;
        let res = b.http.get(format!("{base}/api/v1/events?ticket={ticket}")).send().await.expect("stream opens");
        assert_eq!(res.status().as_u16(), 200);
        let (sent, latencies) = (sent.clone(), latencies.clone());
        readers.push(tokio::spawn(async move {
            let mut res = res;
            let mut buf = String::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(secs + 120);
            while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, res.chunk()).await {
                let now = Instant::now();
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let frame: String = buf.drain(..end + 2).collect();
                    if let Some(at) = frame.find("\"body\":\"b:") {
                        let seq: Option<u64> = frame[at + 10..].split(':').next().and_then(|s| s.parse().ok());
                        if let Some(t0) = seq.and_then(|s| sent.lock().unwrap().get(&s).copied()) {
                            latencies.lock().unwrap().push(now.duration_since(t0).as_secs_f64() * 1000.0);
                        }
                    }
                }
            }
        }));
    }
    let rss_streams = rss_kib(pid);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let total = rate * secs;
    let started = Instant::now();
    let mut posts = Vec::new();
    let mut failures = 0;
    for seq in 0..total {
        let due = started + Duration::from_micros(seq * 1_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        let (id, token) = visitors[seq as usize % convs_n].clone();
        let (b, sent, key) = (b.clone(), sent.clone(), site_key.clone());
        posts.push(tokio::spawn(async move {
            sent.lock().unwrap().insert(seq, Instant::now());
            let path = format!("/api/v1/visitor/conversations/{id}/messages");
            let headers = [("x-site-key", key.as_str()), ("x-visitor-token", token.as_str())];
            b.post(&path, None, &headers, json!({"body": format!("b:{seq}:hello")})).await.0
        }));
    }
    for p in posts {
        if p.await.unwrap_or(0) != 201 {
            failures += 1;
        }
    }
    let send_secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let expected = total as usize * (conns_n / agents_n);
    println!(
        "phase 1: {conns_n} SSE streams over {agents_n} operators, {convs_n} conversations, {rate} msg/s for {secs} s"
    );
    println!("  messages sent: {total} in {send_secs:.1} s ({:.0}/s), failed: {failures}", total as f64 / send_secs);
    println!("  deliveries: {} of {expected} expected", lat.len());
    println!(
        "  latency POST sent -> event received (ms): p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  server RSS: {} MiB before streams, {} MiB with them: {:.1} KiB per stream",
        rss_before / 1024,
        rss_streams / 1024,
        (rss_streams.saturating_sub(rss_before)) as f64 / conns_n as f64
    );
    for r in readers {
        r.abort();
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Phase 2: idle streams.
    let rss_idle_before = rss_kib(pid);
    let mut idle = Vec::with_capacity(idle_n);
    let opening = Instant::now();
    for i in 0..idle_n {
        if opening.elapsed() > Duration::from_secs(300) {
            break;
        }
        let ticket = b.ticket(&agents[i % agents_n]).await;
        if let Some(s) = raw_stream(port, &ticket).await {
            idle.push(s);
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle = rss_kib(pid);
    println!("phase 2: {} idle SSE streams open (of {idle_n}) in {:.1} s", idle.len(), opening.elapsed().as_secs_f64());
    println!(
        "  server RSS: {} MiB before, {} MiB with them: {:.1} KiB per stream",
        rss_idle_before / 1024,
        rss_idle / 1024,
        (rss_idle.saturating_sub(rss_idle_before)) as f64 / idle.len().max(1) as f64
    );
    drop(idle);
}
