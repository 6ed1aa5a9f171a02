//! Access tokens (JWT, HS256) and opaque refresh-token secrets.

use chrono::Utc;
use domain::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::platform::error::ApiError;

/// What an access token says about its holder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// User id.
    pub sub: Uuid,
    /// Account id: the tenant every query is scoped to.
    pub acc: Uuid,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
}

pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ticket_validation: Validation,
    pub access_ttl_secs: i64,
}

/// Who an event-stream ticket is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketHolder {
    Operator,
    Visitor,
}

/// An event-stream ticket: good for opening streams for [`TICKET_TTL_SECS`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketClaims {
    /// The user or the visitor.
    pub sub: Uuid,
    pub acc: Uuid,
    pub holder: TicketHolder,
    pub aud: String,
    pub exp: i64,
    /// The ticket's own id: it opens one stream (`events::stream::spend_ticket`).
    pub jti: Uuid,
}

pub const TICKET_TTL_SECS: i64 = 60;
const TICKET_AUDIENCE: &str = "events";

impl TokenService {
    pub fn new(secret: &[u8], access_ttl_secs: i64) -> TokenService {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        // An access token has no `aud`, so it is never taken for a ticket, nor a ticket
        // (which has one) for an access token.
        let mut ticket_validation = Validation::new(Algorithm::HS256);
        ticket_validation.leeway = 5;
        ticket_validation.set_audience(&[TICKET_AUDIENCE]);
        TokenService {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ticket_validation,
            access_ttl_secs,
        }
    }

    pub fn issue_ticket(&self, holder: TicketHolder, sub: Uuid, acc: Uuid) -> Result<String, ApiError> {
        let claims = TicketClaims {
            sub,
            acc,
            holder,
            aud: TICKET_AUDIENCE.into(),
            exp: Utc::now().timestamp() + TICKET_TTL_SECS,
            jti: Uuid::new_v4(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("signing ticket: {e}")))
    }

    pub fn verify_ticket(&self, ticket: &str, holder: TicketHolder) -> Result<TicketClaims, ApiError> {
        jsonwebtoken::decode::<TicketClaims>(ticket, &self.decoding, &self.ticket_validation)
            .ok()
            .map(|data| data.claims)
            .filter(|claims| claims.holder == holder)
            .ok_or_else(|| ApiError::Unauthorized("The ticket is not valid or has expired; ask for a new one.".into()))
    }

    pub fn issue_access(&self, user_id: Uuid, account_id: Uuid, role: Role) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = AccessClaims { sub: user_id, acc: account_id, role, iat: now, exp: now + self.access_ttl_secs };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("signing token: {e}")))
    }

    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, ApiError> {
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    ApiError::Unauthorized("The access token has expired; refresh it.".into())
                }
                _ => ApiError::Unauthorized("The access token is not valid.".into()),
            },
        )
    }
}

/// A new random secret with the given prefix, and the hash under which it is stored.
pub fn new_secret(prefix: &str) -> (String, String) {
    let mut bytes = [0u8; 28];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("{prefix}{}", hex::encode(bytes));
    let hash = sha256_hex(&secret);
    (secret, hash)
}

/// The 422 for an e-mailed link's token that is unknown, spent, revoked or expired.
pub fn invalid_link_token(message: &str) -> crate::platform::error::ApiError {
    crate::platform::error::ApiError::field("token", "invalid", message)
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_round_trip_and_reject_tampering() {
        let svc = TokenService::new(b"0123456789abcdef0123456789abcdef", 60);
        let (user, account) = (Uuid::new_v4(), Uuid::new_v4());
        let token = svc.issue_access(user, account, Role::Agent).unwrap();
        let claims = svc.verify_access(&token).unwrap();
        assert_eq!((claims.sub, claims.acc, claims.role), (user, account, Role::Agent));

        let other = TokenService::new(b"another secret another secret 12", 60);
        assert!(other.verify_access(&token).is_err());
    }

    #[test]
    fn expired_access_tokens_are_refused() {
        let svc = TokenService::new(b"0123456789abcdef0123456789abcdef", -120);
        let token = svc.issue_access(Uuid::new_v4(), Uuid::new_v4(), Role::Admin).unwrap();
        assert!(matches!(svc.verify_access(&token), Err(ApiError::Unauthorized(_))));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let (a, hash_a) = new_secret("rt_");
        let (b, _) = new_secret("rt_");
        assert_ne!(a, b);
        assert!(a.starts_with("rt_"));
        assert_eq!(hash_a, sha256_hex(&a));
        assert_ne!(hash_a, a);
    }
}
