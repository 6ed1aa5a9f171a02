//! Hot reads without the blocking pool. The synchronous pool (`crate::platform::db`) runs each request's
//! queries on a blocking thread: two thread hand-offs per request, which perf put at about a
//! sixth of the server's CPU on the contact list. Here diesel-async connections (tokio-postgres
//! underneath) are kept per actix worker thread, so the statements are sent, and their rows
//! decoded, on the thread serving the request, and a request's independent statements can be
//! pipelined on one connection. Same query builders as the synchronous path (diesel's DSL).
//!
//! Each worker thread holds at most `per_thread` connections (`DB_READ_POOL_PER_WORKER`); a
//! request waits up to 5 s for one, as for the synchronous pool, then gets a 503.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::platform::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct ReadPool {
    url: Arc<str>,
    per_thread: usize,
    statement_timeout_ms: u64,
    /// Shared with the blocking pool on the same server (see [`super::Suspicion`]).
    suspicion: super::Suspicion,
}

thread_local! {
    static IDLE: RefCell<Vec<AsyncPgConnection>> = const { RefCell::new(Vec::new()) };
    static SLOTS: RefCell<Option<Arc<Semaphore>>> = const { RefCell::new(None) };
}

/// A connection of this thread; it goes back to the thread's idle list when dropped, unless a
/// query on it failed.
pub struct ReadConn {
    conn: Option<AsyncPgConnection>,
    suspicion: super::Suspicion,
    _slot: OwnedSemaphorePermit,
}

impl ReadPool {
    pub fn new(url: &str, per_thread: usize, statement_timeout_ms: u64, suspicion: super::Suspicion) -> ReadPool {
        ReadPool { url: url.into(), per_thread: per_thread.max(1), statement_timeout_ms, suspicion }
    }

    pub async fn get(&self) -> ApiResult<ReadConn> {
        let slots =
            SLOTS.with(|s| s.borrow_mut().get_or_insert_with(|| Arc::new(Semaphore::new(self.per_thread))).clone());
        let slot = tokio::time::timeout(Duration::from_secs(5), slots.acquire_owned())
            .await
            .map_err(|_| ApiError::Unavailable("no database connection was free in time".into()))?
            .map_err(|_| ApiError::Unavailable("the read pool is closed".into()))?;
        while let Some(mut conn) = IDLE.with(|i| i.borrow_mut().pop()) {
            // After a lost connection, idle ones may have died with it: prove each first.
            if !self.suspicion.active() || conn.batch_execute("SELECT 1").await.is_ok() {
                return Ok(ReadConn { conn: Some(conn), suspicion: self.suspicion.clone(), _slot: slot });
            }
        }
        let unavailable = |e: &dyn std::fmt::Display| ApiError::Unavailable(format!("database: {e}"));
        let mut conn = AsyncPgConnection::establish(&self.url).await.map_err(|e| unavailable(&e))?;
        if self.statement_timeout_ms > 0 {
            let timeout = format!("SET statement_timeout = {}", self.statement_timeout_ms);
            conn.batch_execute(&timeout).await.map_err(|e| unavailable(&e))?;
        }
        if let Err(err) = conn.batch_execute(super::MESSAGES_IN_C).await {
            super::messages_not_in_c(&err);
        }
        Ok(ReadConn { conn: Some(conn), suspicion: self.suspicion.clone(), _slot: slot })
    }
}

impl ReadConn {
    /// A query's result; a failed query retires the connection (it may be broken), a
    /// successful one keeps it for the next request.
    pub fn check<T>(&mut self, result: diesel::QueryResult<T>) -> ApiResult<T> {
        if result.is_err() {
            self.conn = None;
            self.suspicion.raise();
        }
        Ok(result?)
    }
}

impl Deref for ReadConn {
    type Target = AsyncPgConnection;
    fn deref(&self) -> &AsyncPgConnection {
        self.conn.as_ref().expect("a retired connection is not used again")
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut AsyncPgConnection {
        self.conn.as_mut().expect("a retired connection is not used again")
    }
}

impl Drop for ReadConn {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            IDLE.with(|i| i.borrow_mut().push(conn));
        }
    }
}
