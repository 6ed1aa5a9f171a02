//! Login rate limiting, kept in the database so it holds across API instances.

use chrono::{Duration, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::error::{ApiError, ApiResult};
use crate::schema::login_failures;

/// How many failures per client address are tolerated, relative to the per-e-mail limit:
/// an office behind one address has many users.
const PER_IP_FACTOR: i64 = 5;

/// Refuses with 429 when the e-mail or the address failed too often within the window.
pub fn check(conn: &mut PgConnection, email: &str, ip: &str, max_failures: i64, window_secs: i64) -> ApiResult<()> {
    let since = Utc::now() - Duration::seconds(window_secs);
    let by_email: i64 = login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::created_at.gt(since))
        .select(count_star())
        .first(conn)?;
    let by_ip: i64 = login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::created_at.gt(since))
        .select(count_star())
        .first(conn)?;
    if by_email >= max_failures || by_ip >= max_failures * PER_IP_FACTOR {
        return Err(ApiError::TooManyRequests { retry_after_secs: window_secs });
    }
    Ok(())
}

pub fn record_failure(conn: &mut PgConnection, email: &str, ip: &str) -> ApiResult<()> {
    diesel::insert_into(login_failures::table)
        .values((login_failures::email.eq(email), login_failures::ip.eq(ip)))
        .execute(conn)?;
    Ok(())
}

/// A successful login forgives that e-mail's earlier failures.
pub fn clear(conn: &mut PgConnection, email: &str) -> ApiResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::email.eq(email))).execute(conn)?;
    Ok(())
}
