//! `make test-ha`'s driver (scripts/ha/run.sh starts the formation and two instances): leads
//! sent 16 at a time with `Idempotency-Key`s through both instances, operator event streams
//! open on both, while each step in `HA_STEPS` happens to the database (a command of
//! scripts/ha/cluster.sh). Exits non-zero when a promise breaks:
//! - no 500 (or any answer other than success, 503, or 409 for a key still in flight);
//! - 503s and unanswered requests only from the step until its new primary serves, and
//!   writes succeed again within `HA_RECOVERY_SECS` (10) of that;
//! - every acknowledged lead is in the database once, and every retried one at most once;
//! - each stream, reconnecting with `Last-Event-ID`, receives every event addressed to its
//!   user exactly once and in order.
//!
//! Prints each step's windows: how long no primary answered and how long the API refused.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// What happened to one request, and when.
#[derive(Clone, Debug)]
enum Outcome {
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
fn closed_under(e: &reqwest::Error) -> bool {
    e.is_request() && !e.is_timeout() && !e.is_connect()
}

#[derive(Default)]
struct Log {
    outcomes: Vec<(Instant, Outcome)>,
    /// Whether a node accepted writes, sampled every 100 ms.
    primary: Vec<(Instant, Option<u16>)>,
}

struct Driver {
    bases: Vec<String>,
    http: reqwest::Client,
    database_url: String,
    log: Mutex<Log>,
    stop: AtomicBool,
}

impl Driver {
    fn record(&self, outcome: Outcome) {
        self.log.lock().unwrap().outcomes.push((Instant::now(), outcome));
    }

    fn psql(&self, sql: &str) -> String {
        let out = Command::new("psql").args([&self.database_url, "-Atc", sql]).output().expect("psql runs");
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A write that must succeed (setup), retried while the API is unavailable.
    async fn send(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Value) -> Value {
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
async fn writer(d: Arc<Driver>, key: String, site: String, run: String, w: usize, acked: Arc<Mutex<Vec<String>>>) {
    let mut n = 0;
    while !d.stop.load(Ordering::Relaxed) {
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
async fn reader(d: Arc<Driver>, token: String, r: usize) {
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
async fn stream(d: Arc<Driver>, token: String, s: usize, ids: Arc<Mutex<Vec<i64>>>, reconnects: Arc<Mutex<usize>>) {
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
async fn watch_primary(d: Arc<Driver>, ports: Vec<u16>) {
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

struct StepReport {
    name: String,
    /// How long no node accepted writes (sampled every 100 ms).
    no_primary: Option<Duration>,
    /// The longest time in the step with no write acknowledged: what a user waited.
    no_write: Duration,
    /// From the primary's return to the first write acknowledged after it.
    writing_again_after: Option<Duration>,
    refused: usize,
    unanswered: usize,
    resent: usize,
    /// Refused or unanswered writes after the primary's return.
    after_return: usize,
    /// Refused or unanswered writes later than the recovery allowance after the return.
    late_failures: usize,
    /// Which node accepted writes, at each change (seconds from the step's start).
    timeline: Vec<(f64, Option<u16>)>,
    /// The first reason a write went unanswered.
    first_unanswered: Option<String>,
}

fn step_report(d: &Driver, name: &str, started: Instant, ended: Instant, recovery: Duration) -> StepReport {
    let log = d.log.lock().unwrap();
    let in_step = |t: &Instant| *t >= started && *t < ended;
    let before = log.primary.iter().rev().find(|(t, _)| *t < started).and_then(|(_, p)| *p);
    // The primary is lost at the first sample that shows none or another node, and back at
    // the first writable node after that.
    let (mut lost, mut back) = (None, None);
    for (t, p) in log.primary.iter().filter(|(t, _)| in_step(t)) {
        if lost.is_none() && (p.is_none() || *p != before) {
            lost = Some(*t);
        }
        if lost.is_some() && p.is_some() {
            back = Some(*t);
            break;
        }
    }
    let mut timeline: Vec<(f64, Option<u16>)> = Vec::new();
    for (t, p) in log.primary.iter().filter(|(t, _)| in_step(t)) {
        if timeline.last().map(|(_, q)| q) != Some(p) {
            timeline.push(((*t - started).as_secs_f64(), *p));
        }
    }
    let outcomes: Vec<&(Instant, Outcome)> = log.outcomes.iter().filter(|(t, _)| in_step(t)).collect();
    let failed = |o: &Outcome| matches!(o, Outcome::Refused503 | Outcome::Unanswered(_));
    let mut no_write = Duration::ZERO;
    let mut last_write = started;
    for (t, o) in &outcomes {
        if matches!(o, Outcome::Written) {
            no_write = no_write.max(*t - last_write);
            last_write = *t;
        }
    }
    no_write = no_write.max(ended - last_write);
    StepReport {
        name: name.to_string(),
        no_primary: lost.zip(back).map(|(l, b)| b - l),
        no_write,
        writing_again_after: back
            .and_then(|b| outcomes.iter().find(|(t, o)| *t >= b && matches!(o, Outcome::Written)).map(|(t, _)| *t - b)),
        refused: outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Refused503)).count(),
        unanswered: outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Unanswered(_))).count(),
        resent: outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Resent)).count(),
        after_return: back.map_or(0, |b| outcomes.iter().filter(|(t, o)| failed(o) && *t > b).count()),
        late_failures: match back {
            Some(b) => outcomes.iter().filter(|(t, o)| failed(o) && *t > b + recovery).count(),
            None => outcomes.iter().filter(|(_, o)| failed(o)).count(),
        },
        timeline,
        first_unanswered: outcomes.iter().find_map(|(_, o)| match o {
            Outcome::Unanswered(why) => Some(why.clone()),
            _ => None,
        }),
    }
}

/// A counter from an instance's `/metrics`.
async fn metric(d: &Driver, metrics_base: &str, name: &str) -> f64 {
    let text = d.http.get(format!("{metrics_base}/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok()).unwrap_or(-1.0)
}

/// Exports on the standby: one whole while the primary takes writes (served there, not by the
/// primary), then one during which the standby stops, which must end in an error, never in a
/// shorter file that looks complete. Returns what broke.
async fn export_on_the_standby(d: &Driver, cluster: &str, token: &str, metrics_base: &str, rows: usize) -> Vec<String> {
    let mut broken = Vec::new();
    let base = &d.bases[0];
    let export = || d.http.get(format!("{base}/api/v1/contacts/export.csv")).bearer_auth(token).send();
    let (served, fell_back) = (
        metric(d, metrics_base, "prospecta_db_replica_reads_total").await,
        metric(d, metrics_base, "prospecta_db_replica_fallbacks_total").await,
    );
    let started = Instant::now();
    let whole = export().await.expect("the export answers").text().await.expect("the whole export");
    let lines = whole.lines().count();
    println!(
        "export on the standby: {lines} lines in {:.1} s while the primary took writes",
        started.elapsed().as_secs_f64()
    );
    if lines < rows + 1 {
        broken.push(format!("the export on the standby has {lines} lines, fewer than the {rows} contacts seeded"));
    }
    println!(
        "the standby's lag at that moment: {} bytes, {} s",
        metric(d, metrics_base, "prospecta_db_replica_lag_bytes").await,
        metric(d, metrics_base, "prospecta_db_replica_lag_seconds").await
    );
    if metric(d, metrics_base, "prospecta_db_replica_reads_total").await != served + 1.0
        || metric(d, metrics_base, "prospecta_db_replica_fallbacks_total").await != fell_back
    {
        broken.push("the export was not served by the standby".into());
    }

    let mut res = export().await.expect("the export answers");
    let mut bytes = res.chunk().await.ok().flatten().map_or(0, |c| c.len());
    let stopped = Command::new(cluster).arg("stop-secondary").status().expect("cluster.sh runs");
    assert!(stopped.success(), "cluster.sh stop-secondary failed");
    let ending = loop {
        match res.chunk().await {
            Ok(Some(chunk)) => bytes += chunk.len(),
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    match ending {
        Some(error) => println!("export with the standby stopped midway: {bytes} bytes, then an error ({error})"),
        None if bytes >= whole.len() => {
            println!("export with the standby stopped midway: it had already been read whole")
        }
        None => {
            broken.push(format!("an export cut short by the standby's stop ended as a success after {bytes} bytes"))
        }
    }
    let rejoined = Command::new(cluster).arg("rejoin").status().expect("cluster.sh runs");
    assert!(rejoined.success(), "cluster.sh rejoin failed after stop-secondary");
    broken
}

#[tokio::main]
async fn main() {
    let bases: Vec<String> =
        env("HA_BASES", "http://127.0.0.1:18201,http://127.0.0.1:18203").split(',').map(String::from).collect();
    let ports: Vec<u16> =
        env("HA_NODE_PORTS", "56101,56102").split(',').filter(|p| !p.is_empty()).map(|p| p.parse().unwrap()).collect();
    // Strict: not one request may fail (a rolling restart behind a load balancer).
    let strict = env("HA_STRICT", "0") == "1";
    let steps: Vec<String> =
        env("HA_STEPS", "failover,kill-primary,kill-primary-host").split(',').map(String::from).collect();
    let cluster = env("HA_CLUSTER", "scripts/ha/cluster.sh");
    let recovery = Duration::from_secs(env("HA_RECOVERY_SECS", "10").parse().unwrap());
    let settle = Duration::from_secs(env("HA_SETTLE_SECS", "8").parse().unwrap());
    let writers: usize = env("HA_WRITERS", "16").parse().unwrap();
    let streams_n: usize = env("HA_STREAMS", "4").parse().unwrap();
    let d = Arc::new(Driver {
        bases,
        http: reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap(),
        database_url: env("HA_DATABASE_URL", ""),
        log: Mutex::default(),
        stop: AtomicBool::new(false),
    });
    let run = format!("{}", std::process::id());

    // The demo admin, an integration key, and a site that deals every lead to the admin (so
    // each lead is an event on the admin's streams).
    let login = d
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            json!({"email": "admin@demo.prospecta.dev", "password": "prospecta-demo"}),
        )
        .await;
    let token = login["access_token"].as_str().expect("admin token").to_string();
    let admin_id = login["user"]["id"].as_str().expect("the admin's id").to_string();
    let key = d
        .send(
            reqwest::Method::POST,
            "/api/v1/api-keys",
            Some(&token),
            json!({"name": format!("ha {run}"), "scopes": ["leads:ingest"]}),
        )
        .await["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let site = d.send(reqwest::Method::POST, "/api/v1/sites", Some(&token), json!({"name": format!("HA {run}")})).await
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    d.send(
        reqwest::Method::PUT,
        &format!("/api/v1/sites/{site}/auto-assignment"),
        Some(&token),
        json!({"enabled": true, "user_ids": [admin_id], "online_only": false}),
    )
    .await;
    let first_event: i64 = d.psql("SELECT coalesce(max(id), 0) FROM events").parse().unwrap();
    // Contacts enough for an export of many pages (EXPORT_PAGE_ROWS is small in run.sh).
    let account = login["user"]["account_id"].as_str().expect("the admin's account").to_string();
    let seeded: usize = env("HA_EXPORT_ROWS", "20000").parse().unwrap();
    d.psql(&format!(
        "INSERT INTO contacts (id, account_id, name, email, first_contact_at, channel) \
         SELECT gen_random_uuid(), '{account}', 'Bulk ' || g, 'bulk-{run}-' || g || '@ha.test', now(), 'import' FROM generate_series(1, {seeded}) g"
    ));

    // Without node ports (a rolling restart on one database) there is no primary to watch.
    let watching = !ports.is_empty();
    let mut tasks = vec![tokio::spawn(watch_primary(d.clone(), ports))];
    for r in 0..4 {
        tasks.push(tokio::spawn(reader(d.clone(), token.clone(), r)));
    }
    let stream_ids: Vec<Arc<Mutex<Vec<i64>>>> = (0..streams_n).map(|_| Arc::default()).collect();
    let reconnects: Arc<Mutex<usize>> = Arc::default();
    for (s, ids) in stream_ids.iter().enumerate() {
        tasks.push(tokio::spawn(stream(d.clone(), token.clone(), s, ids.clone(), reconnects.clone())));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writer_tasks = Vec::new();
    for w in 0..writers {
        writer_tasks.push(tokio::spawn(writer(d.clone(), key.clone(), site.clone(), run.clone(), w, acked.clone())));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;

    let metrics_base = env("HA_METRICS", "http://127.0.0.1:18202");
    let mut broken =
        if seeded > 0 { export_on_the_standby(&d, &cluster, &token, &metrics_base, seeded).await } else { Vec::new() };

    let mut reports = Vec::new();
    for step in &steps {
        let started = Instant::now();
        let status = Command::new(&cluster).arg(step).status().expect("cluster.sh runs");
        assert!(status.success(), "cluster.sh {step} failed");
        // Load goes on until the formation is whole again (a killed node rejoins), plus a while.
        let rejoined = Command::new(&cluster).arg("rejoin").status().expect("cluster.sh runs");
        assert!(rejoined.success(), "cluster.sh rejoin failed after {step}");
        tokio::time::sleep(settle).await;
        reports.push(step_report(&d, step, started, Instant::now(), recovery));
    }
    d.stop.store(true, Ordering::Relaxed);
    for t in writer_tasks {
        let _ = t.await;
    }
    // Streams catch up with the last events, then stop.
    let expected: BTreeSet<i64> = d
        .psql(&format!(
            "SELECT id FROM events WHERE id > {first_event} AND (everyone OR '{admin_id}' = ANY(user_ids)) AND visitor_id IS NULL \
             AND kind = 'notification.created' ORDER BY id"
        ))
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    d.stop.store(false, Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let caught_up = stream_ids.iter().all(|ids| {
            let ids = ids.lock().unwrap();
            expected.iter().all(|e| ids.contains(e))
        });
        if caught_up {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    d.stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }

    // The verdict.
    let log = d.log.lock().unwrap();
    for (_, o) in &log.outcomes {
        if let Outcome::Broken(why) = o {
            broken.push(format!("an answer that is neither success nor 503: {why}"));
        }
    }
    drop(log);
    let acked = acked.lock().unwrap().clone();
    let counts: HashMap<String, i64> = d
        .psql(&format!("SELECT email, count(*) FROM contacts WHERE email LIKE 'ha-{run}-%' GROUP BY email"))
        .lines()
        .filter_map(|l| l.split_once('|').map(|(e, n)| (e.to_string(), n.parse().unwrap())))
        .collect();
    let lost: Vec<&String> = acked.iter().filter(|e| !counts.contains_key(*e)).collect();
    if !lost.is_empty() {
        broken.push(format!("{} acknowledged leads are missing, e.g. {:?}", lost.len(), &lost[..lost.len().min(3)]));
    }
    let doubled: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    if !doubled.is_empty() {
        broken.push(format!("{} leads were written more than once, e.g. {:?}", doubled.len(), doubled.first()));
    }
    for (s, ids) in stream_ids.iter().enumerate() {
        let ids = ids.lock().unwrap();
        let got: Vec<i64> = ids.iter().copied().filter(|id| expected.contains(id)).collect();
        let distinct: BTreeSet<i64> = got.iter().copied().collect();
        if distinct.len() != got.len() {
            broken.push(format!("stream {s} received {} events twice", got.len() - distinct.len()));
        }
        if got.windows(2).any(|w| w[0] >= w[1]) {
            broken.push(format!("stream {s} received events out of order"));
        }
        let missing = expected.difference(&distinct).count();
        if missing > 0 {
            broken.push(format!("stream {s} missed {missing} of {} events", expected.len()));
        }
    }
    println!("\n| step | no writable node for | longest time with no write acknowledged | first write after the primary's return | 503s | unanswered | of them after the return | resent |");
    println!("|---|---|---|---|---|---|---|---|");
    let secs = |d: Option<Duration>| d.map_or("–".to_string(), |d| format!("{:.2} s", d.as_secs_f64()));
    for r in &reports {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            secs(r.no_primary),
            secs(Some(r.no_write)),
            secs(r.writing_again_after),
            r.refused,
            r.unanswered,
            r.after_return,
            r.resent
        );
        let changes: Vec<String> = r
            .timeline
            .iter()
            .map(|(t, p)| format!("{t:.1} s: {}", p.map_or("none".to_string(), |p| p.to_string())))
            .collect();
        if watching {
            println!("  {}: writable node {}", r.name, changes.join(", "));
        }
        if let Some(why) = &r.first_unanswered {
            println!("  {}: first unanswered write: {why}", r.name);
        }
        if strict && r.refused + r.unanswered > 0 {
            broken.push(format!(
                "{}: {} requests refused and {} unanswered ({})",
                r.name,
                r.refused,
                r.unanswered,
                r.first_unanswered.as_deref().unwrap_or("503")
            ));
        }
        match r.writing_again_after {
            _ if !watching => {}
            None => broken.push(format!("{}: no write succeeded after the primary came back", r.name)),
            Some(after) if after > recovery => broken.push(format!(
                "{}: the first write came {:.1} s after the primary was back (allowed {} s)",
                r.name,
                after.as_secs_f64(),
                recovery.as_secs()
            )),
            Some(_) => {}
        }
        if watching && r.late_failures > 0 {
            broken.push(format!(
                "{}: {} writes failed more than {} s after the primary was back",
                r.name,
                r.late_failures,
                recovery.as_secs()
            ));
        }
    }
    println!(
        "\n{} leads acknowledged ({} distinct in the database), {} events on each of {} streams ({} reconnects)",
        acked.len(),
        counts.len(),
        expected.len(),
        streams_n,
        reconnects.lock().unwrap()
    );
    if broken.is_empty() {
        println!("ha-drive: every promise held");
    } else {
        for b in &broken {
            eprintln!("BROKEN: {b}");
        }
        std::process::exit(1);
    }
}
