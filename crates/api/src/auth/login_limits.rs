//! Login throttling, kept in the database so it holds across API instances.
//!
//! Each attempt is counted *before* the password is checked, in one atomic upsert, so that
//! parallel guesses cannot all slip in between a check and a write: of 40 simultaneous wrong
//! passwords, at most the limit reach the password check. Windows that are over are deleted by
//! the janitor. The count is per e-mail *and*
//! client address, so failures from one place do not lock the real user out elsewhere; a
//! client address also has an overall budget of failures across e-mails (password spraying).

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::platform::error::{ApiError, ApiResult};

/// How many failures one client address may have across all e-mails, relative to the
/// per-e-mail limit: an office behind one address has many users.
const PER_IP_FACTOR: i64 = 5;

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Integer)]
    retry_after: i32,
}

fn attempt_key(email: &str, ip: &str) -> String {
    format!("login:{email}|{ip}")
}

fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Adds one to `key`'s count in the current window (a new window when the last one is
/// over) and returns the count and the seconds left in the window.
fn bump(conn: &mut PgConnection, key: &str, window_secs: i64) -> ApiResult<Counted> {
    Ok(diesel::sql_query(
        "INSERT INTO login_throttle AS t (key, attempts) VALUES ($1, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2) THEN 1 ELSE t.attempts + 1 END, \
           window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2) THEN now() ELSE t.window_started_at END \
         RETURNING attempts, \
           GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => $2) - now()))))::int AS retry_after",
    )
    .bind::<Text, _>(key)
    .bind::<Integer, _>(window_secs as i32)
    .get_result(conn)?)
}

/// Counts this attempt; 429 when the e-mail from this address, or this address overall,
/// is over its limit. Call before checking the password.
pub fn begin_attempt(
    conn: &mut PgConnection,
    email: &str,
    ip: &str,
    max_failures: i64,
    window_secs: i64,
) -> ApiResult<()> {
    let by_ip: Option<(i32, i32)> = diesel::sql_query(
        "SELECT attempts, GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => $2) - now()))))::int AS retry_after \
         FROM login_throttle WHERE key = $1 AND window_started_at > now() - make_interval(secs => $2)",
    )
    .bind::<Text, _>(ip_key(ip))
    .bind::<Integer, _>(window_secs as i32)
    .get_result::<Counted>(conn)
    .optional()?
    .map(|c| (c.attempts, c.retry_after));
    if let Some((failures, retry_after)) = by_ip {
        if i64::from(failures) >= max_failures * PER_IP_FACTOR {
            return Err(ApiError::TooManyRequests { retry_after_secs: i64::from(retry_after) });
        }
    }
    let counted = bump(conn, &attempt_key(email, ip), window_secs)?;
    if i64::from(counted.attempts) > max_failures {
        return Err(ApiError::TooManyRequests { retry_after_secs: i64::from(counted.retry_after) });
    }
    Ok(())
}

/// A wrong password also counts against the address's overall budget.
pub fn record_failure(conn: &mut PgConnection, ip: &str, window_secs: i64) -> ApiResult<()> {
    bump(conn, &ip_key(ip), window_secs)?;
    Ok(())
}

/// A successful login forgives this e-mail's attempts from this address.
pub fn clear(conn: &mut PgConnection, email: &str, ip: &str) -> ApiResult<()> {
    use crate::platform::db::schema::login_throttle;
    diesel::delete(login_throttle::table.filter(login_throttle::key.eq(attempt_key(email, ip)))).execute(conn)?;
    Ok(())
}
