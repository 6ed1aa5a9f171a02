//! The webhook sender: a worker on every instance that claims due deliveries, POSTs them
//! signed, and writes down each outcome.
//!
//! Each claimed delivery is sent by its own task, up to [`IN_FLIGHT`] at once, so a slow
//! endpoint (up to the timeout) holds up no other; a recorder task writes the outcomes as
//! they come, many per transaction.
//!
//! A claim sets a lease (`lease_until`) and counts the attempt before anything is sent, so a
//! sender that dies mid-request leaves its rows to be taken over when the lease runs out, and
//! the receiver may see a message twice (at least once; `webhook-id` lets it tell). A batch
//! holds at most one delivery per endpoint and subject, and none while an earlier one of the
//! same endpoint and subject is pending: one subject's events arrive in order.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::{guard, signing};
use crate::platform::config::WebhookConfig;
use crate::platform::db::Db;
use crate::platform::error::ApiResult;
use crate::platform::mailer;

/// Deliveries claimed per pass at most.
const BATCH: usize = 200;
/// Requests under way at once on one instance.
pub const IN_FLIGHT: usize = 256;
/// The most of an endpoint's answer kept for the delivery log.
const EXCERPT_MAX: usize = 1024;

/// The HTTP client of the sender: no redirects (a 3xx is a failure), the configured
/// timeout, and the public-only resolver.
pub fn client(cfg: &WebhookConfig) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .dns_resolver(guard::PublicOnly::new(cfg.allow_private))
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Prospecta-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

#[derive(Debug, QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = SqlUuid)]
    endpoint_id: Uuid,
    #[diesel(sql_type = Text)]
    message_id: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    secret: String,
    #[diesel(sql_type = Nullable<Text>)]
    previous_secret: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    previous_secret_until: Option<DateTime<Utc>>,
}

/// What one attempt came to.
#[derive(Debug)]
struct Outcome {
    id: i64,
    endpoint_id: Uuid,
    attempts: i32,
    delivered: bool,
    response_status: Option<i32>,
    response_excerpt: Option<String>,
    error: Option<String>,
}

/// The sender's shared parts: the database, the HTTP client, the settings and the permits
/// that bound the requests under way.
#[derive(Clone)]
pub struct Sender {
    db: Db,
    client: reqwest::Client,
    cfg: Arc<WebhookConfig>,
    in_flight: Arc<Semaphore>,
    /// Outcomes to write, each with the permit it frees once written.
    outcomes: mpsc::UnboundedSender<(Outcome, OwnedSemaphorePermit)>,
}

impl Sender {
    /// The sender and its recorder task: call on the server's runtime.
    pub fn new(db: Db, cfg: &WebhookConfig) -> anyhow::Result<Sender> {
        let cfg = Arc::new(cfg.clone());
        let (outcomes, written) = mpsc::unbounded_channel();
        tokio::spawn(record_outcomes(db.clone(), cfg.clone(), written));
        Ok(Sender { db, client: client(&cfg)?, cfg, in_flight: Arc::new(Semaphore::new(IN_FLIGHT)), outcomes })
    }

    /// One pass: claims as many due deliveries as there are free permits and starts a task
    /// for each. Returns how many it started (0: nothing due, or every permit in use).
    pub async fn step(&self) -> anyhow::Result<usize> {
        let free = self.in_flight.available_permits().min(BATCH);
        if free == 0 {
            return Ok(0);
        }
        // Longer than an attempt (the timeout) and the wait to record it.
        let lease_secs = self.cfg.timeout.as_secs_f64() * 2.0 + 5.0;
        let claimed = self.db.run(move |conn| claim(conn, free as i64, lease_secs)).await?;
        let n = claimed.len();
        for delivery in claimed {
            let permit = self.in_flight.clone().acquire_owned().await?;
            let this = self.clone();
            tokio::spawn(async move {
                let outcome = send(&this.client, &this.cfg, &delivery).await;
                // If the recorder is gone (stopping), the lease runs out and another pass sends it.
                let _ = this.outcomes.send((outcome, permit));
            });
        }
        Ok(n)
    }
}

/// Writes outcomes as they come, many per transaction: one round of statements for all the
/// deliveries that finished meanwhile. Ends when every [`Sender`] is gone.
async fn record_outcomes(
    db: Db,
    cfg: Arc<WebhookConfig>,
    mut written: mpsc::UnboundedReceiver<(Outcome, OwnedSemaphorePermit)>,
) {
    while let Some(first) = written.recv().await {
        let mut batch = vec![first];
        while batch.len() < 1000 {
            match written.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (outcomes, permits): (Vec<Outcome>, Vec<OwnedSemaphorePermit>) = batch.into_iter().unzip();
        let cfg = cfg.clone();
        let ids: Vec<i64> = outcomes.iter().map(|o| o.id).collect();
        if let Err(err) = db.run(move |conn| record(conn, &outcomes, &cfg)).await {
            // Their leases run out and another pass sends them again.
            tracing::warn!(deliveries = ?ids, error = %err, "webhook outcomes not recorded");
        }
        drop(permits);
    }
}

fn claim(conn: &mut PgConnection, limit: i64, lease_secs: f64) -> ApiResult<Vec<Claimed>> {
    Ok(diesel::sql_query(
        "WITH due AS (
           SELECT d.id FROM webhook_deliveries d
           JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
           WHERE d.status = 'pending' AND d.next_attempt_at <= now()
             AND (d.lease_until IS NULL OR d.lease_until < now())
             AND NOT EXISTS (
               SELECT 1 FROM webhook_deliveries p
               WHERE p.endpoint_id = d.endpoint_id AND p.subject = d.subject
                 AND p.status = 'pending' AND p.id < d.id)
           ORDER BY d.next_attempt_at, d.id
           LIMIT $1
           FOR UPDATE OF d SKIP LOCKED)
         UPDATE webhook_deliveries d
         SET lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1, last_attempt_at = now()
         FROM due, webhook_endpoints e
         WHERE d.id = due.id AND e.id = d.endpoint_id
         RETURNING d.id, d.endpoint_id, d.message_id, d.body, d.attempts, e.url, e.secret,
                   e.previous_secret, e.previous_secret_until",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Double, _>(lease_secs)
    .load(conn)?)
}

async fn send(client: &reqwest::Client, cfg: &WebhookConfig, d: &Claimed) -> Outcome {
    let mut outcome = Outcome {
        id: d.id,
        endpoint_id: d.endpoint_id,
        attempts: d.attempts,
        delivered: false,
        response_status: None,
        response_excerpt: None,
        error: None,
    };
    let url = match reqwest::Url::parse(&d.url) {
        Ok(url) => url,
        Err(err) => {
            outcome.error = Some(format!("invalid URL: {err}"));
            return outcome;
        }
    };
    if let Some(refused) = guard::refuse_literal(&url, cfg.allow_private) {
        outcome.error = Some(refused);
        return outcome;
    }
    let timestamp = Utc::now().timestamp();
    let mut secrets = vec![d.secret.as_str()];
    if let (Some(old), Some(until)) = (&d.previous_secret, d.previous_secret_until) {
        if until > Utc::now() {
            secrets.push(old);
        }
    }
    let request = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signing::signature_header(&secrets, &d.message_id, timestamp, &d.body))
        .body(d.body.clone());
    match request.send().await {
        Ok(mut response) => {
            let status = response.status();
            outcome.response_status = Some(i32::from(status.as_u16()));
            outcome.delivered = status.is_success();
            let mut excerpt = Vec::new();
            while excerpt.len() < EXCERPT_MAX {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        excerpt.extend_from_slice(&chunk[..chunk.len().min(EXCERPT_MAX - excerpt.len())])
                    }
                    _ => break,
                }
            }
            outcome.response_excerpt = Some(String::from_utf8_lossy(&excerpt).into_owned());
            if !outcome.delivered {
                outcome.error = Some(format!("the endpoint answered {status}"));
            }
        }
        Err(err) => outcome.error = Some(describe(&err, cfg.timeout)),
    }
    outcome
}

/// A failed request in words, with the refusal of [`guard`] when that is the cause.
fn describe(err: &reqwest::Error, timeout: Duration) -> String {
    if err.is_timeout() {
        return format!("timed out after {} ms", timeout.as_millis());
    }
    let mut source: Option<&dyn std::error::Error> = Some(err);
    let mut deepest = err.to_string();
    while let Some(e) = source {
        deepest = e.to_string();
        if deepest.starts_with("refused:") {
            return deepest;
        }
        source = e.source();
    }
    if err.is_connect() {
        format!("could not connect: {deepest}")
    } else {
        format!("request failed: {deepest}")
    }
}

fn record(conn: &mut PgConnection, outcomes: &[Outcome], cfg: &WebhookConfig) -> ApiResult<()> {
    use diesel::sql_types::Array;
    conn.transaction(|conn| {
        // Successes, the common case, in one statement.
        let delivered: Vec<&Outcome> = outcomes.iter().filter(|o| o.delivered).collect();
        if !delivered.is_empty() {
            diesel::sql_query(
                "UPDATE webhook_deliveries d SET status = 'delivered', lease_until = NULL, response_status = u.status,
                   response_excerpt = u.excerpt, error = NULL, delivered_at = now()
                 FROM unnest($1::bigint[], $2::int[], $3::text[]) AS u(id, status, excerpt)
                 WHERE d.id = u.id",
            )
            .bind::<Array<BigInt>, _>(delivered.iter().map(|o| o.id).collect::<Vec<_>>())
            .bind::<Array<Integer>, _>(delivered.iter().map(|o| o.response_status.unwrap_or(0)).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(
                delivered.iter().map(|o| o.response_excerpt.clone().unwrap_or_default()).collect::<Vec<_>>(),
            )
            .execute(conn)?;
        }
        for o in outcomes.iter().filter(|o| !o.delivered) {
            let retry_in = domain::webhooks::retry_delay_secs(o.attempts, cfg.retry_scale)
                .map(|d| domain::webhooks::with_jitter(d, rand::random::<f64>()));
            let status = if retry_in.is_some() { "pending" } else { "failed" };
            diesel::sql_query(
                "UPDATE webhook_deliveries SET status = $2, lease_until = NULL,
                   next_attempt_at = now() + make_interval(secs => coalesce($3, 0)),
                   response_status = $4, response_excerpt = $5, error = $6
                 WHERE id = $1",
            )
            .bind::<BigInt, _>(o.id)
            .bind::<Text, _>(status)
            .bind::<Nullable<Double>, _>(retry_in)
            .bind::<Nullable<Integer>, _>(o.response_status)
            .bind::<Nullable<Text>, _>(&o.response_excerpt)
            .bind::<Nullable<Text>, _>(&o.error)
            .execute(conn)?;
        }
        let mut succeeded: Vec<Uuid> = outcomes.iter().filter(|o| o.delivered).map(|o| o.endpoint_id).collect();
        succeeded.sort();
        succeeded.dedup();
        let mut failed: Vec<Uuid> = outcomes
            .iter()
            .filter(|o| !o.delivered && !succeeded.contains(&o.endpoint_id))
            .map(|o| o.endpoint_id)
            .collect();
        failed.sort();
        failed.dedup();
        if !succeeded.is_empty() {
            diesel::sql_query(
                "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY($1) AND failing_since IS NOT NULL",
            )
            .bind::<Array<SqlUuid>, _>(&succeeded)
            .execute(conn)?;
        }
        if !failed.is_empty() {
            diesel::sql_query(
                "UPDATE webhook_endpoints SET failing_since = now() WHERE id = ANY($1) AND failing_since IS NULL",
            )
            .bind::<Array<SqlUuid>, _>(&failed)
            .execute(conn)?;
        }
        disable_long_failing(conn, &failed, cfg.disable_after_hours)
    })
}

#[derive(QueryableByName)]
struct Disabled {
    #[diesel(sql_type = SqlUuid)]
    account_id: Uuid,
    #[diesel(sql_type = Text)]
    url: String,
}

/// Turns off the endpoints among `ids` that have failed without a success for `hours`, and
/// e-mails the account's admins once for each.
fn disable_long_failing(conn: &mut PgConnection, ids: &[Uuid], hours: i64) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let reason = format!("Every delivery failed for {hours} hours; turned off. Fix the endpoint, then turn it on.");
    let disabled: Vec<Disabled> = diesel::sql_query(
        "UPDATE webhook_endpoints SET enabled = false, disabled_reason = $3, updated_at = now()
         WHERE id = ANY($1) AND enabled AND failing_since <= now() - make_interval(hours => $2)
         RETURNING account_id, url",
    )
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(ids)
    .bind::<Integer, _>(hours as i32)
    .bind::<Text, _>(&reason)
    .load(conn)?;
    for endpoint in disabled {
        use crate::platform::db::schema::users;
        let admins: Vec<(String, String)> = users::table
            .filter(users::account_id.eq(endpoint.account_id))
            .filter(users::role.eq("admin"))
            .filter(users::disabled.eq(false))
            .select((users::email, users::lang))
            .load(conn)?;
        for (to, lang) in admins {
            let lang = domain::i18n::Lang::from_tag(&lang);
            let (subject, body) = domain::mail_text::webhook_disabled(lang, &endpoint.url, hours);
            mailer::enqueue(conn, endpoint.account_id, &to, &subject, &body)?;
        }
    }
    Ok(())
}
