//! The extractor for a request made with an API key.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use domain::ApiScope;
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use super::queries::caller_for_secret;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::api_key_secret;
use crate::platform::rate_limits::Limit;
use crate::AppState;

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
