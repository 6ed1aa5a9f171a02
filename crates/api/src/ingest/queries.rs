//! One lead's transaction: its sender looked up, the idempotency claim, the contact and
//! its transcript written, the answer stored for a retry.

use diesel::prelude::*;
use domain::{ingest_rules, ApiScope, Channel, FieldError, IngestLeadRequest, IngestLeadResponse, LeadReceipt};
use serde_json::Value;
use uuid::Uuid;

use super::routes::LeadCredential;
use crate::contacts::queries::Actor;
use crate::contacts::upsert::{LeadSource, OnKnownClient};
use crate::contacts::{check_site, transcript, upsert};
use crate::platform::auth::tokens::sha256_hex;
use crate::platform::db::schema::idempotency_keys;
use crate::platform::error::{ApiError, ApiResult};
use crate::sites;

/// A 422 listing `problems`, if any.
pub fn refuse(problems: Vec<FieldError>) -> ApiResult<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(problems))
    }
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

/// Who sends with `credential`: the site of a site key, or the live key with `leads:ingest`.
pub fn sender(conn: &mut PgConnection, credential: &LeadCredential) -> ApiResult<LeadSender> {
    match credential {
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
            let key = crate::platform::auth::keys::caller_for_secret(conn, secret)?;
            key.require(ApiScope::LeadsIngest.as_str())?;
            Ok(LeadSender {
                account_id: key.account_id,
                site_id: None,
                actor: Actor::integration(&key.key_name),
                default_channel: Channel::Integration,
                public: false,
                idempotency_scope: format!("api_key:{}", key.key_id),
            })
        }
    }
}

/// Where a lead came from on the network, worked out before its transaction.
pub struct LeadOrigin {
    /// The client address the request came from (a site key's form: the visitor's browser).
    pub client_address: Option<String>,
    /// The location of the lead's `ip` (else, for a site key, of the client address) when the
    /// lead gave none.
    pub approx_location: Option<domain::Location>,
}

/// Records one lead from `sender` in the caller's transaction: the idempotency claim (or
/// the stored answer of a retry), the contact created or updated, its transcript, and the
/// answer stored under the key. Returns the status and body to send.
pub fn ingest(
    conn: &mut PgConnection,
    sender: &LeadSender,
    lead: &IngestLeadRequest,
    idempotency_key: Option<String>,
    public_url: &str,
    origin: &LeadOrigin,
) -> ApiResult<(i16, Value)> {
    if let (Some(from_key), Some(in_body)) = (sender.site_id, lead.site_id) {
        if from_key != in_body {
            return Err(ApiError::field("site_id", "mismatch", "differs from the site of the site key"));
        }
    }
    if sender.public {
        refuse(ingest_rules::public_lead(lead))?;
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
    let source = LeadSource {
        account_id,
        site_id,
        actor: &sender.actor,
        channel,
        auto_assign: true,
        on_known,
        public_url,
        client_address: origin.client_address.as_deref().filter(|_| sender.public),
        approx_location: origin.approx_location.as_ref(),
    };
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
