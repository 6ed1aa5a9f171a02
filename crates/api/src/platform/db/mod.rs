//! Connection pool, embedded migrations and the bridge from async handlers to diesel.
//!
//! Query functions take `&mut PgConnection`, so the same function runs on a pooled
//! connection or inside a transaction opened by its caller.

pub mod budget;
pub(crate) mod reads;
pub mod replica;
pub(crate) mod schema;

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, ManageConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::platform::error::{ApiError, ApiResult};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

pub type PgPool = Pool<PgManager>;

/// diesel's r2d2 manager, plus a flag for a connection whose server went away. Without a
/// `SELECT 1` on every checkout, the pool only learns a connection is dead when a query on
/// it fails; [`Db::run_blocking`] then flags it and the pool drops it instead of reusing it.
#[derive(Debug)]
pub struct PgManager(ConnectionManager<PgConnection>);

pub struct PooledPg {
    conn: PgConnection,
    lost: bool,
}

impl ManageConnection for PgManager {
    type Connection = PooledPg;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PooledPg, Self::Error> {
        Ok(PooledPg { conn: self.0.connect()?, lost: false })
    }

    fn is_valid(&self, pooled: &mut PooledPg) -> Result<(), Self::Error> {
        self.0.is_valid(&mut pooled.conn)
    }

    fn has_broken(&self, pooled: &mut PooledPg) -> bool {
        pooled.lost || self.0.has_broken(&mut pooled.conn)
    }
}

/// Raised when a connection turns out dead (the database restarted, or failed over): for a
/// few seconds after, every checkout first proves its connection with a `SELECT 1`, so the
/// others that died with it are replaced at checkout instead of each failing a request with
/// a 503. Cheap to clone; shared by the pools that reach one server.
#[derive(Clone, Default)]
pub struct Suspicion(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl Suspicion {
    const FOR: std::time::Duration = std::time::Duration::from_secs(5);

    fn now_ms() -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
    }

    pub fn raise(&self) {
        self.0.store(Self::now_ms() + Self::FOR.as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn active(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed) > Self::now_ms()
    }
}

/// Cheap to clone: a handle on the pool, with the pool's own metrics.
#[derive(Clone)]
pub struct Db {
    pool: PgPool,
    suspicion: Suspicion,
    /// Time spent waiting for a pooled connection.
    checkout_wait: prometheus::Histogram,
    /// Checkouts that gave up (the request answered 503).
    checkout_timeouts: prometheus::IntCounter,
}

/// Sets up each new pooled connection: its `statement_timeout`, so no request query runs for
/// ever, and [`MESSAGES_IN_C`].
#[derive(Debug)]
struct SessionSetup(u64);

impl diesel::r2d2::CustomizeConnection<PooledPg, diesel::r2d2::Error> for SessionSetup {
    fn on_acquire(&self, pooled: &mut PooledPg) -> Result<(), diesel::r2d2::Error> {
        use diesel::connection::SimpleConnection;
        pooled
            .conn
            .batch_execute(&format!("SET statement_timeout = {}", self.0))
            .map_err(diesel::r2d2::Error::QueryError)?;
        if let Err(err) = pooled.conn.batch_execute(MESSAGES_IN_C) {
            messages_not_in_c(&err);
        }
        Ok(())
    }
}

/// The server's messages in its untranslated text, whatever the cluster's `lc_messages`.
/// diesel 2.3 turns a SQLSTATE into an error kind only for the integrity classes (23xxx),
/// serialization failures and lost connections; `query_canceled` (57014, a statement timeout)
/// and `admin_shutdown` (57P01–57P03, a restart or failover) reach us only as message text,
/// which a server running in Spanish would translate. Needs a superuser or, from PostgreSQL
/// 15, `GRANT SET ON PARAMETER lc_messages TO <role>`; without it, a warning once and those
/// two cases answer 500 instead of 503 under a translated `lc_messages`.
pub(crate) const MESSAGES_IN_C: &str = "SET lc_messages TO 'C'";

pub(crate) fn messages_not_in_c(err: &dyn std::fmt::Display) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(
        || tracing::warn!(error = %err, "cannot set lc_messages to C (see docs/API.md, \"Database errors\")"),
    );
}

impl Db {
    pub fn connect(database_url: &str, max_size: u32) -> anyhow::Result<Db> {
        Db::connect_with_timeout(database_url, max_size, 0)
    }

    /// A pool whose connections cancel statements running longer than `statement_timeout_ms`
    /// (0: no limit).
    pub fn connect_with_timeout(database_url: &str, max_size: u32, statement_timeout_ms: u64) -> anyhow::Result<Db> {
        Db::build(database_url, max_size, statement_timeout_ms, std::time::Duration::from_secs(5))
    }

    /// A pool on standbys (`READ_DATABASE_URL`): one that cannot connect gives up after 2 s,
    /// so its reads reach the primary soon (see [`replica::LaggingReads`]).
    pub fn connect_replica(database_url: &str, max_size: u32, statement_timeout_ms: u64) -> anyhow::Result<Db> {
        Db::build(database_url, max_size, statement_timeout_ms, std::time::Duration::from_secs(2))
    }

    fn build(
        database_url: &str,
        max_size: u32,
        statement_timeout_ms: u64,
        checkout_timeout: std::time::Duration,
    ) -> anyhow::Result<Db> {
        let manager = PgManager(ConnectionManager::<PgConnection>::new(database_url));
        let pool = Pool::builder()
            .max_size(max_size)
            .connection_customizer(Box::new(SessionSetup(statement_timeout_ms)))
            .connection_timeout(checkout_timeout)
            // A `SELECT 1` before every checkout was a fifth of the list's round trips. A
            // connection that dies (database restart) fails its next query instead, and
            // diesel marks it broken so the pool drops it.
            .test_on_check_out(false)
            // Start even while the database is down: /readyz reports it and requests get 503.
            .build_unchecked(manager);
        let checkout_wait = prometheus::Histogram::with_opts(
            prometheus::HistogramOpts::new("db_pool_wait_seconds", "Time waiting for a pooled database connection")
                .buckets(vec![0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]),
        )?;
        let checkout_timeouts = prometheus::IntCounter::new(
            "db_pool_timeouts_total",
            "Requests that found no free database connection in time",
        )?;
        Ok(Db { pool, suspicion: Suspicion::default(), checkout_wait, checkout_timeouts })
    }

    /// Raised by this pool's lost connections; the read path on the same server shares it.
    pub fn suspicion(&self) -> &Suspicion {
        &self.suspicion
    }

    pub fn checkout_wait(&self) -> &prometheus::Histogram {
        &self.checkout_wait
    }

    pub fn checkout_timeouts(&self) -> &prometheus::IntCounter {
        &self.checkout_timeouts
    }

    /// Connections open and idle now.
    pub fn pool_state(&self) -> diesel::r2d2::State {
        self.pool.state()
    }

    /// Runs `f` on a pooled connection off the async executor.
    pub async fn run<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut PgConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        off_executor(move || db.run_blocking(f)).await
    }

    /// Runs `f` on a pooled connection on this thread: for background workers, or inside
    /// [`Db::run`]. A connection whose server went away is dropped from the pool.
    pub fn run_blocking<T>(&self, f: impl FnOnce(&mut PgConnection) -> ApiResult<T>) -> ApiResult<T> {
        let started = std::time::Instant::now();
        let pooled = self.pool.get();
        self.checkout_wait.observe(started.elapsed().as_secs_f64());
        let mut pooled = pooled.inspect_err(|_| self.checkout_timeouts.inc())?;
        if self.suspicion.active() {
            use diesel::connection::SimpleConnection;
            // Bounded: a pool of n connections holds at most n dead ones.
            for _ in 0..self.pool.max_size() {
                if pooled.conn.batch_execute("SELECT 1").is_ok() {
                    break;
                }
                pooled.lost = true;
                drop(pooled);
                pooled = self.pool.get().inspect_err(|_| self.checkout_timeouts.inc())?;
            }
        }
        let result = f(&mut pooled.conn);
        if matches!(result, Err(ApiError::Unavailable(_))) {
            pooled.lost = true;
            self.suspicion.raise();
        }
        result
    }

    /// Like [`Db::run`], inside one transaction: any error rolls everything back.
    pub async fn transaction<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut PgConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        use diesel::Connection;
        self.run(move |conn| conn.transaction(f)).await
    }
}

/// Runs blocking database work on actix's blocking threads, so it never stalls a worker.
pub(crate) async fn off_executor<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    actix_web::web::block(f).await.map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// The advisory-lock key migrations hold while they run ("prosmigr").
const MIGRATION_LOCK: i64 = 0x7072_6f73_6d69_6772;

/// Applies pending migrations; returns how many ran. Instances starting at once take turns:
/// the first applies them under a session advisory lock, the others wait for it and then find
/// nothing pending (without the lock two would both create the bookkeeping table or apply the
/// same migration, and one start would fail). The lock goes with the connection, so an
/// instance killed mid-migration does not leave it held.
pub fn run_migrations(conn: &mut PgConnection) -> anyhow::Result<usize> {
    use diesel::RunQueryDsl;
    let lock = |conn: &mut PgConnection, sql: &str| {
        diesel::sql_query(sql).bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK).execute(conn)
    };
    lock(conn, "SELECT pg_advisory_lock($1)").map_err(|e| anyhow::anyhow!("waiting for the migration lock: {e}"))?;
    let applied = conn.run_pending_migrations(MIGRATIONS).map(|done| done.len());
    let unlocked = lock(conn, "SELECT pg_advisory_unlock($1)");
    let applied = applied.map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    unlocked.map_err(|e| anyhow::anyhow!("releasing the migration lock: {e}"))?;
    Ok(applied)
}

/// `query LIMIT n` with `n` written into the SQL instead of bound. PostgreSQL cannot cost a
/// generic plan for `LIMIT $n`, so a prepared statement with a bound limit is planned
/// afresh on every execution (for the contact list that took longer than running it). With
/// the limit in the text each page size is its own prepared statement, planned once.
pub struct LiteralLimit<Q> {
    query: Q,
    limit: u32,
}

pub fn literal_limit<Q>(query: Q, limit: u32) -> LiteralLimit<Q> {
    LiteralLimit { query, limit }
}

impl<Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>> diesel::query_builder::QueryFragment<diesel::pg::Pg>
    for LiteralLimit<Q>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&self.limit.to_string());
        Ok(())
    }
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for LiteralLimit<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> diesel::query_builder::QueryId for LiteralLimit<Q> {
    // The statement cache then keys it by its SQL text, which includes the limit.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for LiteralLimit<Q> {}
