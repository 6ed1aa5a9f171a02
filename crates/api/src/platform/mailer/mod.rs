//! The e-mail outbox: messages are written in the same transaction as the change they
//! announce, and a background sender delivers them over SMTP, retrying with exponential
//! backoff, so a mail server outage delays mail but loses none.

use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use lettre::message::header::ContentType;
use lettre::{Message, SmtpTransport, Transport};
use uuid::Uuid;

use crate::platform::db::schema::email_outbox;
use crate::platform::error::ApiResult;

/// Outbound mail settings; without an SMTP URL mail stays queued.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `smtp://host:port`: a relay reached without TLS.
    pub smtp_url: String,
    pub from: String,
    pub poll_interval: Duration,
    /// The first retry waits this long; each further one twice as long, up to an hour.
    pub retry_base: Duration,
}

/// Queues a message. `account_id` is the account it concerns; none for mail that goes out
/// before an account exists (sign-up confirmation).
pub fn enqueue(
    conn: &mut PgConnection,
    account_id: impl Into<Option<Uuid>>,
    to: &str,
    subject: &str,
    body: &str,
) -> ApiResult<()> {
    diesel::insert_into(email_outbox::table)
        .values((
            email_outbox::id.eq(Uuid::new_v4()),
            email_outbox::account_id.eq(account_id.into()),
            email_outbox::to_address.eq(to),
            email_outbox::subject.eq(subject),
            email_outbox::body.eq(body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Mail not sent yet, newest first, as (to, subject, body): what `prospecta outbox` prints, so
/// a setup without `SMTP_URL` (`make run`) can still open a sign-up or invitation link.
pub fn unsent(conn: &mut PgConnection, to: Option<&str>, limit: i64) -> ApiResult<Vec<(String, String, String)>> {
    let mut query = email_outbox::table
        .filter(email_outbox::sent_at.is_null())
        .order(email_outbox::created_at.desc())
        .limit(limit)
        .select((email_outbox::to_address, email_outbox::subject, email_outbox::body))
        .into_boxed();
    if let Some(to) = to {
        query = query.filter(email_outbox::to_address.eq(domain::normalize_email(to)));
    }
    Ok(query.load(conn)?)
}

/// How long to wait after the `attempts`-th failure.
pub fn backoff(retry_base: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.clamp(1, 20) as u32 - 1);
    retry_base.saturating_mul(factor).min(Duration::from_secs(3600))
}

/// Sends the due messages once; returns how many were delivered. Rows are locked with
/// SKIP LOCKED, so several instances can run senders side by side.
pub fn deliver_due(conn: &mut PgConnection, transport: &SmtpTransport, cfg: &MailConfig) -> ApiResult<usize> {
    conn.transaction(|conn| {
        let due: Vec<(Uuid, String, String, String, i32)> = email_outbox::table
            .filter(email_outbox::sent_at.is_null())
            .filter(email_outbox::next_attempt_at.le(Utc::now()))
            .order(email_outbox::next_attempt_at)
            .limit(20)
            .select((
                email_outbox::id,
                email_outbox::to_address,
                email_outbox::subject,
                email_outbox::body,
                email_outbox::attempts,
            ))
            .for_update()
            .skip_locked()
            .load(conn)?;
        let mut delivered = 0;
        for (id, to, subject, body, attempts) in due {
            let attempts = attempts + 1;
            let row = email_outbox::table.find(id);
            match send(transport, &cfg.from, &to, &subject, &body) {
                Ok(()) => {
                    diesel::update(row)
                        .set((email_outbox::sent_at.eq(Utc::now()), email_outbox::attempts.eq(attempts)))
                        .execute(conn)?;
                    delivered += 1;
                }
                Err(err) => {
                    let wait = chrono::Duration::from_std(backoff(cfg.retry_base, attempts)).unwrap_or_default();
                    tracing::warn!(%id, attempts, error = %err, "mail delivery failed; will retry");
                    diesel::update(row)
                        .set((
                            email_outbox::attempts.eq(attempts),
                            email_outbox::next_attempt_at.eq(Utc::now() + wait),
                            email_outbox::last_error.eq(err.to_string()),
                        ))
                        .execute(conn)?;
                }
            }
        }
        Ok(delivered)
    })
}

fn send(transport: &SmtpTransport, from: &str, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
    let message = Message::builder()
        .from(from.parse()?)
        .to(to.parse()?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())?;
    transport.send(&message)?;
    Ok(())
}

/// A plain SMTP transport for `smtp://host[:port]`, meant for a local relay (Postfix,
/// a smarthost sidecar) that handles TLS and authentication onward.
pub fn transport(url: &str) -> anyhow::Result<SmtpTransport> {
    let rest =
        url.strip_prefix("smtp://").ok_or_else(|| anyhow::anyhow!("SMTP_URL must look like smtp://host:port"))?;
    let (host, port) = match rest.trim_end_matches('/').rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>()?),
        None => (rest.trim_end_matches('/'), 25),
    };
    Ok(SmtpTransport::builder_dangerous(host).port(port).timeout(Some(Duration::from_secs(10))).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 50), Duration::from_secs(3600));
    }
}
