//! Integration API keys: created by admins, shown once, stored hashed, scoped, revocable.

use actix_web::dev::Payload;
use actix_web::{delete, get, post, web, FromRequest, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::{ApiKeyList, ApiKeyView, ApiScope, CreateApiKeyRequest, CreatedApiKey, IntegrationIdentity, Problem};
use futures_util::future::LocalBoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::platform::auth::tokens::{new_secret, sha256_hex};
use crate::platform::db::schema::api_keys;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{api_key_secret, AdminUser, ValidJson};
use crate::platform::rate_limits::Limit;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/api-keys").service(list_api_keys).service(create_api_key).service(revoke_api_key),
    )
    .service(utoipa_actix_web::scope("/integration").service(whoami));
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub secret_hash: String,
    pub scopes: Vec<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyRow {
    fn scopes(&self) -> Vec<ApiScope> {
        self.scopes.iter().filter_map(|s| ApiScope::parse(s)).collect()
    }

    pub fn view(&self) -> ApiKeyView {
        ApiKeyView {
            id: self.id,
            name: self.name.clone(),
            prefix: self.prefix.clone(),
            scopes: self.scopes(),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// An integration authenticated by a live API key.
#[derive(Debug, Clone)]
pub struct ApiKeyCaller {
    pub key_id: Uuid,
    pub key_name: String,
    pub account_id: Uuid,
    pub scopes: Vec<ApiScope>,
}

impl ApiKeyCaller {
    /// 403 unless the key was granted `scope`.
    pub fn require(&self, scope: ApiScope) -> ApiResult<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("This API key lacks the `{}` scope.", scope.as_str())))
        }
    }
}

impl FromRequest for ApiKeyCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let secret = api_key_secret(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("app state missing")))?;
            let secret = secret.ok_or_else(|| {
                ApiError::Unauthorized("Send an API key as `X-Api-Key` or `Authorization: Bearer psk_…`.".into())
            })?;
            state.rate_limits.check(Limit::ApiKey, &secret)?;
            state.db.run(move |conn| caller_for_secret(conn, &secret)).await
        })
    }
}

/// The live key for `secret`, as a caller.
pub fn caller_for_secret(conn: &mut PgConnection, secret: &str) -> ApiResult<ApiKeyCaller> {
    let row = authenticate(conn, secret)?;
    Ok(ApiKeyCaller { key_id: row.id, scopes: row.scopes(), key_name: row.name, account_id: row.account_id })
}

/// Finds the live key for `secret` and notes its use (at most once a minute, to spare writes).
fn authenticate(conn: &mut PgConnection, secret: &str) -> ApiResult<ApiKeyRow> {
    let row: ApiKeyRow = api_keys::table
        .filter(api_keys::secret_hash.eq(sha256_hex(secret)))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::Unauthorized("The API key is not valid or was revoked.".into()))?;
    let now = Utc::now();
    if row.last_used_at.is_none_or(|t| now - t > Duration::minutes(1)) {
        diesel::update(api_keys::table.find(row.id)).set(api_keys::last_used_at.eq(now)).execute(conn)?;
    }
    Ok(row)
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
    let rows: Vec<ApiKeyRow> = state
        .db
        .run(move |conn| {
            Ok(api_keys::table
                .filter(api_keys::account_id.eq(caller.account_id))
                .order((api_keys::created_at.desc(), api_keys::id.desc()))
                .select(ApiKeyRow::as_select())
                .load(conn)?)
        })
        .await?;
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
    let created: ApiKeyRow = state
        .db
        .run(move |conn| {
            Ok(diesel::insert_into(api_keys::table)
                .values(&row)
                .returning(ApiKeyRow::as_returning())
                .get_result(conn)?)
        })
        .await?;
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
    state
        .db
        .run(move |conn| {
            let key = api_keys::table.filter(api_keys::account_id.eq(caller.account_id)).filter(api_keys::id.eq(id));
            let revoked_at: Option<DateTime<Utc>> = key.select(api_keys::revoked_at).first(conn)?;
            if revoked_at.is_none() {
                diesel::update(key).set(api_keys::revoked_at.eq(Utc::now())).execute(conn)?;
            }
            Ok(())
        })
        .await?;
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
