//! Lead ingestion for integrations, forms and chatbots.
//!
//! One transaction per lead: idempotency claim, dedup by e-mail/phone, create or update,
//! transcript, auto-assignment and its notifications. A retried request with the same
//! `Idempotency-Key` gets the first response and changes nothing.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{post, web, FromRequest, HttpRequest, HttpResponse};
use diesel::prelude::*;
use domain::{ApiScope, Channel, FieldError, IngestLeadRequest, IngestLeadResponse, Problem};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::api_keys;
use crate::auth::tokens::sha256_hex;
use crate::contacts::queries::Actor;
use crate::contacts::{check_site, transcript, upsert};
use crate::error::{ApiError, ApiResult};
use crate::extract::{api_key_secret, ValidJson};
use crate::schema::idempotency_keys;
use crate::{sites, AppState};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(ingest_lead);
}

/// Who is sending leads: an API key with `leads:ingest`, or a site's public key.
pub struct LeadSender {
    account_id: Uuid,
    /// Set by a site key: leads belong to that site.
    site_id: Option<Uuid>,
    actor: Actor,
    default_channel: Channel,
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

impl LeadCredential {
    fn sender(&self, conn: &mut PgConnection) -> ApiResult<LeadSender> {
        match self {
            LeadCredential::SiteKey(key) => {
                let site = sites::find_by_public_key(conn, key)?
                    .ok_or_else(|| ApiError::Unauthorized("Unknown site key.".into()))?;
                Ok(LeadSender {
                    account_id: site.account_id,
                    site_id: Some(site.id),
                    actor: Actor::system(&format!("site \"{}\"", site.name)),
                    default_channel: Channel::Form,
                })
            }
            LeadCredential::ApiKey(secret) => {
                let key = api_keys::caller_for_secret(conn, secret)?;
                key.require(ApiScope::LeadsIngest)?;
                Ok(LeadSender {
                    account_id: key.account_id,
                    site_id: None,
                    actor: Actor::system(&format!("API key \"{}\"", key.key_name)),
                    default_channel: Channel::Integration,
                })
            }
        }
    }
}

/// Send a lead: creates a contact, or updates the one with the same e-mail or phone in the
/// account, and stores its transcript.
///
/// Authenticate with an API key that has `leads:ingest` (`X-Api-Key`), or with a site's
/// public key (`X-Site-Key`) from a web form. New contacts of a site with auto-assignment
/// go to its next user in rotation, who is notified. Send an `Idempotency-Key` so that a
/// retry of the same request cannot create a duplicate.
#[utoipa::path(
    tag = "integration", operation_id = "ingest_lead", security(("api_key" = []), ("api_key_bearer" = []), ("site_key" = [])),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "Unique per lead: 1 to 200 visible ASCII characters, no spaces. A retry with the same key returns the first response")),
    request_body = IngestLeadRequest,
    responses(
        (status = 201, description = "A new contact", body = IngestLeadResponse),
        (status = 200, description = "An existing contact was updated", body = IngestLeadResponse),
        (status = 401, description = "Missing or unknown key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The API key lacks `leads:ingest`, or the page's `Origin` is not among the site's allowed origins", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown site, no e-mail or phone, or a reused Idempotency-Key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads")]
pub async fn ingest_lead(
    state: web::Data<AppState>,
    req: HttpRequest,
    credential: LeadCredential,
    ValidJson(lead): ValidJson<IngestLeadRequest>,
) -> ApiResult<HttpResponse> {
    let idempotency_key = match req.headers().get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if (1..=200).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => Some(k.to_string()),
        Some(_) => {
            return Err(ApiError::field("Idempotency-Key", "invalid", "must be 1 to 200 visible ASCII characters"))
        }
    };
    if !lead.has_contact_point() {
        return Err(ApiError::Validation(vec![
            FieldError::new("email", "required", "an e-mail or a phone is required"),
            FieldError::new("phone", "required", "an e-mail or a phone is required"),
        ]));
    }
    let credential = std::sync::Arc::new(credential);
    let lead = std::sync::Arc::new(lead);
    // Two first-time leads with the same e-mail racing: the loser's insert hits the unique
    // index, and its retry finds and updates the winner's contact.
    let mut attempt = 0;
    let (status, body) = loop {
        let (credential, lead, key) = (credential.clone(), lead.clone(), idempotency_key.clone());
        let attempt_once = move |conn: &mut PgConnection| {
            let sender = credential.sender(conn)?;
            ingest(conn, &sender, &lead, key)
        };
        match state.db.transaction(attempt_once).await {
            Err(ApiError::Conflict(..)) if attempt < 2 => attempt += 1,
            other => break other?,
        }
    };
    Ok(HttpResponse::build(StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK)).json(body))
}

fn ingest(
    conn: &mut PgConnection,
    sender: &LeadSender,
    lead: &IngestLeadRequest,
    idempotency_key: Option<String>,
) -> ApiResult<(i16, Value)> {
    if let (Some(from_key), Some(in_body)) = (sender.site_id, lead.site_id) {
        if from_key != in_body {
            return Err(ApiError::field("site_id", "mismatch", "differs from the site of the site key"));
        }
    }
    let account_id = sender.account_id;
    if let Some(key) = &idempotency_key {
        let request_hash = sha256_hex(&serde_json::to_string(lead).unwrap_or_default());
        if let Some(replay) = claim_key(conn, account_id, key, &request_hash)? {
            return Ok(replay);
        }
    }
    let site_id = sender.site_id.or(lead.site_id);
    if let Some(site) = site_id {
        check_site(conn, account_id, site)?;
    }
    if let Some(values) = &lead.custom_fields {
        crate::custom_fields::check_values(conn, account_id, values)?;
    }
    let channel = lead.channel.unwrap_or(sender.default_channel);
    let (contact, created) = upsert::create_or_update(conn, account_id, site_id, &sender.actor, channel, lead, true)?;
    let conversation_id = if lead.transcript.is_empty() {
        None
    } else {
        Some(transcript::store(conn, account_id, contact.id, site_id, channel, &lead.transcript)?)
    };
    let status: i16 = if created { 201 } else { 200 };
    let body = serde_json::to_value(IngestLeadResponse { contact: contact.view(), created, conversation_id })
        .map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(key) = idempotency_key {
        diesel::update(idempotency_keys::table.find((account_id, key)))
            .set((idempotency_keys::response_status.eq(status), idempotency_keys::response_body.eq(&body)))
            .execute(conn)?;
    }
    Ok((status, body))
}

/// Claims an idempotency key for this request, or returns the response stored for it.
/// A concurrent request with the same key waits on the unique index until the first one
/// commits, then sees its response.
fn claim_key(
    conn: &mut PgConnection,
    account_id: Uuid,
    key: &str,
    request_hash: &str,
) -> ApiResult<Option<(i16, Value)>> {
    let claimed = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::account_id.eq(account_id),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if claimed == 1 {
        return Ok(None);
    }
    let (hash, status, body): (String, Option<i16>, Option<Value>) = idempotency_keys::table
        .find((account_id, key))
        .select((idempotency_keys::request_hash, idempotency_keys::response_status, idempotency_keys::response_body))
        .first(conn)?;
    if hash != request_hash {
        return Err(ApiError::field("Idempotency-Key", "reused", "was already used for a different lead"));
    }
    match (status, body) {
        (Some(status), Some(body)) => Ok(Some((status, body))),
        _ => {
            Err(ApiError::Conflict("A request with this Idempotency-Key is still being processed.".into(), Vec::new()))
        }
    }
}
