//! Integration API keys as credentials: a secret is found by its hash, and what it may do is
//! the scopes it was granted. Creating, listing and revoking keys is the `api_keys` feature.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, ResponseError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ApiScope;
use uuid::Uuid;

use crate::platform::auth::tokens::sha256_hex;
use crate::platform::db::schema::api_keys;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::api_key_secret;
use crate::platform::http::routing::{route_table, Access};
use crate::platform::rate_limits::Limit;
use crate::platform::state::AppState;

/// An integration authenticated by a live API key.
#[derive(Debug, Clone)]
pub struct ApiKeyCaller {
    pub key_id: Uuid,
    pub key_name: String,
    pub account_id: Uuid,
    pub scopes: Vec<ApiScope>,
}

impl ApiKeyCaller {
    /// 403 unless the key was granted `scope` (as the spec writes it: `contacts:read`).
    pub fn require(&self, scope: &str) -> ApiResult<()> {
        if scope.is_empty() || self.scopes.iter().any(|s| s.as_str() == scope) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("This API key lacks the `{scope}` scope.")))
        }
    }
}

/// The live key for `secret`, noting its use (at most once a minute, to spare writes).
pub fn caller_for_secret(conn: &mut PgConnection, secret: &str) -> ApiResult<ApiKeyCaller> {
    let row: (Uuid, Uuid, String, Vec<String>, Option<DateTime<Utc>>) = api_keys::table
        .filter(api_keys::secret_hash.eq(sha256_hex(secret)))
        .filter(api_keys::revoked_at.is_null())
        .select((api_keys::id, api_keys::account_id, api_keys::name, api_keys::scopes, api_keys::last_used_at))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::Unauthorized("The API key is not valid or was revoked.".into()))?;
    let (key_id, account_id, key_name, scopes, last_used_at) = row;
    let now = Utc::now();
    if last_used_at.is_none_or(|t| now - t > chrono::Duration::minutes(1)) {
        diesel::update(api_keys::table.find(key_id)).set(api_keys::last_used_at.eq(now)).execute(conn)?;
    }
    let scopes = scopes.iter().filter_map(|s| ApiScope::parse(s)).collect();
    Ok(ApiKeyCaller { key_id, key_name, account_id, scopes })
}

/// Live keys by their secret's hash, reused for a short while (`PRINCIPAL_CACHE_MS`, as for
/// users) so that a busy integration does not read its key on every request. Revoking a key
/// forgets it at once on this instance, on the others within the TTL.
pub struct KeyCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, ApiKeyCaller)>>,
}

impl KeyCache {
    pub fn new(ttl: Duration) -> KeyCache {
        KeyCache { ttl, entries: Mutex::new(HashMap::new()) }
    }

    /// The caller for `secret`: 401 when no live key has it. (Count the request against the
    /// key's rate first: `RateLimits::count(Limit::ApiKey, …)`.)
    pub async fn caller(&self, state: &AppState, secret: String) -> ApiResult<ApiKeyCaller> {
        let hash = sha256_hex(&secret);
        if !self.ttl.is_zero() {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, caller)) = entries.get(&hash) {
                if at.elapsed() < self.ttl {
                    return Ok(caller.clone());
                }
            }
        }
        let caller = state.db.run(move |conn| caller_for_secret(conn, &secret)).await?;
        if !self.ttl.is_zero() {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if entries.len() > 10_000 {
                entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            }
            entries.insert(hash, (Instant::now(), caller.clone()));
        }
        Ok(caller)
    }

    pub fn forget(&self, key_id: Uuid) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, (_, caller)| caller.key_id != key_id);
    }
}

/// Decides, before any body is read, what a request sent with an API key may do: 401 for a
/// key that is not live or where only people may call, 403 when the operation names a scope
/// the key lacks. The caller is then left in the request's extensions for [`ApiKeyCaller`] and
/// `AuthUser`. Operations with other credentials (public, site key, visitor token) are not
/// concerned.
pub async fn key_access_middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let secret = api_key_secret(req.request());
    let access = route_table(req.request()).and_then(|t| t.access_for(req.method().as_str(), req.path()));
    let (Some(secret), Some(access), Some(state)) = (secret, access, req.app_data::<web::Data<AppState>>().cloned())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // A person's access token beside a key: the person calls, wherever people may (the key
    // still counts where only a key is taken, `POST /leads`).
    if person_token(req.request()) && !matches!(access, Access::KeyOnly(_)) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let mut standing = None;
    let checked = async {
        standing = state.rate_limits.count(Limit::ApiKey, &secret)?;
        let caller = state.api_keys.caller(&state, secret).await?;
        match access {
            Access::Key(scope) | Access::KeyOnly(scope) => caller.require(&scope).map(|()| caller),
            // The credential it needs is missing (a person's token): 401, as without any.
            Access::PeopleOnly => Err(ApiError::Unauthorized(PEOPLE_ONLY.into())),
        }
    };
    let checked = checked.await;
    let mut res = match checked {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.call(req).await?.map_into_boxed_body()
        }
        Err(err) => {
            let res = err.error_response();
            req.into_response(res)
        }
    };
    // Where the key stands against `API_KEY_RATE_PER_MINUTE`, on every answer to it.
    if let Some(standing) = standing {
        for (name, value) in standing.headers() {
            if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&value) {
                res.headers_mut().insert(actix_web::http::header::HeaderName::from_static(name), value);
            }
        }
    }
    Ok(res)
}

/// Why a key alone is refused where only people may call.
pub const PEOPLE_ONLY: &str =
    "API keys cannot call this operation; send a user's access token as `Authorization: Bearer …`.";

/// `Authorization: Bearer` with something other than an API key (a user's JWT).
fn person_token(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| !token.trim().starts_with(domain::API_KEY_PREFIX))
}

impl FromRequest for ApiKeyCaller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(req.extensions().get::<ApiKeyCaller>().cloned().ok_or_else(|| {
            ApiError::Unauthorized("Send an API key as `X-Api-Key` or `Authorization: Bearer psk_…`.".into())
        }))
    }
}
