//! Deletes what is only kept for a while: idempotency keys after their time to live,
//! login-throttle windows that are over, and spent or expired e-mailed links, stream ticket
//! uses, old webhook deliveries. A job (`jobs`) runs [`sweep`] on one instance at a time.

use diesel::prelude::*;
use diesel::sql_types::Integer;

use crate::platform::error::ApiResult;

/// One pass; returns how many rows went.
pub fn sweep(
    conn: &mut PgConnection,
    idempotency_ttl_hours: i64,
    login_window_secs: i64,
    event_retention_hours: i64,
    webhook_retention_days: i64,
) -> ApiResult<usize> {
    let keys = diesel::sql_query("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)")
        .bind::<Integer, _>(idempotency_ttl_hours as i32)
        .execute(conn)?;
    let windows =
        diesel::sql_query("DELETE FROM login_throttle WHERE window_started_at <= now() - make_interval(secs => $1)")
            .bind::<Integer, _>(login_window_secs as i32)
            .execute(conn)?;
    // Links by e-mail: spent or expired sign-up and reset tokens go at once; unanswered
    // invitations stay listed (as expired) for 30 days.
    let links = diesel::sql_query("DELETE FROM signup_requests WHERE expires_at < now()").execute(conn)?
        + diesel::sql_query("DELETE FROM password_resets WHERE expires_at < now() OR used_at IS NOT NULL")
            .execute(conn)?
        + diesel::sql_query(
            "DELETE FROM invitations WHERE accepted_at IS NULL AND expires_at < now() - interval '30 days'",
        )
        .execute(conn)?;
    let events = crate::platform::events::trim(conn, event_retention_hours)?;
    // A stream ticket lives a minute; its use only has to be remembered that long.
    let tickets = diesel::sql_query("DELETE FROM event_ticket_uses WHERE used_at < now() - interval '5 minutes'")
        .execute(conn)?;
    let deliveries = crate::platform::webhooks::trim(conn, webhook_retention_days)?;
    // The daily lead limits count the last 24 hours.
    let assignments = diesel::sql_query("DELETE FROM auto_assignments WHERE assigned_at < now() - interval '2 days'")
        .execute(conn)?;
    Ok(keys + windows + links + events + tickets + deliveries + assignments)
}
