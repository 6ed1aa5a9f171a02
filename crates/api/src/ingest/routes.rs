//! Lead ingestion for integrations, forms and chatbots.
//!
//! One transaction per lead: idempotency claim, dedup by e-mail/phone, create or update,
//! transcript, auto-assignment and its notifications. A retried request with the same
//! `Idempotency-Key` gets the first response and changes nothing.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{post, web, FromRequest, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use domain::{
    ApiScope, Channel, FieldError, IngestLeadRequest, IngestLeadResponse, LeadReceipt, MessageSender, Problem,
};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::api_keys;
use crate::contacts::queries::Actor;
use crate::contacts::upsert::{LeadSource, OnKnownClient};
use crate::contacts::{check_site, transcript, upsert};
use crate::platform::auth::tokens::sha256_hex;
use crate::platform::db::schema::idempotency_keys;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{api_key_secret, ValidJson};
use crate::platform::rate_limits::Limit;
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
    /// A site key, which anyone can read in a page's source.
    public: bool,
    /// Whose idempotency keys these are: `api_key:<id>` or `site:<id>`.
    idempotency_scope: String,
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
                    public: true,
                    idempotency_scope: format!("site:{}", site.id),
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
                    public: false,
                    idempotency_scope: format!("api_key:{}", key.key_id),
                })
            }
        }
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
    tag = "integration", operation_id = "ingest_lead", security(("api_key" = []), ("api_key_bearer" = []), ("site_key" = [])),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "Unique per lead: 1 to 200 visible ASCII characters, no spaces. A retry with the same key returns the first response")),
    request_body = IngestLeadRequest,
    responses(
        (status = 201, description = "API key: a new contact", body = IngestLeadResponse),
        (status = 200, description = "API key: the contact with this e-mail or phone, updated", body = IngestLeadResponse),
        (status = 202, description = "Site key: the lead was recorded (the same answer for new and known clients)", body = LeadReceipt),
        (status = 401, description = "Missing or unknown key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The API key lacks `leads:ingest`, or the page's `Origin` is not among the site's allowed origins", body = Problem, content_type = "application/problem+json"),
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
    match &credential {
        LeadCredential::SiteKey(key) => {
            let client = crate::platform::http::extract::client_ip(&req);
            state.rate_limits.check(Limit::PublicSubmission, &format!("{key}|{client}"))?
        }
        LeadCredential::ApiKey(secret) => state.rate_limits.check(Limit::ApiKey, secret)?,
    }
    let idempotency_key = match req.headers().get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if (1..=200).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => Some(k.to_string()),
        Some(_) => {
            return Err(ApiError::field("Idempotency-Key", "invalid", "must be 1 to 200 visible ASCII characters"))
        }
    };
    no_future_dates(&lead)?;
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
        let config = state.config.clone();
        let attempt_once = move |conn: &mut PgConnection| {
            let sender = credential.sender(conn)?;
            ingest(conn, &sender, &lead, key, &config.public_url)
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
    public_url: &str,
) -> ApiResult<(i16, Value)> {
    if let (Some(from_key), Some(in_body)) = (sender.site_id, lead.site_id) {
        if from_key != in_body {
            return Err(ApiError::field("site_id", "mismatch", "differs from the site of the site key"));
        }
    }
    if sender.public {
        public_rules(lead)?;
    }
    let account_id = sender.account_id;
    let scope = sender.idempotency_scope.as_str();
    if let Some(key) = &idempotency_key {
        let request_hash = sha256_hex(&serde_json::to_string(lead).unwrap_or_default());
        if let Some(replay) = claim_key(conn, account_id, scope, key, &request_hash)? {
            return Ok(replay);
        }
    }
    let site_id = sender.site_id.or(lead.site_id);
    if let Some(site) = site_id {
        check_site(conn, account_id, site)?;
    }
    if let Some(values) = &lead.custom_fields {
        crate::custom_fields::check_values(conn, account_id, values, sender.public)?;
    }
    let channel = lead.channel.unwrap_or(sender.default_channel);
    let on_known = if sender.public { OnKnownClient::LogOnly } else { OnKnownClient::Update };
    let source =
        LeadSource { account_id, site_id, actor: &sender.actor, channel, auto_assign: true, on_known, public_url };
    let (contact, created) = upsert::create_or_update(conn, &source, lead)?;
    // A blocked contact takes no new conversation either.
    let conversation_id = if lead.transcript.is_empty() || contact.blocked {
        None
    } else {
        Some(transcript::store(conn, account_id, contact.id, site_id, channel, &lead.transcript)?)
    };
    let (status, body) = if sender.public {
        (202, serde_json::to_value(LeadReceipt { received: true }))
    } else {
        let status: i16 = if created { 201 } else { 200 };
        (status, serde_json::to_value(IngestLeadResponse { contact: contact.view(), created, conversation_id }))
    };
    let body = body.map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(key) = idempotency_key {
        diesel::update(idempotency_keys::table.find((account_id, scope, key)))
            .set((idempotency_keys::response_status.eq(status), idempotency_keys::response_body.eq(&body)))
            .execute(conn)?;
    }
    Ok((status, body))
}

/// What anyone holding a page's site key may not do: write as the bot, an agent or the
/// system, or date messages.
fn public_rules(lead: &IngestLeadRequest) -> ApiResult<()> {
    let mut problems = Vec::new();
    for (i, message) in lead.transcript.iter().enumerate() {
        if message.sender != MessageSender::Visitor {
            problems.push(FieldError::new(
                format!("transcript[{i}].sender"),
                "not_allowed",
                "a site key can only send visitor messages",
            ));
        }
        if message.sent_at.is_some() {
            problems.push(FieldError::new(
                format!("transcript[{i}].sent_at"),
                "not_allowed",
                "a site key cannot date messages; the server's time is used",
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(problems))
    }
}

/// No date from the future, beyond a little clock skew.
fn no_future_dates(lead: &IngestLeadRequest) -> ApiResult<()> {
    let latest = Utc::now() + chrono::Duration::seconds(domain::MAX_CLOCK_SKEW_SECS);
    let mut problems = Vec::new();
    if lead.first_contact_at.is_some_and(|t| t > latest) {
        problems.push(FieldError::new("first_contact_at", "future", "cannot be in the future"));
    }
    for (i, message) in lead.transcript.iter().enumerate() {
        if message.sent_at.is_some_and(|t| t > latest) {
            problems.push(FieldError::new(format!("transcript[{i}].sent_at"), "future", "cannot be in the future"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(problems))
    }
}

/// Claims an idempotency key for this request, or returns the response stored for it.
/// A concurrent request with the same key waits on the unique index until the first one
/// commits, then sees its response.
fn claim_key(
    conn: &mut PgConnection,
    account_id: Uuid,
    scope: &str,
    key: &str,
    request_hash: &str,
) -> ApiResult<Option<(i16, Value)>> {
    let claimed = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::account_id.eq(account_id),
            idempotency_keys::scope.eq(scope),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if claimed == 1 {
        return Ok(None);
    }
    let (hash, status, body): (String, Option<i16>, Option<Value>) = idempotency_keys::table
        .find((account_id, scope, key))
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
