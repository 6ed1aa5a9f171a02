//! Background jobs, started with the server and stopped with it.
//!
//! Each job is a tokio task on the server's runtime that waits on a stop signal instead of
//! sleeping, so stopping ends every loop at once; its work (blocking diesel) runs on the
//! blocking pool, one pass at a time. When the server's future ends, [`Jobs::stop`] signals
//! and waits for each task (a pass under way finishes first); when it is dropped (a test's
//! server with its database) the signal's sender goes with it and every loop returns at its
//! next wait. A periodic job runs on one instance at a time (across every instance on the
//! database): its pass takes a PostgreSQL advisory lock, and an instance that finds it held
//! skips that pass. A worker that claims its rows with `FOR UPDATE SKIP LOCKED` (the mail
//! sender, the webhook sender) runs on every instance.

pub mod janitor;

use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::platform::db::Db;
use crate::platform::error::ApiResult;

/// Waits up to `timeout` for the stop signal; true once stopping (or when the [`Jobs`] that
/// sends it is gone).
async fn stopped_within(stop: &mut watch::Receiver<bool>, timeout: Duration) -> bool {
    if *stop.borrow() {
        return true;
    }
    // `wait_for` errs when the sender is dropped: that is a stop too.
    tokio::time::timeout(timeout, stop.wait_for(|stopped| *stopped)).await.is_ok()
}

/// The running jobs of one server. Dropping it stops them (without waiting); [`Jobs::stop`]
/// also waits until each has returned.
pub struct Jobs {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Default for Jobs {
    fn default() -> Jobs {
        Jobs { stop: watch::channel(false).0, tasks: Vec::new() }
    }
}

impl Jobs {
    pub fn new() -> Jobs {
        Jobs::default()
    }

    /// Runs `pass` every `every` (first after one `every`) as task `name`, one instance at a
    /// time under `pg_try_advisory_xact_lock(lock_key)`; a pass returns how much it did.
    /// Must be called on a tokio runtime (the server's).
    pub fn every(
        &mut self,
        name: &str,
        every: Duration,
        db: Db,
        lock_key: i64,
        pass: impl Fn(&mut PgConnection) -> ApiResult<usize> + Send + Sync + 'static,
    ) {
        let mut stop = self.stop.subscribe();
        let pass = Arc::new(pass);
        let job = name.to_string();
        self.tasks.push(tokio::spawn(async move {
            while !stopped_within(&mut stop, every).await {
                let (db, pass) = (db.clone(), pass.clone());
                let outcome =
                    tokio::task::spawn_blocking(move || db.run_blocking(|conn| run_pass(conn, lock_key, &*pass))).await;
                match outcome {
                    Ok(Ok(Some(done))) => tracing::debug!(job, done, "job pass"),
                    Ok(Ok(None)) => tracing::debug!(job, "job pass left to another instance"),
                    Ok(Err(err)) => tracing::warn!(job, error = %err, "job pass failed"),
                    Err(panic) => tracing::error!(job, error = %panic, "job pass panicked"),
                }
            }
        }));
    }

    /// Runs `step` in a loop as task `name` until stopped; when it did nothing (or failed)
    /// the loop waits `idle` first. For a worker that drains a queue as fast as it fills.
    pub fn worker(
        &mut self,
        name: &str,
        idle: Duration,
        step: impl Fn() -> anyhow::Result<usize> + Send + Sync + 'static,
    ) {
        let mut stop = self.stop.subscribe();
        let step = Arc::new(step);
        let job = name.to_string();
        self.tasks.push(tokio::spawn(async move {
            loop {
                let step = step.clone();
                let did = step_done(&job, tokio::task::spawn_blocking(move || step()).await);
                let wait = if did == 0 { idle } else { Duration::ZERO };
                if stopped_within(&mut stop, wait).await {
                    return;
                }
            }
        }));
    }

    /// Like [`Jobs::worker`] for a step that is a future (it awaits network calls; its
    /// database work goes through `Db::run`). A step that panics counts as one that failed.
    pub fn async_worker<F, Fut>(&mut self, name: &str, idle: Duration, step: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = anyhow::Result<usize>> + Send + 'static,
    {
        let mut stop = self.stop.subscribe();
        let job = name.to_string();
        self.tasks.push(tokio::spawn(async move {
            loop {
                let did = step_done(&job, tokio::spawn(step()).await);
                let wait = if did == 0 { idle } else { Duration::ZERO };
                if stopped_within(&mut stop, wait).await {
                    return;
                }
            }
        }));
    }

    /// Stops every job and waits until each has returned (a pass under way finishes first).
    pub async fn stop(mut self) {
        self.stop.send_replace(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Jobs {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// How much a worker's step did; one that failed or panicked did nothing (and is logged).
fn step_done(job: &str, step: Result<anyhow::Result<usize>, tokio::task::JoinError>) -> usize {
    match step {
        Ok(Ok(n)) => n,
        Ok(Err(err)) => {
            tracing::warn!(job, error = %err, "job step failed");
            0
        }
        Err(panic) => {
            tracing::error!(job, error = %panic, "job step panicked");
            0
        }
    }
}

/// One pass in a transaction holding the advisory lock `key`; `None` when another instance
/// holds it.
fn run_pass(
    conn: &mut PgConnection,
    key: i64,
    pass: &impl Fn(&mut PgConnection) -> ApiResult<usize>,
) -> ApiResult<Option<usize>> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    conn.transaction(|conn| {
        let got: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
            .bind::<BigInt, _>(key)
            .get_result(conn)?;
        if got.locked {
            pass(conn).map(Some)
        } else {
            Ok(None)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_stop_wakes_a_waiting_loop_at_once() {
        let (stop, mut waiting) = watch::channel(false);
        let waiter = tokio::spawn(async move { stopped_within(&mut waiting, Duration::from_secs(60)).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let asked = std::time::Instant::now();
        stop.send_replace(true);
        assert!(waiter.await.unwrap(), "woken as stopping");
        assert!(asked.elapsed() < Duration::from_secs(1));
        let mut late = stop.subscribe();
        assert!(stopped_within(&mut late, Duration::from_secs(60)).await, "a stopped signal does not wait");
        let (gone, mut orphan) = watch::channel(false);
        drop(gone);
        assert!(stopped_within(&mut orphan, Duration::from_secs(60)).await, "a dropped sender is a stop");
    }

    #[tokio::test]
    async fn stopping_ends_every_worker_loop() {
        let mut jobs = Jobs::new();
        let steps = Arc::new(AtomicUsize::new(0));
        for name in ["a", "b"] {
            let steps = steps.clone();
            jobs.worker(name, Duration::from_secs(60), move || {
                steps.fetch_add(1, Ordering::Relaxed);
                Ok(0)
            });
        }
        assert_eq!(jobs.tasks.len(), 2);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let asked = std::time::Instant::now();
        jobs.stop().await;
        assert!(asked.elapsed() < Duration::from_secs(1), "no loop waited out its idle time");
        assert_eq!(steps.load(Ordering::Relaxed), 2, "each stepped once, then idled");
    }

    #[tokio::test]
    async fn dropping_the_jobs_stops_them_without_waiting() {
        let mut jobs = Jobs::new();
        let steps = Arc::new(AtomicUsize::new(0));
        let counted = steps.clone();
        jobs.worker("busy", Duration::from_millis(1), move || {
            counted.fetch_add(1, Ordering::Relaxed);
            Ok(0)
        });
        tokio::time::sleep(Duration::from_millis(30)).await;
        drop(jobs);
        tokio::time::sleep(Duration::from_millis(30)).await;
        let after_drop = steps.load(Ordering::Relaxed);
        assert!(after_drop > 0, "it ran before the drop");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(steps.load(Ordering::Relaxed), after_drop, "no step after the drop");
    }
}
