//! Background jobs, started with the server and stopped with it.
//!
//! Each job is a loop on a thread of its own (its work is blocking diesel) that waits on a
//! stop signal instead of sleeping, so stopping ends every loop at once: when the server's
//! future ends or is dropped (a test's server with its database), [`Jobs`] is dropped and its
//! threads return. A periodic job runs on one instance at a time (across every instance on
//! the database): its pass takes a PostgreSQL advisory lock, and an instance that finds it
//! held skips that pass. A worker that claims its rows with `FOR UPDATE SKIP LOCKED` (the mail
//! sender) runs on every instance.

pub mod janitor;

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use crate::platform::db::Db;
use crate::platform::error::ApiResult;

#[derive(Default)]
struct Stop {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl Stop {
    /// Waits up to `timeout`; true once stopping.
    fn wait(&self, timeout: Duration) -> bool {
        let stopped = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        let (stopped, _) =
            self.wake.wait_timeout_while(stopped, timeout, |stopped| !*stopped).unwrap_or_else(|e| e.into_inner());
        *stopped
    }

    fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.wake.notify_all();
    }
}

/// The running jobs of one server. Dropping it stops them (without waiting); [`Jobs::stop`]
/// also waits until each has returned.
#[derive(Default)]
pub struct Jobs {
    stop: Arc<Stop>,
    threads: Vec<JoinHandle<()>>,
}

impl Jobs {
    pub fn new() -> Jobs {
        Jobs::default()
    }

    /// Runs `pass` every `every` (first after one `every`) on thread `name`, one instance at
    /// a time under `pg_try_advisory_xact_lock(lock_key)`; a pass returns how much it did.
    pub fn every(
        &mut self,
        name: &str,
        every: Duration,
        db: Db,
        lock_key: i64,
        pass: impl Fn(&mut PgConnection) -> ApiResult<usize> + Send + 'static,
    ) -> anyhow::Result<()> {
        let stop = self.stop.clone();
        let job = name.to_string();
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || {
            while !stop.wait(every) {
                match db.run_blocking(|conn| run_pass(conn, lock_key, &pass)) {
                    Ok(Some(done)) => tracing::debug!(job, done, "job pass"),
                    Ok(None) => tracing::debug!(job, "job pass left to another instance"),
                    Err(err) => tracing::warn!(job, error = %err, "job pass failed"),
                }
            }
        })?;
        self.threads.push(thread);
        Ok(())
    }

    /// Runs `step` in a loop on thread `name` until stopped; when it did nothing (or failed)
    /// the loop waits `idle` first. For a worker that drains a queue as fast as it fills.
    pub fn worker(
        &mut self,
        name: &str,
        idle: Duration,
        step: impl Fn() -> anyhow::Result<usize> + Send + 'static,
    ) -> anyhow::Result<()> {
        let stop = self.stop.clone();
        let job = name.to_string();
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || loop {
            let did = match step() {
                Ok(n) => n,
                Err(err) => {
                    tracing::warn!(job, error = %err, "job step failed");
                    0
                }
            };
            if (did == 0 && stop.wait(idle)) || (did > 0 && stop.wait(Duration::ZERO)) {
                return;
            }
        })?;
        self.threads.push(thread);
        Ok(())
    }

    /// Stops every job and waits until each has returned (a pass under way finishes first).
    pub fn stop(mut self) {
        self.stop.stop();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Jobs {
    fn drop(&mut self) {
        self.stop.stop();
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

    #[test]
    fn a_stop_wakes_a_waiting_loop_at_once() {
        let stop = Arc::new(Stop::default());
        let waiter = {
            let stop = stop.clone();
            std::thread::spawn(move || stop.wait(Duration::from_secs(60)))
        };
        std::thread::sleep(Duration::from_millis(20));
        let asked = std::time::Instant::now();
        stop.stop();
        assert!(waiter.join().unwrap(), "woken as stopping");
        assert!(asked.elapsed() < Duration::from_secs(1));
        assert!(stop.wait(Duration::from_secs(60)), "a stopped signal does not wait");
    }

    #[test]
    fn stopping_ends_every_worker_loop() {
        let mut jobs = Jobs::new();
        let steps = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for name in ["a", "b"] {
            let steps = steps.clone();
            jobs.worker(name, Duration::from_secs(60), move || {
                steps.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(0)
            })
            .unwrap();
        }
        assert_eq!(jobs.threads.len(), 2);
        std::thread::sleep(Duration::from_millis(50));
        let asked = std::time::Instant::now();
        jobs.stop();
        assert!(asked.elapsed() < Duration::from_secs(1), "no loop waited out its idle time");
        assert_eq!(steps.load(std::sync::atomic::Ordering::Relaxed), 2, "each stepped once, then idled");
    }

    #[test]
    fn dropping_the_jobs_stops_them_without_waiting() {
        let mut jobs = Jobs::new();
        let steps = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = steps.clone();
        jobs.worker("busy", Duration::from_millis(1), move || {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(0)
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(30));
        drop(jobs);
        std::thread::sleep(Duration::from_millis(30));
        let after_drop = steps.load(std::sync::atomic::Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(steps.load(std::sync::atomic::Ordering::Relaxed), after_drop, "no step after the drop");
    }
}
