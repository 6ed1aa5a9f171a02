//! The webhook subscriptions' handlers and their OpenAPI.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::webhooks::{
    CreateWebhookRequest, DeliveryQuery, UpdateWebhookRequest, WebhookDeliveryPage, WebhookDeliveryView, WebhookList,
    WebhookView, WebhookWithSecret,
};
use domain::Problem;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use super::queries::{self, EndpointRow};
use crate::platform::error::{no_content_if_found, ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::platform::webhooks::guard;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/webhooks")
            .service(list_webhooks)
            .service(create_webhook)
            .service(get_webhook)
            .service(update_webhook)
            .service(delete_webhook)
            .service(rotate_webhook_secret)
            .service(send_test_webhook)
            .service(list_webhook_deliveries)
            .service(redeliver_webhook),
    );
}

/// 422 on `url` when it names a non-public address (unless `WEBHOOK_ALLOW_PRIVATE`).
fn check_public(state: &AppState, url: Option<&str>) -> ApiResult<()> {
    match url.and_then(|u| guard::refuse_at_save(u, state.config.webhooks.allow_private)) {
        Some(why) => Err(ApiError::field("url", "not_public", &format!("must be a public address: {why}"))),
        None => Ok(()),
    }
}

fn with_secret(row: EndpointRow) -> WebhookWithSecret {
    WebhookWithSecret { webhook: row.view(), secret: row.secret }
}

/// List the account's webhooks.
///
/// Secrets are not listed (they are shown once, at creation and rotation). Admins, or an
/// API key with `webhooks:manage`.
#[utoipa::path(
    tag = "webhooks", operation_id = "list_webhooks", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "Webhooks, oldest first", body = WebhookList),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
) -> ApiResult<web::Json<WebhookList>> {
    let rows = state.db.run(move |conn| queries::list(conn, caller.account_id)).await?;
    Ok(web::Json(WebhookList { items: rows.iter().map(EndpointRow::view).collect() }))
}

/// Subscribe an endpoint to events.
///
/// Events of the chosen kinds (all when `event_types` is empty) are POSTed to `url`, signed
/// with the returned `secret` (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
/// `webhook-signature`); see docs/INTEGRATIONS.md. The secret is shown only now. At most 20
/// per account.
#[utoipa::path(
    tag = "webhooks", operation_id = "create_webhook", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Subscribed; store `secret` now", body = WebhookWithSecret),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account already has 20 webhooks", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (a URL that is not a public address, an unknown or repeated event type)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    ValidJson(body): ValidJson<CreateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    check_public(&state, Some(&body.url))?;
    let row = state.db.transaction(move |conn| queries::create(conn, caller.account_id, body)).await?;
    Ok(HttpResponse::Created().json(with_secret(row)))
}

/// Get a webhook.
///
/// With its failure state: `failing_since` while deliveries fail, `disabled_reason` once the
/// server has turned it off.
#[utoipa::path(
    tag = "webhooks", operation_id = "get_webhook", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook", body = WebhookView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<WebhookView>> {
    let id = id.into_inner();
    let row = state.db.transaction(move |conn| queries::get(conn, caller.account_id, id)).await?;
    Ok(web::Json(row.view()))
}

/// Change a webhook: URL, description, event types, on or off.
///
/// Turning it back on (`enabled: true`) clears the failure that turned it off; deliveries
/// still pending are sent again.
#[utoipa::path(
    tag = "webhooks", operation_id = "update_webhook", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, description = "Changed", body = WebhookView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateWebhookRequest>,
) -> ApiResult<web::Json<WebhookView>> {
    let id = id.into_inner();
    check_public(&state, body.url.as_deref())?;
    let row = state.db.transaction(move |conn| queries::update(conn, caller.account_id, id, body)).await?;
    Ok(web::Json(row.view()))
}

/// Delete a webhook and its delivery log.
///
/// Nothing more is sent to it, not even deliveries still pending.
#[utoipa::path(
    tag = "webhooks", operation_id = "delete_webhook", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted; nothing more is sent"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    no_content_if_found(state.db.run(move |conn| queries::delete(conn, caller.account_id, id)).await?)
}

/// Rotate a webhook's secret.
///
/// Returns the new secret (shown only now). For 24 hours both secrets sign each request
/// (`webhook-signature` carries two `v1,` signatures), so the receiver can switch without
/// losing a message.
#[utoipa::path(
    tag = "webhooks", operation_id = "rotate_webhook_secret", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The new secret; store it now", body = WebhookWithSecret),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<WebhookWithSecret>> {
    let id = id.into_inner();
    let row = state.db.transaction(move |conn| queries::rotate(conn, caller.account_id, id)).await?;
    Ok(web::Json(with_secret(row)))
}

/// Send a test event.
///
/// Queues a `webhook.test` event for this webhook alone, whatever kinds it takes; follow it
/// in the delivery log.
#[utoipa::path(
    tag = "webhooks", operation_id = "send_test_webhook", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 202, description = "Queued", body = WebhookDeliveryView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The webhook is turned off", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/test")]
pub async fn send_test_webhook(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let delivery = state.db.transaction(move |conn| queries::send_test(conn, caller.account_id, id)).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}

/// A webhook's delivery log.
///
/// Newest first, each with its body exactly as signed, the attempts made, and the endpoint's
/// last answer. Delivered and failed deliveries are kept 30 days (`WEBHOOK_RETENTION_DAYS`).
#[utoipa::path(
    tag = "webhooks", operation_id = "list_webhook_deliveries", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    params(("id" = Uuid, Path, description = "Webhook id"), DeliveryQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = WebhookDeliveryPage),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    query: web::Query<DeliveryQuery>,
) -> ApiResult<web::Json<WebhookDeliveryPage>> {
    let (id, query) = (id.into_inner(), query.into_inner());
    query.validate()?;
    let page = state.db.transaction(move |conn| queries::deliveries(conn, caller.account_id, id, &query)).await?;
    Ok(web::Json(page))
}

/// Send a delivery again.
///
/// Queues the same message (same `webhook-id` and body) once more, after any delivery of
/// the same subject still pending.
#[utoipa::path(
    tag = "webhooks", operation_id = "redeliver_webhook", security(("bearer" = []), ("api_key" = ["webhooks:manage"])),
    params(
        ("id" = Uuid, Path, description = "Webhook id"),
        ("delivery_id" = i64, Path, minimum = 1, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued again", body = WebhookDeliveryView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook or delivery in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The webhook is turned off", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    path: web::Path<(Uuid, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery_id) = path.into_inner();
    let delivery =
        state.db.transaction(move |conn| queries::redeliver(conn, caller.account_id, id, delivery_id)).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
