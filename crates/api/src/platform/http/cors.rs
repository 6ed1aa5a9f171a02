//! CORS for the public site-key endpoints only, so that a form or widget on a customer's
//! web page can post leads. Operator endpoints never answer cross-origin requests.
//!
//! A preflight cannot say which site it is for (browsers send header names, not values), so
//! it is answered for any origin. The request itself carries `X-Site-Key`: when the site
//! lists allowed origins and the page's `Origin` is not one of them, it is refused with 403
//! before it does anything, and the answer carries no `Access-Control-Allow-Origin`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse, ResponseError};

use crate::platform::db::schema::sites;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::state::AppState;

/// Whether `path` takes a site key from browsers: lead submission and the chat widget's
/// visitor endpoints.
pub fn is_public(path: &str) -> bool {
    path == "/api/v1/leads" || path.starts_with("/api/v1/visitor/")
}

/// The widget's event stream: EventSource sends no headers, so no site key; its ticket
/// (from `POST /api/v1/visitor/tickets`, which checked the origin) is the credential.
const VISITOR_STREAM: &str = "/api/v1/visitor/events";

/// Request headers a page may send to the public endpoints.
const ALLOWED_HEADERS: &str = "content-type, x-site-key, x-visitor-token, idempotency-key, last-event-id";

pub async fn cors_middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let public = is_public(req.path());
    let (Some(origin), true) = (origin, public) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        let res = HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
            .insert_header((header::VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"))
            .finish();
        return Ok(req.into_response(res));
    }
    let site_key = req.headers().get("x-site-key").and_then(|v| v.to_str().ok()).map(|k| k.trim().to_owned());
    let allowed = match site_key {
        None if req.path() == VISITOR_STREAM => true,
        // An integration's API key is not for browsers: no CORS for it.
        None => false,
        Some(key) => {
            let state = req.app_data::<web::Data<AppState>>().cloned();
            let origins = match state {
                Some(state) => state.db.run(move |conn| site_origins(conn, &key)).await,
                None => Ok(None),
            };
            match origins {
                Err(err) => return Ok(req.into_response(err.error_response())),
                // An unknown key: the handler answers 401, readable by the page.
                Ok(None) => true,
                Ok(Some(list)) => {
                    let page = origin.to_str().unwrap_or("");
                    if !list.is_empty() && !list.iter().any(|o| o == page) {
                        let err = ApiError::Forbidden(format!(
                            "This site does not allow requests from {page}; add it to the site's allowed origins."
                        ));
                        return Ok(req.into_response(err.error_response()));
                    }
                    true
                }
            }
        }
    };
    let mut res = next.call(req).await?.map_into_boxed_body();
    if allowed {
        let headers = res.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("x-request-id"));
    }
    Ok(res)
}

/// The origins a site key allows (empty: any), or None for an unknown key. Read here from the
/// table rather than through the sites feature: the platform imports no feature.
fn site_origins(conn: &mut diesel::PgConnection, public_key: &str) -> ApiResult<Option<Vec<String>>> {
    use diesel::prelude::*;
    Ok(sites::table.filter(sites::public_key.eq(public_key)).select(sites::allowed_origins).first(conn).optional()?)
}
