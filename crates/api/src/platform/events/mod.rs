//! Realtime events: written in the transaction of the change they report, announced with
//! NOTIFY, and fanned out by each instance to its own server-sent-event streams.
//!
//! - [`record`] inserts the event and calls `pg_notify` inside the caller's transaction, so
//!   an event exists if and only if its change committed. It takes a per-account advisory
//!   lock first: one account's events commit in id order, which is what lets a stream
//!   replay "everything after `Last-Event-ID`" without gaps. Call it last in a transaction.
//!   It also queues the event for the account's webhooks (`platform::webhooks`).
//! - [`listener`] keeps one LISTEN connection per instance and hands each event to the
//!   [`hub::Hub`], which sends it to the streams of that account allowed to see it.
//! - [`stream`] serves the streams (operators and visitors), with replay, heartbeats and a
//!   bounded buffer per client.

pub mod hub;
pub mod listener;
pub mod stream;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

pub use domain::events::EventData;

use crate::platform::db::schema::events;
use crate::platform::error::ApiResult;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stream::create_ticket).service(stream::stream_events);
}

/// The NOTIFY channel.
pub const CHANNEL: &str = "prospecta_events";

/// NOTIFY payloads must stay under 8000 bytes; a bigger event is announced by id only.
const INLINE_PAYLOAD_MAX: usize = 7000;

/// Who sees an event besides admins (who see every event of their account).
#[derive(Debug, Clone, Default)]
pub struct Audience {
    /// Every operator of the account (a conversation entering the Inbox).
    pub everyone: bool,
    /// These users.
    pub user_ids: Vec<Uuid>,
    /// This visitor, on the widget's stream. Only visitor-safe data goes in such an event.
    pub visitor_id: Option<Uuid>,
}

impl Audience {
    pub fn everyone() -> Audience {
        Audience { everyone: true, ..Audience::default() }
    }

    pub fn users(user_ids: impl IntoIterator<Item = Uuid>) -> Audience {
        let mut ids: Vec<Uuid> = user_ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        Audience { user_ids: ids, ..Audience::default() }
    }

    pub fn with_visitor(mut self, visitor_id: Option<Uuid>) -> Audience {
        self.visitor_id = visitor_id;
        self
    }
}

/// An event as stored, announced and dispatched.
#[derive(Debug, Clone, Serialize, Deserialize, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct Event {
    pub id: i64,
    pub account_id: Uuid,
    pub kind: String,
    pub everyone: bool,
    pub user_ids: Vec<Uuid>,
    pub visitor_id: Option<Uuid>,
    pub data: Value,
    pub created_at: DateTime<Utc>,
}

/// A NOTIFY payload: the whole event, or its id when it is too big to inline.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Announcement {
    Inline(Event),
    ById { id: i64 },
}

/// Records an event of `account_id` in the current transaction and announces it on commit.
pub fn record(conn: &mut PgConnection, account_id: Uuid, audience: Audience, data: EventData) -> ApiResult<i64> {
    // The account's webhooks hear of it too, in the same transaction.
    crate::platform::webhooks::publish(conn, account_id, &data)?;
    let (kind, data) = (data.kind(), data.to_json());
    // Held until commit: a later event of this account cannot commit before this one.
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7215))")
        .bind::<SqlUuid, _>(account_id)
        .execute(conn)?;
    let event: Event = diesel::insert_into(events::table)
        .values((
            events::account_id.eq(account_id),
            events::kind.eq(kind.as_str()),
            events::everyone.eq(audience.everyone),
            events::user_ids.eq(&audience.user_ids),
            events::visitor_id.eq(audience.visitor_id),
            events::data.eq(&data),
        ))
        .returning(Event::as_returning())
        .get_result(conn)?;
    let id = event.id;
    let mut payload = serde_json::to_string(&Announcement::Inline(event)).unwrap_or_default();
    if payload.len() > INLINE_PAYLOAD_MAX {
        payload = serde_json::to_string(&Announcement::ById { id }).unwrap_or_default();
    }
    notify(conn, payload)?;
    Ok(id)
}

/// Announces a passing event (`typing`) to the streams open now, on every instance, without
/// storing it: it has id 0, is never replayed and does not move a client's `Last-Event-ID`.
pub fn announce_passing(
    conn: &mut PgConnection,
    account_id: Uuid,
    audience: Audience,
    data: EventData,
) -> ApiResult<()> {
    let (kind, data) = (data.kind(), data.to_json());
    let event = Event {
        id: 0,
        account_id,
        kind: kind.as_str().to_string(),
        everyone: audience.everyone,
        user_ids: audience.user_ids,
        visitor_id: audience.visitor_id,
        data,
        created_at: chrono::Utc::now(),
    };
    let payload = serde_json::to_string(&Announcement::Inline(event)).unwrap_or_default();
    if payload.len() <= INLINE_PAYLOAD_MAX {
        notify(conn, payload)?;
    }
    Ok(())
}

/// NOTIFY on the events channel; delivered when the transaction commits.
fn notify(conn: &mut PgConnection, payload: String) -> ApiResult<()> {
    diesel::sql_query("SELECT pg_notify($1, $2)").bind::<Text, _>(CHANNEL).bind::<Text, _>(payload).execute(conn)?;
    Ok(())
}

/// The highest id the janitor has deleted.
pub fn trimmed_through(conn: &mut PgConnection) -> ApiResult<i64> {
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        trimmed_through: i64,
    }
    let row: Row = diesel::sql_query("SELECT trimmed_through FROM event_retention").get_result(conn)?;
    Ok(row.trimmed_through)
}

/// Deletes events older than `hours`, remembering the highest id deleted.
pub fn trim(conn: &mut PgConnection, hours: i64) -> ApiResult<usize> {
    use diesel::sql_types::Integer;
    Ok(diesel::sql_query(
        "WITH gone AS (DELETE FROM events WHERE created_at < now() - make_interval(hours => $1) RETURNING id)
         UPDATE event_retention SET trimmed_through = greatest(trimmed_through, (SELECT max(id) FROM gone))
         WHERE EXISTS (SELECT 1 FROM gone)",
    )
    .bind::<Integer, _>(hours as i32)
    .execute(conn)?)
}
