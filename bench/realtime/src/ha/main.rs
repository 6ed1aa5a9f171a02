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

mod load;
mod report;
mod standby;

use load::{reader, stream, watch_primary, writer, Driver, Outcome};
use report::step_report;
use standby::export_on_the_standby;

use std::collections::{BTreeSet, HashMap};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

pub(crate) fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

#[tokio::main]
async fn main() {
    let bases: Vec<String> =
        env("HA_BASES", "http://127.0.0.1:18201,http://127.0.0.1:18203").split(',').map(String::from).collect();
    let ports: Vec<u16> =
        env("HA_NODE_PORTS", "25101,25102").split(',').filter(|p| !p.is_empty()).map(|p| p.parse().unwrap()).collect();
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
        stop_writing: AtomicBool::new(false),
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
    d.stop_writing.store(true, Ordering::Relaxed);
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
