//! Reads that tolerate lag (CSV export, reports) on standbys (`READ_DATABASE_URL`), so heavy
//! reads do not compete with writes on the primary. A standby that cannot be reached is left
//! alone for a while and those reads go to the primary; without `READ_DATABASE_URL` they
//! always do. What each feature reads here is listed in docs/DEPLOY.md ("Read replicas").

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;

use super::Db;
use crate::platform::error::{ApiError, ApiResult};

/// How long a standby that failed is skipped before it is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct LaggingReads {
    primary: Db,
    replica: Option<Db>,
    down_since: Arc<Mutex<Option<Instant>>>,
    /// Reads a standby should have served that went to the primary.
    fallbacks: prometheus::IntCounter,
    /// Reads a standby served.
    served: prometheus::IntCounter,
}

/// Which server a read went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Served {
    Replica,
    Primary,
}

impl LaggingReads {
    pub fn new(primary: Db, replica: Option<Db>) -> anyhow::Result<LaggingReads> {
        let fallbacks = prometheus::IntCounter::new(
            "db_replica_fallbacks_total",
            "Reads meant for a standby (export, reports) served by the primary because no standby answered",
        )?;
        let served = prometheus::IntCounter::new(
            "db_replica_reads_total",
            "Reads that tolerate lag (export, reports) served by the standby",
        )?;
        Ok(LaggingReads { primary, replica, down_since: Arc::new(Mutex::new(None)), fallbacks, served })
    }

    /// The counters of reads served by the standby and of those that fell back to the primary.
    pub fn counters(&self) -> [&prometheus::IntCounter; 2] {
        [&self.served, &self.fallbacks]
    }

    /// The standby's pool, when one is configured (for its lag in `/metrics`).
    pub fn replica(&self) -> Option<&Db> {
        self.replica.as_ref()
    }

    fn usable_replica(&self) -> Option<&Db> {
        let replica = self.replica.as_ref()?;
        let mut down = self.down_since.lock().unwrap_or_else(|e| e.into_inner());
        match *down {
            Some(since) if since.elapsed() < RETRY_AFTER => None,
            _ => {
                *down = None;
                Some(replica)
            }
        }
    }

    fn mark_down(&self, err: &ApiError) {
        let mut down = self.down_since.lock().unwrap_or_else(|e| e.into_inner());
        if down.is_none() {
            tracing::warn!(error = %err, "read replica unavailable; its reads go to the primary for a while");
        }
        *down = Some(Instant::now());
    }

    /// The server one long read (a CSV export) stays on from start to end: a standby that
    /// answers now, else the primary. Pinned, so a standby lost midway ends that read with an
    /// error instead of finishing it from another server.
    pub fn pin_blocking(&self) -> (Db, Served) {
        if let Some(replica) = self.usable_replica() {
            // A query, not only a checkout: an idle connection may have died with its server.
            let answers = replica.run_blocking(|conn| {
                use diesel::connection::SimpleConnection;
                Ok(conn.batch_execute("SELECT 1")?)
            });
            match answers {
                Ok(()) => {
                    self.served.inc();
                    return (replica.clone(), Served::Replica);
                }
                Err(err) => {
                    self.mark_down(&err);
                    self.fallbacks.inc();
                }
            }
        }
        (self.primary.clone(), Served::Primary)
    }

    /// Runs `f` on a standby, or on the primary when none answers.
    pub fn run_blocking<T>(&self, f: impl Fn(&mut PgConnection) -> ApiResult<T>) -> ApiResult<T> {
        if let Some(replica) = self.usable_replica() {
            match replica.run_blocking(&f) {
                Err(err @ ApiError::Unavailable(_)) => {
                    self.mark_down(&err);
                    self.fallbacks.inc();
                }
                done => {
                    self.served.inc();
                    return done;
                }
            }
        }
        self.primary.run_blocking(f)
    }

    /// [`LaggingReads::run_blocking`] off the async executor.
    pub async fn run<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: Fn(&mut PgConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let reads = self.clone();
        super::off_executor(move || reads.run_blocking(f)).await
    }
}

/// How far a standby is behind the primary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lag {
    /// WAL the primary has written that the standby has not replayed yet.
    pub bytes: f64,
    /// Age of the last replayed transaction while WAL is waiting to be replayed; 0 when the
    /// standby has replayed all it received (an idle primary is not "lag").
    pub seconds: f64,
}

#[derive(diesel::QueryableByName)]
struct LagRow {
    #[diesel(sql_type = diesel::sql_types::Double)]
    bytes: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    seconds: f64,
}

impl LaggingReads {
    /// The standby's lag now (never the primary's); `None` without `READ_DATABASE_URL`.
    pub async fn lag(&self) -> Option<ApiResult<Lag>> {
        let replica = self.replica.clone()?;
        let primary = self.primary.clone();
        Some(
            async move {
                use diesel::RunQueryDsl;
                let written: String = primary
                    .run(|conn| {
                        #[derive(diesel::QueryableByName)]
                        struct Lsn {
                            #[diesel(sql_type = diesel::sql_types::Text)]
                            lsn: String,
                        }
                        let row: Lsn =
                            diesel::sql_query("SELECT pg_current_wal_lsn()::text AS lsn").get_result(conn)?;
                        Ok(row.lsn)
                    })
                    .await?;
                replica
                    .run(move |conn| {
                        // A "standby" that is not in recovery (a primary given as a read
                        // host) has no lag.
                        let row: LagRow = diesel::sql_query(
                            "SELECT CASE WHEN pg_is_in_recovery()
                                    THEN greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::float8
                                    ELSE 0 END AS bytes,
                                    CASE WHEN NOT pg_is_in_recovery()
                                              OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                                    ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
                                    END::float8 AS seconds",
                        )
                        .bind::<diesel::sql_types::Text, _>(&written)
                        .get_result(conn)?;
                        Ok(Lag { bytes: row.bytes, seconds: row.seconds })
                    })
                    .await
            }
            .await,
        )
    }
}
