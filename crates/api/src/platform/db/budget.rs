//! How many PostgreSQL connections one instance may open, and the check at start that the
//! database allows that many. Past `max_connections` a new connection is refused, and the
//! request that needed it answers 503 under load, long after a start that looked healthy.

use diesel::pg::PgConnection;
use diesel::sql_types::{BigInt, Nullable};
use diesel::RunQueryDsl;

use crate::platform::config::Config;

/// One instance's connections at most, by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionBudget {
    /// The blocking pool (`DB_POOL_SIZE`): writes, most reads, the background jobs.
    pub pool: u64,
    /// The async read path: `WORKERS` × `DB_READ_POOL_PER_WORKER`.
    pub reads: u64,
    /// The realtime LISTEN connection.
    pub listener: u64,
}

impl ConnectionBudget {
    pub fn of(config: &Config) -> ConnectionBudget {
        ConnectionBudget {
            pool: u64::from(config.db_pool_size),
            reads: (config.workers * config.read_pool_per_worker) as u64,
            listener: 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.pool + self.reads + self.listener
    }

    /// Refuses a budget over `allowed`, naming the settings that make it up.
    pub fn fits(&self, allowed: &Allowed) -> anyhow::Result<()> {
        let total = self.total();
        if total <= allowed.connections {
            return Ok(());
        }
        anyhow::bail!(
            "this instance may open {total} PostgreSQL connections (DB_POOL_SIZE {} + WORKERS × \
             DB_READ_POOL_PER_WORKER {} + 1 for realtime), but the database allows {} ({}); \
             lower DB_POOL_SIZE, WORKERS or DB_READ_POOL_PER_WORKER, or raise the database's limit",
            self.pool,
            self.reads,
            allowed.connections,
            allowed.reason,
        )
    }
}

/// What the database lets this role open on this database, and which limit that is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allowed {
    pub connections: u64,
    pub reason: String,
}

#[derive(diesel::QueryableByName)]
struct Limits {
    #[diesel(sql_type = BigInt)]
    max_connections: i64,
    #[diesel(sql_type = BigInt)]
    reserved: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    role_limit: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    database_limit: Option<i64>,
}

/// Reads the limits that apply to this connection's role and database: `max_connections`
/// less the slots kept for superusers (and, from PostgreSQL 16, `reserved_connections`) for
/// a role that is not a superuser, and the role's and the database's `CONNECTION LIMIT`.
pub fn allowed(conn: &mut PgConnection) -> anyhow::Result<Allowed> {
    let limits: Limits = diesel::sql_query(
        "SELECT current_setting('max_connections')::bigint AS max_connections,
                CASE WHEN r.rolsuper THEN 0
                     ELSE current_setting('superuser_reserved_connections')::bigint
                          + coalesce(current_setting('reserved_connections', true)::bigint, 0) END AS reserved,
                nullif(r.rolconnlimit, -1)::bigint AS role_limit,
                (SELECT nullif(datconnlimit, -1)::bigint FROM pg_database WHERE datname = current_database())
                    AS database_limit
           FROM pg_roles r WHERE r.rolname = current_user",
    )
    .get_result(conn)?;
    let mut allowed = Allowed {
        connections: (limits.max_connections - limits.reserved).max(0) as u64,
        reason: if limits.reserved > 0 {
            format!("max_connections {} less {} reserved", limits.max_connections, limits.reserved)
        } else {
            format!("max_connections {}", limits.max_connections)
        },
    };
    if let Some(role) = limits.role_limit.filter(|l| (*l as u64) < allowed.connections) {
        allowed = Allowed { connections: role as u64, reason: "the role's CONNECTION LIMIT".into() };
    }
    if let Some(db) = limits.database_limit.filter(|l| (*l as u64) < allowed.connections) {
        allowed = Allowed { connections: db as u64, reason: "the database's CONNECTION LIMIT".into() };
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_over_the_limit_names_every_setting() {
        let budget = ConnectionBudget { pool: 16, reads: 2 * 8, listener: 1 };
        assert_eq!(budget.total(), 33);
        let room = Allowed { connections: 33, reason: "max_connections 33".into() };
        assert!(budget.fits(&room).is_ok());
        let tight = Allowed { connections: 20, reason: "the role's CONNECTION LIMIT".into() };
        let message = budget.fits(&tight).unwrap_err().to_string();
        for part in ["33", "20", "DB_POOL_SIZE 16", "DB_READ_POOL_PER_WORKER 16", "WORKERS", "CONNECTION LIMIT"] {
            assert!(message.contains(part), "{part} in {message}");
        }
    }
}
