//! Outbound webhooks, after Standard Webhooks (standardwebhooks.com): what a change sends
//! to the account's subscriptions, and the sender that delivers it.
//!
//! - [`publish`] writes one delivery per subscribed endpoint in the transaction of the change
//!   (an outbox): a change that rolls back sends nothing, one that commits is sent at least
//!   once, even if the instance dies right after.
//! - [`dispatcher`] claims due deliveries (any instance; a lease hands a crashed sender's
//!   rows to another), signs and POSTs them, retries on the Standard Webhooks schedule, and
//!   disables an endpoint that fails without a break for too long.
//! - [`guard`] keeps the sender off loopback, private and link-local addresses.
//! - [`signing`]: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
//!
//! Deliveries about one subject (a card, client, task, conversation) reach an endpoint in
//! the order they were written: a later one waits while an earlier one is pending.

pub mod dispatcher;
pub mod guard;
pub mod signing;

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use domain::events::EventKind;
use serde_json::json;
use uuid::Uuid;

use crate::platform::error::ApiResult;
pub use domain::events::EventData;

/// The JSON body of a webhook: `{"type", "timestamp", "data"}`.
pub fn body(data: &EventData) -> String {
    json!({
        "type": data.kind().as_str(),
        "timestamp": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data.to_json(),
    })
    .to_string()
}

/// A new `webhook-id`: the same on every endpoint an event goes to and on every retry.
pub fn new_message_id() -> String {
    format!("msg_{}", Uuid::new_v4().simple())
}

/// Which of `kinds` some enabled endpoint of the account takes: callers whose payload costs a
/// query to build ask first (one indexed read; nothing when the account has no endpoint).
pub fn wanted_kinds(conn: &mut PgConnection, account_id: Uuid, kinds: &[EventKind]) -> ApiResult<Vec<EventKind>> {
    use crate::platform::db::schema::webhook_endpoints as e;
    let subscriptions: Vec<Vec<String>> =
        e::table.filter(e::account_id.eq(account_id)).filter(e::enabled.eq(true)).select(e::event_types).load(conn)?;
    Ok(kinds
        .iter()
        .copied()
        .filter(|k| subscriptions.iter().any(|types| types.is_empty() || types.iter().any(|t| t == k.as_str())))
        .collect())
}

/// Queues `data` for every enabled endpoint of the account that takes its kind, in the
/// caller's transaction; returns how many deliveries were written. Kinds that concern one
/// user's screen (presence, typing…) are never sent.
pub fn publish(conn: &mut PgConnection, account_id: Uuid, data: &EventData) -> ApiResult<usize> {
    let kind = data.kind();
    if !domain::webhooks::webhook_kinds().contains(&kind) {
        return Ok(0);
    }
    insert_deliveries(conn, account_id, None, data)
}

/// Queues `data` for endpoint `endpoint_id` only, whatever it subscribes to ("Send test
/// event"); 0 when the account has no such endpoint.
pub fn publish_to(conn: &mut PgConnection, account_id: Uuid, endpoint_id: Uuid, data: &EventData) -> ApiResult<usize> {
    insert_deliveries(conn, account_id, Some(endpoint_id), data)
}

fn insert_deliveries(
    conn: &mut PgConnection,
    account_id: Uuid,
    only: Option<Uuid>,
    data: &EventData,
) -> ApiResult<usize> {
    Ok(diesel::sql_query(
        "INSERT INTO webhook_deliveries (account_id, endpoint_id, message_id, kind, subject, body)
         SELECT $1, e.id, $3, $4, $5, $6 FROM webhook_endpoints e
         WHERE e.account_id = $1 AND e.enabled
           AND (CASE WHEN $2::uuid IS NULL
                THEN cardinality(e.event_types) = 0 OR $4 = ANY (e.event_types)
                ELSE e.id = $2 END)
         ORDER BY e.id",
    )
    .bind::<SqlUuid, _>(account_id)
    .bind::<Nullable<SqlUuid>, _>(only)
    .bind::<Text, _>(new_message_id())
    .bind::<Text, _>(data.kind().as_str())
    .bind::<Nullable<SqlUuid>, _>(data.subject())
    .bind::<Text, _>(body(data))
    .execute(conn)?)
}

/// Deletes delivered and failed deliveries older than `days` (the janitor's pass).
pub fn trim(conn: &mut PgConnection, days: i64) -> ApiResult<usize> {
    use diesel::sql_types::Integer;
    Ok(diesel::sql_query(
        "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)",
    )
    .bind::<Integer, _>(days as i32)
    .execute(conn)?)
}
