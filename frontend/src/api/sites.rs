//! The account's websites, and each site's chat and auto-assignment settings.

use domain::{AutoAssignment, ChatSettings, CreateSiteRequest, SiteList, SiteView, UpdateSiteRequest};
use uuid::Uuid;

use super::ApiError;

pub async fn list() -> Result<SiteList, ApiError> {
    super::get("/api/v1/sites").await
}

pub async fn create(req: &CreateSiteRequest) -> Result<SiteView, ApiError> {
    super::post("/api/v1/sites", req).await
}

pub async fn update(id: Uuid, req: &UpdateSiteRequest) -> Result<SiteView, ApiError> {
    super::patch(&format!("/api/v1/sites/{id}"), req).await
}

pub async fn rotate_key(id: Uuid) -> Result<SiteView, ApiError> {
    super::post(&format!("/api/v1/sites/{id}/rotate-key"), &()).await
}

pub async fn delete(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/sites/{id}")).await
}

pub async fn auto_assignment(id: Uuid) -> Result<AutoAssignment, ApiError> {
    super::get(&format!("/api/v1/sites/{id}/auto-assignment")).await
}

pub async fn save_auto_assignment(id: Uuid, req: &AutoAssignment) -> Result<AutoAssignment, ApiError> {
    super::call("PUT", &format!("/api/v1/sites/{id}/auto-assignment"), Some(req)).await
}

pub async fn chat_settings(id: Uuid) -> Result<ChatSettings, ApiError> {
    super::get(&format!("/api/v1/sites/{id}/chat")).await
}

pub async fn save_chat_settings(id: Uuid, req: &ChatSettings) -> Result<ChatSettings, ApiError> {
    super::call("PUT", &format!("/api/v1/sites/{id}/chat"), Some(req)).await
}

pub async fn sla(id: Uuid) -> Result<domain::sla::SlaSettings, ApiError> {
    super::get(&format!("/api/v1/sites/{id}/sla")).await
}

pub async fn save_sla(id: Uuid, req: &domain::sla::SlaSettings) -> Result<domain::sla::SlaSettings, ApiError> {
    super::call("PUT", &format!("/api/v1/sites/{id}/sla"), Some(req)).await
}

pub async fn routing(id: Uuid) -> Result<domain::routing::RoutingSettings, ApiError> {
    super::get(&format!("/api/v1/sites/{id}/routing")).await
}

pub async fn save_routing(
    id: Uuid,
    req: &domain::routing::RoutingSettings,
) -> Result<domain::routing::RoutingSettings, ApiError> {
    super::call("PUT", &format!("/api/v1/sites/{id}/routing"), Some(req)).await
}
