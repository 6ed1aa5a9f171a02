//! Sites (websites that capture leads) and integration API keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// Prefix of a site's public key, used by the chat widget and form ingestion.
pub const SITE_KEY_PREFIX: &str = "site_";
/// Prefix of an integration API key secret.
pub const API_KEY_PREFIX: &str = "psk_";
/// How many characters of a secret are kept in clear to recognise a key in lists.
pub const API_KEY_SHOWN_PREFIX_LEN: usize = 12;

/// A website of the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SiteView {
    pub id: Uuid,
    pub name: String,
    /// Home page of the site, if known.
    pub url: Option<String>,
    /// Public key for the chat widget and form ingestion (safe to embed in a page).
    #[schema(example = "site_3f9a1c0d5e7b42a8b1c6d9e0")]
    pub public_key: String,
    /// Origins (`https://www.example.com`) whose pages may post leads with the site key from
    /// a browser (CORS); empty means any origin.
    pub allowed_origins: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SiteList {
    pub items: Vec<SiteView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Loja Centro", "url": "https://centro.acme.test"}))]
pub struct CreateSiteRequest {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[validate(custom(function = "validate_site_url"))]
    #[schema(
        max_length = 2048,
        pattern = "^https?://([^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@\\[\\]]*@)?[^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@:\\[\\]]+(:[0-9]{1,5})?([/?#][^\\s\\u0000-\\u001F\\u007F-\\u009F]*)?$"
    )]
    pub url: Option<String>,
    /// Origins allowed to post leads from a browser; empty or absent means any.
    #[serde(default)]
    #[validate(custom(function = "validate_origins"))]
    pub allowed_origins: Vec<String>,
}

/// Partial update. `url: null` clears the URL; an absent field leaves it unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Loja Centro (novo)"}))]
pub struct UpdateSiteRequest {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_helpers::double_option")]
    #[validate(custom(function = "validate_site_url"))]
    #[schema(value_type = Option<String>, max_length = 2048, pattern = "^https?://([^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@\\[\\]]*@)?[^\\s\\u0000-\\u001F\\u007F-\\u009F/?#@:\\[\\]]+(:[0-9]{1,5})?([/?#][^\\s\\u0000-\\u001F\\u007F-\\u009F]*)?$")]
    pub url: Option<Option<String>>,
    /// Replaces the allowed origins; `[]` allows any origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validate_origins"))]
    pub allowed_origins: Option<Vec<String>>,
}

/// How many origins a site may list.
pub const MAX_ORIGINS: usize = 20;

/// A web origin as browsers send it in `Origin`: scheme, host and an optional port, lower
/// case, nothing after. The JSON Schema pattern of each item says the same.
pub const ORIGIN_PATTERN: &str = "^https?://[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$";

pub fn is_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) else {
        return false;
    };
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host_ok = (1..=253).contains(&host.len())
        && host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    host_ok && port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

pub fn validate_origins(origins: &[String]) -> Result<(), validator::ValidationError> {
    if origins.len() > MAX_ORIGINS {
        return Err(validator::ValidationError::new("origins").with_message("at most 20 origins".into()));
    }
    if origins.iter().any(|o| !is_origin(o)) {
        return Err(validator::ValidationError::new("origin")
            .with_message("each must be an origin such as https://www.example.com (lower case, no path)".into()));
    }
    Ok(())
}

/// Whether `host` (with an optional `:port`) names a host. IPv6 literals are not taken: a
/// bracket or a stray colon makes a URL that parsers read differently, or not at all.
fn is_host_and_port(host: &str) -> bool {
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    !name.is_empty()
        && !name.contains(['[', ']'])
        && port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
}

/// A site URL must be absolute http(s), name a host (not an IPv6 literal), and be short
/// enough to show.
pub fn validate_site_url(url: &str) -> Result<(), validator::ValidationError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let ok = url.chars().count() <= 2048
        && rest.is_some_and(|rest| {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            let (user, host) = authority.rsplit_once('@').unwrap_or(("", authority));
            is_host_and_port(host)
                && !user.contains(['[', ']'])
                && !rest.chars().any(|c| c.is_whitespace() || crate::text::is_control(c))
        });
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("url").with_message("must be an http(s) URL".into()))
    }
}

/// What an integration API key may do. Each operation open to keys names the one scope it
/// needs in the spec's security requirements; a person's token needs none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum ApiScope {
    /// Create or update leads through the ingestion endpoint.
    #[serde(rename = "leads:ingest")]
    LeadsIngest,
    /// Read clients, their notes, change log and custom-field definitions; export and import status.
    #[serde(rename = "contacts:read")]
    ContactsRead,
    /// Create, edit, merge and import clients; add notes.
    #[serde(rename = "contacts:write")]
    ContactsWrite,
    /// Read conversations with their messages.
    #[serde(rename = "conversations:read")]
    ConversationsRead,
    /// Read boards, cards (deals), their comments, checklists, files and history.
    #[serde(rename = "boards:read")]
    BoardsRead,
    /// Create and change boards, stages, labels, fields and cards: move, win, lose, files.
    #[serde(rename = "boards:write")]
    BoardsWrite,
    /// Read tasks.
    #[serde(rename = "tasks:read")]
    TasksRead,
    /// Create, edit and delete tasks.
    #[serde(rename = "tasks:write")]
    TasksWrite,
    /// Read the account's users (to assign clients, cards and tasks).
    #[serde(rename = "users:read")]
    UsersRead,
    /// Create, change and delete webhook subscriptions; read and redeliver deliveries.
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl ApiScope {
    pub const ALL: [ApiScope; 10] = [
        ApiScope::LeadsIngest,
        ApiScope::ContactsRead,
        ApiScope::ContactsWrite,
        ApiScope::ConversationsRead,
        ApiScope::BoardsRead,
        ApiScope::BoardsWrite,
        ApiScope::TasksRead,
        ApiScope::TasksWrite,
        ApiScope::UsersRead,
        ApiScope::WebhooksManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::LeadsIngest => "leads:ingest",
            ApiScope::ContactsRead => "contacts:read",
            ApiScope::ContactsWrite => "contacts:write",
            ApiScope::ConversationsRead => "conversations:read",
            ApiScope::BoardsRead => "boards:read",
            ApiScope::BoardsWrite => "boards:write",
            ApiScope::TasksRead => "tasks:read",
            ApiScope::TasksWrite => "tasks:write",
            ApiScope::UsersRead => "users:read",
            ApiScope::WebhooksManage => "webhooks:manage",
        }
    }

    pub fn parse(s: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|scope| scope.as_str() == s)
    }
}

/// An integration API key as listed (the secret is never shown again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    /// First characters of the secret, to recognise it.
    #[schema(example = "psk_1a2b3c4d")]
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Set once revoked; a revoked key is refused.
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyList {
    pub items: Vec<ApiKeyView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Chatbot", "scopes": ["leads:ingest"]}))]
pub struct CreateApiKeyRequest {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[validate(length(min = 1, message = "choose at least one scope"))]
    #[schema(min_items = 1)]
    pub scopes: Vec<ApiScope>,
}

/// Returned once, at creation: store `secret` now, it cannot be shown again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    /// Send as `Authorization: Bearer <secret>` or `X-Api-Key: <secret>`.
    #[schema(example = "psk_1a2b3c4d5e6f...")]
    pub secret: String,
}

/// What an API key authenticates as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IntegrationIdentity {
    pub account_id: Uuid,
    pub key_id: Uuid,
    pub key_name: String,
    pub scopes: Vec<ApiScope>,
}

/// Who gets a site's next lead: the `cursor`-th (wrapping) of the configured users still
/// `active`, in the configured order; `None` when none is.
pub fn next_in_rotation(configured: &[uuid::Uuid], active: &[uuid::Uuid], cursor: i64) -> Option<uuid::Uuid> {
    let eligible: Vec<uuid::Uuid> = configured.iter().copied().filter(|id| active.contains(id)).collect();
    if eligible.is_empty() {
        return None;
    }
    Some(eligible[cursor.rem_euclid(eligible.len() as i64) as usize])
}

/// The users of an auto-assignment, each once, in their order.
pub fn rotation_users(user_ids: &[uuid::Uuid]) -> Vec<uuid::Uuid> {
    let mut seen = std::collections::HashSet::new();
    user_ids.iter().copied().filter(|u| seen.insert(*u)).collect()
}

/// A 422 entry naming `user_ids[i]` for each user that is not one of `known`.
pub fn unknown_users(user_ids: &[uuid::Uuid], known: &[uuid::Uuid]) -> Vec<crate::FieldError> {
    user_ids
        .iter()
        .enumerate()
        .filter(|(_, u)| !known.contains(u))
        .map(|(i, _)| crate::FieldError::new(format!("user_ids[{i}]"), "unknown", "is not a user of this account"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rotation_skips_inactive_users_and_keeps_the_configured_order() {
        let [a, b, c] = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), uuid::Uuid::new_v4()];
        let picks: Vec<_> = (0..4).map(|cursor| next_in_rotation(&[a, b, c], &[c, a], cursor)).collect();
        assert_eq!(picks, [Some(a), Some(c), Some(a), Some(c)]);
        assert_eq!(next_in_rotation(&[a, b], &[], 7), None);
        assert_eq!(next_in_rotation(&[a, b], &[a, b], -1), Some(b), "a negative cursor wraps too");
        assert_eq!(rotation_users(&[b, a, b, c, a]), [b, a, c]);
        let unknown = unknown_users(&[a, b, c], &[b]);
        assert_eq!(unknown.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["user_ids[0]", "user_ids[2]"]);
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for ok in ["https://www.example.com", "http://localhost:3000", "http://127.0.0.1:8080", "https://a.b-c.io"] {
            assert!(is_origin(ok), "{ok}");
        }
        for bad in [
            "https://Example.com",
            "https://x.com/",
            "https://x.com/path",
            "ftp://x.com",
            "https://",
            "x.com",
            "https://x.com:",
            "https://-x.com",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
        let pattern = regex::Regex::new(ORIGIN_PATTERN).unwrap();
        for text in [
            "https://www.example.com",
            "http://localhost:3000",
            "https://x.com/",
            "https://-x.com",
            "https://a",
            "https://a.",
            "http://a:123456",
        ] {
            assert_eq!(pattern.is_match(text), is_origin(text), "{text}");
        }
    }

    #[test]
    fn site_urls_must_be_absolute_http() {
        assert!(validate_site_url("https://acme.test/contato").is_ok());
        assert!(validate_site_url("http://localhost:3000").is_ok());
        assert!(validate_site_url("acme.test").is_err());
        assert!(validate_site_url("ftp://acme.test").is_err());
        assert!(validate_site_url("https://").is_err());
        assert!(validate_site_url("http://acme.test:8080?a=[1]").is_ok());
        for bad in [
            "http://a:b:80/",
            "http://[",
            "http://[::1",
            "https://a[b.test/",
            "http://[zz]/",
            "http://acme.test:80a/",
            "http://:80/",
        ] {
            assert!(validate_site_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes_round_trip_through_their_names() {
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::parse(scope.as_str()), Some(scope));
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(json, format!("\"{}\"", scope.as_str()));
        }
    }

    #[test]
    fn the_spec_linter_knows_exactly_these_scopes() {
        // scripts/contract.sh lints the spec with this list (prospecta-api-key-scope-known).
        let rules = include_str!("../../../e2e/contract/.spectral.yaml");
        let listed: Vec<&str> =
            rules.lines().filter_map(|l| l.trim().strip_prefix("- ")).filter(|s| s.contains(':')).collect();
        let ours: Vec<&str> = ApiScope::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(listed, ours);
    }

    #[test]
    fn update_site_tells_null_from_absent() {
        let absent: UpdateSiteRequest = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
        assert_eq!(absent.url, None);
        let cleared: UpdateSiteRequest = serde_json::from_str(r#"{"url":null}"#).unwrap();
        assert_eq!(cleared.url, Some(None));
        let set: UpdateSiteRequest = serde_json::from_str(r#"{"url":"https://a.test"}"#).unwrap();
        assert_eq!(set.url, Some(Some("https://a.test".into())));
        assert!(UpdateSiteRequest { url: Some(Some("nope".into())), ..Default::default() }.validate().is_err());

        // What the SPA sends must mean the same on the server: an untouched URL stays out.
        let rename = UpdateSiteRequest { name: Some("y".into()), ..Default::default() };
        assert_eq!(serde_json::to_string(&rename).unwrap(), r#"{"name":"y"}"#);
        let clear = UpdateSiteRequest { url: Some(None), ..Default::default() };
        assert_eq!(serde_json::to_string(&clear).unwrap(), r#"{"name":null,"url":null}"#);
    }
}
