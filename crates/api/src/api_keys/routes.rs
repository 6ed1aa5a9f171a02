//! The API keys' handlers and their OpenAPI.

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::Utc;
use domain::{ApiKeyList, CreateApiKeyRequest, CreatedApiKey, IntegrationIdentity, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries::{self, ApiKeyRow};
use crate::platform::auth::keys::ApiKeyCaller;
use crate::platform::auth::tokens::new_secret;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/api-keys").service(list_api_keys).service(create_api_key).service(revoke_api_key),
    )
    .service(utoipa_actix_web::scope("/integration").service(whoami));
}

/// List the account's API keys.
///
/// Revoked keys are listed too, with `revoked_at`. Secrets are never shown again; `prefix`
/// identifies a key. Admins only.
#[utoipa::path(
    tag = "api-keys", operation_id = "list_api_keys", security(("bearer" = [])),
    responses(
        (status = 200, description = "Keys, newest first; secrets are never listed", body = ApiKeyList),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
) -> ApiResult<web::Json<ApiKeyList>> {
    let rows: Vec<ApiKeyRow> = state.db.run(move |conn| queries::list(conn, caller.account_id)).await?;
    Ok(web::Json(ApiKeyList { items: rows.iter().map(ApiKeyRow::view).collect() }))
}

/// Create an API key.
///
/// The response is the only time the secret is shown: store it now. Admins only.
#[utoipa::path(
    tag = "api-keys", operation_id = "create_api_key", security(("bearer" = [])),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Created; copy `secret` now", body = CreatedApiKey),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    ValidJson(body): ValidJson<CreateApiKeyRequest>,
) -> ApiResult<HttpResponse> {
    let (secret, secret_hash) = new_secret(domain::API_KEY_PREFIX);
    let mut scopes: Vec<String> = body.scopes.iter().map(|s| s.as_str().to_string()).collect();
    scopes.sort();
    scopes.dedup();
    let row = ApiKeyRow {
        id: Uuid::new_v4(),
        account_id: caller.account_id,
        name: body.name.trim().to_string(),
        prefix: secret[..domain::API_KEY_SHOWN_PREFIX_LEN].to_string(),
        secret_hash,
        scopes,
        created_by: Some(caller.user_id),
        created_at: Utc::now(),
        last_used_at: None,
        revoked_at: None,
    };
    let created: ApiKeyRow = state.db.run(move |conn| queries::insert(conn, &row)).await?;
    Ok(HttpResponse::Created().json(CreatedApiKey { key: created.view(), secret }))
}

/// Revoke an API key.
///
/// Requests with the key are refused from now on. Revoking a revoked key succeeds again. Admins
/// only.
#[utoipa::path(
    tag = "api-keys", operation_id = "revoke_api_key", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "API key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db.run(move |conn| queries::revoke(conn, caller.account_id, id)).await?;
    state.api_keys.forget(id);
    Ok(HttpResponse::NoContent().finish())
}

/// Which account and scopes a key grants.
///
/// For integrations to check their API key before sending leads.
#[utoipa::path(
    tag = "integration", operation_id = "integration_whoami", security(("api_key" = []), ("api_key_bearer" = [])),
    responses(
        (status = 200, description = "The key's identity", body = IntegrationIdentity),
        (status = 401, description = "Missing, unknown or revoked key", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key (`API_KEY_RATE_PER_MINUTE`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/whoami")]
pub async fn whoami(caller: ApiKeyCaller) -> ApiResult<web::Json<IntegrationIdentity>> {
    Ok(web::Json(IntegrationIdentity {
        account_id: caller.account_id,
        key_id: caller.key_id,
        key_name: caller.key_name,
        scopes: caller.scopes,
    }))
}
