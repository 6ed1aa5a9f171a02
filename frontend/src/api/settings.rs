//! Account settings: custom fields, API keys, canned responses.

use domain::{
    ApiKeyList, CannedResponse, CannedResponseList, CreateApiKeyRequest, CreateCannedResponse,
    CreateCustomFieldRequest, CreatedApiKey, CustomFieldList, CustomFieldView, UpdateCustomFieldRequest,
};
use uuid::Uuid;

use super::ApiError;

pub async fn custom_fields() -> Result<CustomFieldList, ApiError> {
    super::get("/api/v1/custom-fields").await
}

pub async fn create_custom_field(req: &CreateCustomFieldRequest) -> Result<CustomFieldView, ApiError> {
    super::post("/api/v1/custom-fields", req).await
}

pub async fn update_custom_field(id: Uuid, req: &UpdateCustomFieldRequest) -> Result<CustomFieldView, ApiError> {
    super::patch(&format!("/api/v1/custom-fields/{id}"), req).await
}

pub async fn delete_custom_field(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/custom-fields/{id}")).await
}

pub async fn api_keys() -> Result<ApiKeyList, ApiError> {
    super::get("/api/v1/api-keys").await
}

pub async fn create_api_key(req: &CreateApiKeyRequest) -> Result<CreatedApiKey, ApiError> {
    super::post("/api/v1/api-keys", req).await
}

pub async fn revoke_api_key(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/api-keys/{id}")).await
}

pub async fn canned_responses() -> Result<CannedResponseList, ApiError> {
    super::get("/api/v1/canned-responses").await
}

pub async fn create_canned_response(req: &CreateCannedResponse) -> Result<CannedResponse, ApiError> {
    super::post("/api/v1/canned-responses", req).await
}

pub async fn delete_canned_response(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/canned-responses/{id}")).await
}
