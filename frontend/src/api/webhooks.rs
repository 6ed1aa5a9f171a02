//! Webhook subscriptions, their delivery log and redelivery (Settings → Webhooks).

use domain::webhooks::{
    CreateWebhookRequest, UpdateWebhookRequest, WebhookDeliveryPage, WebhookDeliveryView, WebhookList, WebhookView,
    WebhookWithSecret,
};
use serde_json::json;
use uuid::Uuid;

use super::ApiError;

pub async fn list() -> Result<WebhookList, ApiError> {
    super::get("/api/v1/webhooks").await
}

pub async fn create(req: &CreateWebhookRequest) -> Result<WebhookWithSecret, ApiError> {
    super::post("/api/v1/webhooks", req).await
}

pub async fn update(id: Uuid, req: &UpdateWebhookRequest) -> Result<WebhookView, ApiError> {
    super::patch(&format!("/api/v1/webhooks/{id}"), req).await
}

pub async fn delete(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/webhooks/{id}")).await
}

pub async fn rotate_secret(id: Uuid) -> Result<WebhookWithSecret, ApiError> {
    super::post(&format!("/api/v1/webhooks/{id}/rotate-secret"), &json!({})).await
}

pub async fn send_test(id: Uuid) -> Result<WebhookDeliveryView, ApiError> {
    super::post(&format!("/api/v1/webhooks/{id}/test"), &json!({})).await
}

pub async fn deliveries(id: Uuid) -> Result<WebhookDeliveryPage, ApiError> {
    super::get(&format!("/api/v1/webhooks/{id}/deliveries?limit=20")).await
}

pub async fn redeliver(id: Uuid, delivery_id: i64) -> Result<WebhookDeliveryView, ApiError> {
    super::post(&format!("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver"), &json!({})).await
}
