//! The export on the standby, whole and then cut by the standby's stop.

use std::process::Command;
use std::time::Instant;

use crate::load::Driver;

/// An instance's `/metrics` now.
async fn scrape(d: &Driver, metrics_base: &str) -> String {
    d.http.get(format!("{metrics_base}/metrics")).send().await.unwrap().text().await.unwrap()
}

/// One metric of a scrape (-1 when absent).
fn metric(scrape: &str, name: &str) -> f64 {
    scrape.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok()).unwrap_or(-1.0)
}

/// Exports on the standby: one whole while the primary takes writes (served there, not by the
/// primary), then one during which the standby stops, which must end in an error, never in a
/// shorter file that looks complete. Returns what broke.
pub(crate) async fn export_on_the_standby(
    d: &Driver,
    cluster: &str,
    token: &str,
    metrics_base: &str,
    rows: usize,
) -> Vec<String> {
    let mut broken = Vec::new();
    let base = &d.bases[0];
    let export = || d.http.get(format!("{base}/api/v1/contacts/export.csv")).bearer_auth(token).send();
    let before = scrape(d, metrics_base).await;
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
    let after = scrape(d, metrics_base).await;
    println!(
        "the standby's lag at that moment: {} bytes, {} s",
        metric(&after, "prospecta_db_replica_lag_bytes"),
        metric(&after, "prospecta_db_replica_lag_seconds")
    );
    let change = |name: &str| metric(&after, name) - metric(&before, name);
    if change("prospecta_db_replica_reads_total") != 1.0 || change("prospecta_db_replica_fallbacks_total") != 0.0 {
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
