//! The lead ingestion handler, its credential and its OpenAPI.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{post, web, FromRequest, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use domain::{ingest_rules, IngestLeadRequest, IngestLeadResponse, LeadReceipt, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use super::queries::{self, refuse};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{api_key_secret, ValidJson};
use crate::platform::rate_limits::Limit;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(ingest_lead);
}

/// The key a lead arrives with. It is looked up inside the lead's own transaction rather
/// than on a connection of its own: ingestion is the busiest write path, and that saves a
/// pool checkout and a thread hand-off per lead.
pub enum LeadCredential {
    SiteKey(String),
    ApiKey(String),
}

impl FromRequest for LeadCredential {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let site_key = req.headers().get("x-site-key").and_then(|v| v.to_str().ok()).map(|k| k.trim().to_owned());
        std::future::ready(match (site_key, api_key_secret(req)) {
            (Some(key), _) => Ok(LeadCredential::SiteKey(key)),
            (None, Some(secret)) => Ok(LeadCredential::ApiKey(secret)),
            (None, None) => Err(ApiError::Unauthorized(
                "Send an API key as `X-Api-Key` (or `Authorization: Bearer psk_…`), or a site key as `X-Site-Key`."
                    .into(),
            )),
        })
    }
}

/// Send a lead.
///
/// Creates a contact, or finds the one with the same e-mail or phone in the account, and
/// stores its transcript. With an API key that has `leads:ingest` (`X-Api-Key`), a known
/// contact is updated and returned. With a site's public key (`X-Site-Key`, from a web page)
/// the answer is always 202 with no client data, a known client is never changed (the
/// submission is logged on it for an agent to review), and only undated visitor messages
/// are accepted. Blocked contacts take no updates. New contacts of a site with
/// auto-assignment go to its next user in rotation, who is notified. Send an
/// `Idempotency-Key` (kept 24 hours, per key or site) so that a retry cannot create a
/// duplicate.
#[utoipa::path(
    tag = "integration", operation_id = "ingest_lead", security(("api_key" = ["leads:ingest"]), ("site_key" = [])),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "Unique per lead: 1 to 200 visible ASCII characters, no spaces. A retry with the same key returns the first response")),
    request_body = IngestLeadRequest,
    responses(
        (status = 201, description = "API key: a new contact", body = IngestLeadResponse),
        (status = 200, description = "API key: the contact with this e-mail or phone, updated", body = IngestLeadResponse),
        (status = 202, description = "Site key: the lead was recorded (the same answer for new and known clients)", body = LeadReceipt),
        (status = 401, description = "Missing or unknown key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The API key lacks `leads:ingest`, or the page's `Origin` is not among the site's allowed origins", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this `Idempotency-Key` is still being processed: retry shortly for its answer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown site, no e-mail or phone, a date in the future, a site key sending non-visitor or dated messages, or a reused Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many leads from this page and client address (`PUBLIC_RATE_PER_MINUTE`) or with this API key (`API_KEY_RATE_PER_MINUTE`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads")]
pub async fn ingest_lead(
    state: web::Data<AppState>,
    req: HttpRequest,
    credential: LeadCredential,
    ValidJson(lead): ValidJson<IngestLeadRequest>,
) -> ApiResult<HttpResponse> {
    let client_address = match &credential {
        LeadCredential::SiteKey(key) => {
            let client = crate::platform::http::extract::client_ip(&req);
            state.rate_limits.check(Limit::PublicSubmission, &format!("{key}|{client}"))?;
            Some(client)
        }
        // Rate-limited with its scope checked by `keys::key_access_middleware`; an
        // integration's own address says nothing of where its lead is.
        LeadCredential::ApiKey(_) => None,
    };
    let approx_location = match crate::platform::geoip::is_empty(lead.location.as_ref()) {
        true => lead.ip.as_deref().or(client_address.as_deref()).and_then(|ip| state.geoip.locate(ip)),
        false => None,
    };
    let origin = std::sync::Arc::new(queries::LeadOrigin { client_address, approx_location });
    let idempotency_key =
        req.headers().get("idempotency-key").map(|v| ingest_rules::idempotency_key(v.as_bytes())).transpose()?;
    refuse(ingest_rules::future_dates(&lead, Utc::now()))?;
    refuse(ingest_rules::contact_point(&lead))?;
    let credential = std::sync::Arc::new(credential);
    let lead = std::sync::Arc::new(lead);
    // Two first-time leads with the same e-mail racing: the loser's insert hits the unique
    // index, and its retry finds and updates the winner's contact.
    let mut attempt = 0;
    let (status, body) = loop {
        let (credential, lead, key, origin) =
            (credential.clone(), lead.clone(), idempotency_key.clone(), origin.clone());
        let config = state.config.clone();
        let attempt_once = move |conn: &mut PgConnection| {
            let sender = queries::sender(conn, &credential)?;
            queries::ingest(conn, &sender, &lead, key, &config.public_url, &origin)
        };
        match state.db.transaction(attempt_once).await {
            Err(ApiError::Conflict(..)) if attempt < 2 => attempt += 1,
            other => break other?,
        }
    };
    Ok(HttpResponse::build(StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK)).json(body))
}
