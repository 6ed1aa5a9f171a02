//! Webhook endpoints and deliveries, always within one account.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::events::EventData;
use domain::webhooks::{
    CreateWebhookRequest, DeliveryQuery, DeliveryStatus, UpdateWebhookRequest, WebhookDeliveryPage,
    WebhookDeliveryView, WebhookTest, WebhookView,
};
use uuid::Uuid;

use crate::platform::db::schema::{webhook_deliveries, webhook_endpoints};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::webhooks::{self, signing};

/// An account's endpoints at most.
pub const MAX_ENDPOINTS: i64 = 20;
/// How long the old secret still signs after a rotation.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EndpointRow {
    pub fn view(&self) -> WebhookView {
        WebhookView {
            id: self.id,
            url: self.url.clone(),
            description: self.description.clone(),
            event_types: self.event_types.clone(),
            enabled: self.enabled,
            disabled_reason: self.disabled_reason.clone(),
            failing_since: self.failing_since,
            previous_secret_until: self.previous_secret_until.filter(|until| *until > Utc::now()),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
struct DeliveryRow {
    id: i64,
    message_id: String,
    kind: String,
    status: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_attempt_at: Option<DateTime<Utc>>,
    response_status: Option<i32>,
    response_excerpt: Option<String>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    body: String,
}

impl DeliveryRow {
    fn view(self) -> WebhookDeliveryView {
        let status = DeliveryStatus::parse(&self.status).unwrap_or(DeliveryStatus::Pending);
        WebhookDeliveryView {
            id: self.id,
            message_id: self.message_id,
            event_type: self.kind,
            status,
            attempts: self.attempts,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(self.next_attempt_at),
            last_attempt_at: self.last_attempt_at,
            response_status: self.response_status,
            response_excerpt: self.response_excerpt,
            error: self.error,
            created_at: self.created_at,
            delivered_at: self.delivered_at,
            body: self.body,
        }
    }
}

/// The account's endpoints, oldest first.
pub fn list(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<EndpointRow>> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::account_id.eq(account_id))
        .order((webhook_endpoints::created_at, webhook_endpoints::id))
        .select(EndpointRow::as_select())
        .load(conn)?)
}

/// Endpoint `id` of the account, locked for the rest of the transaction; 404 otherwise.
pub fn get(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<EndpointRow> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::account_id.eq(account_id))
        .filter(webhook_endpoints::id.eq(id))
        .select(EndpointRow::as_select())
        .for_update()
        .first(conn)?)
}

/// Endpoint `id`, locked, when it may be sent to; 409 when it is turned off.
fn get_enabled(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<EndpointRow> {
    let row = get(conn, account_id, id)?;
    if !row.enabled {
        return Err(ApiError::Conflict("The webhook is turned off; turn it on first.".into(), Vec::new()));
    }
    Ok(row)
}

/// A new endpoint and its secret (shown once). 409 past [`MAX_ENDPOINTS`].
pub fn create(conn: &mut PgConnection, account_id: Uuid, req: CreateWebhookRequest) -> ApiResult<EndpointRow> {
    // Serialises creations of one account, so two at once cannot both pass the count.
    crate::platform::db::schema::accounts::table
        .find(account_id)
        .select(crate::platform::db::schema::accounts::id)
        .for_update()
        .first::<Uuid>(conn)?;
    let count: i64 =
        webhook_endpoints::table.filter(webhook_endpoints::account_id.eq(account_id)).count().get_result(conn)?;
    if count >= MAX_ENDPOINTS {
        return Err(ApiError::Conflict(
            format!("An account can have at most {MAX_ENDPOINTS} webhooks; delete one first."),
            Vec::new(),
        ));
    }
    let now = Utc::now();
    let row = EndpointRow {
        id: Uuid::new_v4(),
        account_id,
        url: req.url.trim().to_string(),
        description: req.description.as_deref().map(str::trim).unwrap_or("").to_string(),
        event_types: req.event_types,
        secret: signing::new_secret(),
        previous_secret: None,
        previous_secret_until: None,
        enabled: true,
        disabled_reason: None,
        failing_since: None,
        created_at: now,
        updated_at: now,
    };
    Ok(diesel::insert_into(webhook_endpoints::table)
        .values(&row)
        .returning(EndpointRow::as_returning())
        .get_result(conn)?)
}

/// Applies `req`; turning an endpoint on clears its failure state.
pub fn update(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    req: UpdateWebhookRequest,
) -> ApiResult<EndpointRow> {
    let mut row = get(conn, account_id, id)?;
    if let Some(url) = req.url {
        row.url = url.trim().to_string();
    }
    if let Some(description) = req.description {
        row.description = description.trim().to_string();
    }
    if let Some(types) = req.event_types {
        row.event_types = types;
    }
    match req.enabled {
        Some(true) if !row.enabled => {
            row.enabled = true;
            row.disabled_reason = None;
            row.failing_since = None;
        }
        Some(false) => row.enabled = false,
        _ => {}
    }
    Ok(diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::url.eq(&row.url),
            webhook_endpoints::description.eq(&row.description),
            webhook_endpoints::event_types.eq(&row.event_types),
            webhook_endpoints::enabled.eq(row.enabled),
            webhook_endpoints::disabled_reason.eq(&row.disabled_reason),
            webhook_endpoints::failing_since.eq(row.failing_since),
            webhook_endpoints::updated_at.eq(Utc::now()),
        ))
        .returning(EndpointRow::as_returning())
        .get_result(conn)?)
}

/// Deletes endpoint `id` with its deliveries; how many endpoints went.
pub fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<usize> {
    Ok(diesel::delete(
        webhook_endpoints::table
            .filter(webhook_endpoints::account_id.eq(account_id))
            .filter(webhook_endpoints::id.eq(id)),
    )
    .execute(conn)?)
}

/// A new secret; the current one keeps signing for [`ROTATION_OVERLAP_HOURS`] beside it.
pub fn rotate(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<EndpointRow> {
    let row = get(conn, account_id, id)?;
    let until = Utc::now() + Duration::hours(ROTATION_OVERLAP_HOURS);
    Ok(diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::previous_secret.eq(Some(&row.secret)),
            webhook_endpoints::previous_secret_until.eq(Some(until)),
            webhook_endpoints::secret.eq(signing::new_secret()),
            webhook_endpoints::updated_at.eq(Utc::now()),
        ))
        .returning(EndpointRow::as_returning())
        .get_result(conn)?)
}

/// Queues a `webhook.test` event for endpoint `id` alone (409 when it is turned off).
pub fn send_test(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<WebhookDeliveryView> {
    get_enabled(conn, account_id, id)?;
    webhooks::publish_to(conn, account_id, id, &EventData::WebhookTest(WebhookTest { webhook_id: id }))?;
    latest(conn, id)
}

fn latest(conn: &mut PgConnection, endpoint_id: Uuid) -> ApiResult<WebhookDeliveryView> {
    let row: DeliveryRow = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::id.desc())
        .select(DeliveryRow::as_select())
        .first(conn)?;
    Ok(row.view())
}

/// The endpoint's deliveries, newest first, a page at a time.
pub fn deliveries(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    query: &DeliveryQuery,
) -> ApiResult<WebhookDeliveryPage> {
    get(conn, account_id, id)?;
    let limit = query.limit.unwrap_or(50);
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::account_id.eq(account_id))
        .filter(webhook_deliveries::endpoint_id.eq(id))
        .into_boxed();
    if let Some(status) = query.status {
        q = q.filter(webhook_deliveries::status.eq(status.as_str()));
    }
    if let Some(before) = query.before {
        q = q.filter(webhook_deliveries::id.lt(before));
    }
    let mut rows: Vec<DeliveryRow> =
        q.order(webhook_deliveries::id.desc()).limit(limit + 1).select(DeliveryRow::as_select()).load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_before = if more { rows.last().map(|r| r.id) } else { None };
    Ok(WebhookDeliveryPage { items: rows.into_iter().map(DeliveryRow::view).collect(), next_before })
}

/// Sends delivery `delivery_id` again as a new delivery of the same message (same
/// `webhook-id` and body), after any pending one of its subject.
pub fn redeliver(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    delivery_id: i64,
) -> ApiResult<WebhookDeliveryView> {
    get_enabled(conn, account_id, id)?;
    let inserted = diesel::sql_query(
        "INSERT INTO webhook_deliveries (account_id, endpoint_id, message_id, kind, subject, body)
         SELECT account_id, endpoint_id, message_id, kind, subject, body FROM webhook_deliveries
         WHERE id = $1 AND endpoint_id = $2 AND account_id = $3",
    )
    .bind::<diesel::sql_types::BigInt, _>(delivery_id)
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Uuid, _>(account_id)
    .execute(conn)?;
    if inserted == 0 {
        return Err(ApiError::NotFound);
    }
    latest(conn, id)
}
