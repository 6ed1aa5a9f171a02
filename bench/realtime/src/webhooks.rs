//! `make bench-webhooks` (bench/webhooks.sh starts the server): how fast the webhook sender
//! drains its outbox to a receiver on loopback, and how long an event waits at a steady rate.
//!
//! Phase 1 (capacity): BACKLOG deliveries written at once; the time until the receiver has
//! them all gives events per second. Phase 2 (latency): RATE deliveries a second for SECONDS,
//! each body carrying the moment it was written; latency is from that write to its arrival.
//! Deliveries are written with SQL as `platform::webhooks::publish` writes them (the outbox
//! row is the event's cost to the change that makes it; the API's own cost is in `make bench`'s
//! ingestion row). Every subject is distinct, as with many clients changing at once. Bounded in
//! count and time; everything on 127.0.0.1.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn psql(db: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql").args([db, "-qtAc", sql]).output().expect("psql runs");
    assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// What the receiver saw: how many requests, and each latency (ms) read from its body.
#[derive(Default)]
struct Seen {
    count: AtomicUsize,
    latencies: Mutex<Vec<f64>>,
}

/// A minimal HTTP/1.1 receiver with keep-alive: reads a request, answers 204.
async fn serve(listener: tokio::net::TcpListener, seen: Arc<Seen>) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else { continue };
        let seen = seen.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(8192);
            let mut chunk = [0u8; 8192];
            loop {
                // Headers.
                let head_end = loop {
                    if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).to_string();
                buf.drain(..head_end + length);
                let written = body.split("\"written_ms\"").nth(1).and_then(|r| {
                    let r = r.trim_start_matches([' ', ':']);
                    r.split(|c: char| c != '.' && !c.is_ascii_digit()).next().and_then(|n| n.parse::<f64>().ok())
                });
                if let Some(written) = written {
                    seen.latencies.lock().unwrap().push(now_ms() - written);
                }
                seen.count.fetch_add(1, Ordering::Relaxed);
                if socket.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await.is_err() {
                    return;
                }
            }
        });
    }
}

/// Writes `n` pending deliveries to endpoint `endpoint`, each its own subject, with the
/// moment of writing in the body.
fn write_deliveries(db: &str, endpoint: &str, n: usize) {
    psql(
        db,
        &format!(
            "INSERT INTO webhook_deliveries (account_id, endpoint_id, message_id, kind, subject, body)
             SELECT e.account_id, e.id, 'msg_' || md5(random()::text), 'lead.received', gen_random_uuid(),
                    json_build_object('type', 'lead.received', 'timestamp', now(),
                      'data', json_build_object('written_ms', extract(epoch FROM clock_timestamp()) * 1000))::text
             FROM webhook_endpoints e, generate_series(1, {n}) WHERE e.id = '{endpoint}'"
        ),
    );
}

async fn wait_for(seen: &Seen, total: usize, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while seen.count.load(Ordering::Relaxed) < total {
        if started.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Some(started.elapsed())
}

#[tokio::main]
async fn main() {
    let db = env("BENCH_DB", String::new());
    let backlog: usize = env("BACKLOG", 20_000);
    let rate: usize = env("RATE", 1000);
    let secs: usize = env("SECONDS", 15);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    tokio::spawn(serve(listener, seen.clone()));

    // An account and an enabled endpoint, written directly (the API's part is tested elsewhere).
    let account = psql(&db, "INSERT INTO accounts (id, name) VALUES (gen_random_uuid(), 'Webhook bench') RETURNING id");
    let account = account.lines().next().unwrap_or_default().to_string();
    let endpoint = psql(
        &db,
        &format!(
            "INSERT INTO webhook_endpoints (id, account_id, url, secret) VALUES (gen_random_uuid(), '{account}', '{url}',
             'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') RETURNING id"
        ),
    );
    let endpoint = endpoint.lines().next().unwrap_or_default().to_string();

    println!("phase 1: {backlog} deliveries written at once");
    let written = Instant::now();
    write_deliveries(&db, &endpoint, backlog);
    let write_ms = written.elapsed().as_secs_f64() * 1000.0;
    let drained = wait_for(&seen, backlog, Duration::from_secs(300)).await;
    let received = seen.count.load(Ordering::Relaxed);
    match drained {
        Some(took) => println!(
            "  drained in {:.2} s (written in {write_ms:.0} ms): {:.0} events/s",
            took.as_secs_f64(),
            backlog as f64 / took.as_secs_f64()
        ),
        None => println!("  not drained in 300 s: {received} of {backlog}"),
    }
    seen.latencies.lock().unwrap().clear();
    let base = seen.count.load(Ordering::Relaxed);

    println!("phase 2: {rate} deliveries/s for {secs} s");
    let tick = Duration::from_millis(100);
    let per_tick = (rate / 10).max(1);
    let started = Instant::now();
    let mut next = Instant::now();
    for _ in 0..secs * 10 {
        let (db, endpoint) = (db.clone(), endpoint.clone());
        tokio::task::spawn_blocking(move || write_deliveries(&db, &endpoint, per_tick)).await.unwrap();
        next += tick;
        tokio::time::sleep_until(next.into()).await;
    }
    let expected = base + per_tick * secs * 10;
    let finished = wait_for(&seen, expected, Duration::from_secs(120)).await.is_some();
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat = seen.latencies.lock().unwrap().clone();
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "  delivered {} of {} in {elapsed:.1} s{}; latency written → received (ms): p50 {:.0} p90 {:.0} p99 {:.0} max {:.0}",
        seen.count.load(Ordering::Relaxed) - base,
        expected - base,
        if finished { "" } else { " (NOT ALL)" },
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    psql(&db, &format!("DELETE FROM accounts WHERE id = '{account}'"));
}
