//! Request extractors: validated JSON bodies and the caller's identity.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::{FieldError, Role};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use validator::Validate;

use crate::platform::auth::keys;
use crate::platform::auth::tokens::AccessClaims;
use crate::platform::error::ApiError;
use crate::platform::state::AppState;

/// A JSON body that is deserialised with the path of any bad field, then validated.
/// Bodies over the configured limit get 413 before they are read in full.
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = state(req).map(|s| s.config.json_limit).unwrap_or(256 * 1024);
        let body = read_body(req, payload, limit);
        Box::pin(async move {
            let body = body.await?;
            if body.is_empty() {
                return Err(ApiError::BadRequest("A JSON body is required.".into(), Vec::new()));
            }
            let value = parse_json::<T>(&body)?;
            value.validate()?;
            Ok(ValidJson(value))
        })
    }
}

/// A query string read into `T`. Unlike `web::Query`, a value that is not of its type (or a
/// missing one) is a 400 naming the parameter.
pub struct NamedQuery<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for NamedQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(NamedQuery))
    }
}

/// Deserialises a query string and names the offending parameter when it fails.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        // A missing parameter fails at the top (`.`) with its name in the message.
        let field = match path.as_str() {
            "." => message.split('`').nth(1).unwrap_or("query").to_string(),
            _ => path,
        };
        ApiError::BadRequest(
            format!("Invalid query parameter {field}: {message}"),
            vec![FieldError::new(&field, "invalid_type", &message)],
        )
    })
}

/// Like [`ValidJson`], for endpoints whose body may be left out entirely (`None`).
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = state(req).map(|s| s.config.json_limit).unwrap_or(256 * 1024);
        let body = read_body(req, payload, limit);
        Box::pin(async move {
            let body = body.await?;
            // No body, or a JSON `null`, both mean "nothing sent".
            if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
                return Ok(OptionalJson(None));
            }
            Ok(OptionalJson(Some(parse_json::<T>(&body)?)))
        })
    }
}

fn content_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// Whether the request says its body is CSV (`text/csv`).
pub fn is_csv(req: &HttpRequest) -> bool {
    content_type(req).is_some_and(|mime| mime == "text/csv")
}

/// Reads a JSON body of at most `limit` bytes: 413 past it. An empty body passes (callers
/// decide whether that is allowed); a non-empty one must be declared as JSON (415).
pub fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> LocalBoxFuture<'static, Result<web::Bytes, ApiError>> {
    let is_json = content_type(req).is_some_and(|mime| mime == "application/json" || mime.ends_with("+json"));
    read_limited(req, payload, limit, is_json)
}

/// Reads a body of at most `limit` bytes, whatever its type (the caller checked it).
pub fn read_raw_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> LocalBoxFuture<'static, Result<web::Bytes, ApiError>> {
    read_limited(req, payload, limit, true)
}

fn read_limited(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
    type_ok: bool,
) -> LocalBoxFuture<'static, Result<web::Bytes, ApiError>> {
    let declared_len =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    Box::pin(async move {
        if declared_len.is_some_and(|len| len > limit) {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("could not read body: {e}"), Vec::new()))?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        if !body.is_empty() && !type_ok {
            return Err(ApiError::UnsupportedMediaType);
        }
        Ok(body.freeze())
    })
}

/// Deserialises JSON and names the offending field when it fails.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Every request body is an object; serde would also read a struct from an array.
    if body.trim_ascii_start().first().is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
    {
        return Err(ApiError::Validation(vec![FieldError::new("body", "invalid_type", "must be a JSON object")]));
    }
    refuse_control_chars(body)?;
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize(de) {
        Ok(parsed) => Ok(parsed),
        // JSON Schema (and Python's json, JavaScript's JSON) calls 4.0 an integer: read
        // whole floats as integers and try again (only then: the fast path stays streaming).
        Err(err) if err.inner().to_string().starts_with("invalid type: floating point") => {
            let mut value: serde_json::Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::BadRequest(format!("Body is not valid JSON: {e}"), Vec::new()))?;
            whole_floats_as_integers(&mut value);
            serde_path_to_error::deserialize(value).map_err(|err| {
                let path = err.path().to_string();
                body_error(path, err.into_inner())
            })
        }
        Err(err) => {
            let path = err.path().to_string();
            Err(body_error(path, err.into_inner()))
        }
    }
}

/// `4.0` → `4` wherever a number has no fraction and fits an `i64`.
fn whole_floats_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_floats_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_floats_as_integers),
        _ => {}
    }
}

/// The 400 or 422 for a body serde refused at `path`, in words a client can act on.
fn body_error(path: String, inner: serde_json::Error) -> ApiError {
    let message = inner.to_string();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::BadRequest(format!("Body is not valid JSON: {message}"), Vec::new());
    }
    // serde reports a missing or unknown field at its parent's path, naming it only in the text.
    let named = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split('`').next());
    let (field, code) = match (named("missing field `"), named("unknown field `")) {
        (Some(name), _) => (child_path(&path, name), "required"),
        // ...except an unknown field, whose path already ends with it.
        (None, Some(name)) => (if path == "." { name.to_string() } else { path }, "unknown_field"),
        (None, None) => (if path == "." { "body".to_string() } else { path }, "invalid_type"),
    };
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    ApiError::Validation(vec![FieldError::new(field, code, without_rust_types(&message))])
}

/// serde names the Rust type it expected (`expected i16`); say what JSON would do.
fn without_rust_types(message: &str) -> String {
    const WORDS: [(&str, &str); 10] = [
        ("expected i16", "expected a whole number from -32768 to 32767"),
        ("expected i32", "expected a whole number from -2147483648 to 2147483647"),
        ("expected i64", "expected a whole number"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u32", "expected a whole number from 0 to 4294967295"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
    ];
    let mut out = message.to_string();
    for (rust, words) in WORDS {
        if let Some(at) = out.find(rust) {
            let end = at + rust.len();
            // Whole words only: `expected i16` but not a longer name.
            if !out[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                out.replace_range(at..end, words);
            }
        }
    }
    out
}

fn child_path(parent: &str, name: &str) -> String {
    if parent == "." {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// 422 naming the first field whose text holds a control character (`domain::text`).
fn refuse_control_chars(body: &[u8]) -> Result<(), ApiError> {
    if !domain::text::json_may_have_control(body) {
        return Ok(());
    }
    match serde_json::from_slice::<serde_json::Value>(body).ok().as_ref().and_then(domain::text::control_char_path) {
        Some(field) => Err(control_char_error(field)),
        None => Ok(()),
    }
}

pub fn control_char_error(field: String) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, "control_character", "must not contain control characters")])
}

fn state(req: &HttpRequest) -> Option<&web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers().get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The caller of an operation for people: a signed-in user from a valid access token, or an
/// integration's API key with the scope the operation names (see `routing::RouteTable`).
/// Every query a handler runs is scoped by `account_id` taken from here, never from the
/// request body or path.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The user; `Uuid::nil()` for an integration, which is no user (see [`AuthUser::person_id`]).
    pub user_id: Uuid,
    pub account_id: Uuid,
    /// An integration sees and changes the whole account, as an admin does, within its scopes.
    pub role: Role,
    pub integration: Option<Integration>,
}

/// An API key acting for its account: change logs name it, author columns stay empty.
#[derive(Debug, Clone)]
pub struct Integration {
    pub key_name: String,
}

impl AuthUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The person acting, for author and creator columns: `None` for an integration.
    pub fn person_id(&self) -> Option<Uuid> {
        self.integration.is_none().then_some(self.user_id)
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // A key let through by the key middleware; or a key alone (no person's token beside
        // it, which would take precedence) where keys may not call: `integration` says so.
        let person = bearer(req).is_some_and(|t| !t.starts_with(domain::API_KEY_PREFIX));
        if req.extensions().contains::<keys::ApiKeyCaller>() || (api_key_secret(req).is_some() && !person) {
            return Box::pin(std::future::ready(integration(req)));
        }
        let claims = authenticate(req);
        let state = state(req).cloned();
        Box::pin(async move {
            let claims = claims?;
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("app state missing")))?;
            // The role in the token may be stale: what counts is the user's role now.
            match state.principals.standing(&state.db, claims.account_id, claims.user_id).await? {
                Some(role) => Ok(AuthUser { role, ..claims }),
                None => Err(ApiError::Unauthorized("This session has ended; log in again.".into())),
            }
        })
    }
}

/// A key's caller, let through by `keys::key_access_middleware` (which checked its scope).
fn integration(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let key = req
        .extensions()
        .get::<keys::ApiKeyCaller>()
        .cloned()
        .ok_or_else(|| ApiError::Unauthorized(keys::PEOPLE_ONLY.into()))?;
    Ok(AuthUser {
        user_id: Uuid::nil(),
        account_id: key.account_id,
        role: Role::Admin,
        integration: Some(Integration { key_name: key.key_name }),
    })
}

fn authenticate(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let state = state(req).ok_or_else(|| ApiError::Internal(anyhow::anyhow!("app state missing")))?;
    let token = bearer(req)
        .ok_or_else(|| ApiError::Unauthorized("Send an access token as `Authorization: Bearer …`.".into()))?;
    let claims: AccessClaims = state.tokens.verify_access(token)?;
    Ok(AuthUser { user_id: claims.sub, account_id: claims.acc, role: claims.role, integration: None })
}

/// A signed-in admin; agents get 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if user.is_admin() {
                Ok(AdminUser(user))
            } else {
                Err(ApiError::Forbidden("Only admins can do this.".into()))
            }
        })
    }
}

/// The raw integration API key secret from `X-Api-Key` or `Authorization: Bearer psk_…`.
pub fn api_key_secret(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .or_else(|| bearer(req).filter(|t| t.starts_with(domain::API_KEY_PREFIX)).map(str::to_owned))
}

/// An address or CIDR block (`10.0.0.0/8`, `::1`), for trusted proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    network: std::net::IpAddr,
    prefix: u8,
}

impl std::str::FromStr for IpBlock {
    type Err = String;

    fn from_str(s: &str) -> Result<IpBlock, String> {
        let (addr, prefix) = s.split_once('/').map_or((s, None), |(a, p)| (a, Some(p)));
        let network: std::net::IpAddr = addr.parse().map_err(|_| format!("{s:?} is not an address or CIDR block"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("{s:?} has a bad prefix"))?,
        };
        Ok(IpBlock { network, prefix })
    }
}

impl IpBlock {
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
            if prefix == 0 {
                0
            } else {
                bits >> (width - prefix)
            }
        }
        match (self.network, ip) {
            (std::net::IpAddr::V4(net), std::net::IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32) == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (std::net::IpAddr::V6(net), std::net::IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128) == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// The language the app asks for (`Accept-Language`'s first tag, which the SPA sets to the
/// language chosen in its header): English or Portuguese; `None` for anything else or none.
pub fn ui_lang(req: &HttpRequest) -> Option<domain::i18n::Lang> {
    let header = req.headers().get(actix_web::http::header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let first = header.split(',').next()?.split(';').next()?.trim().to_ascii_lowercase();
    match first.get(..2)? {
        "pt" => Some(domain::i18n::Lang::PtBr),
        "en" => Some(domain::i18n::Lang::En),
        _ => None,
    }
}

/// The client's address: the peer, or when the peer is a trusted proxy, the nearest address
/// in `X-Forwarded-For` that is not one (a client can prepend anything to that header, so
/// only what trusted proxies appended counts).
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let trusted = state(req).map(|s| s.config.trusted_proxies.as_slice()).unwrap_or_default();
    let is_trusted = |ip: std::net::IpAddr| trusted.iter().any(|block| block.contains(ip));
    let Some(mut client) = peer else { return String::new() };
    if is_trusted(client) {
        let forwarded: Vec<std::net::IpAddr> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        for hop in forwarded.into_iter().rev() {
            client = hop;
            if !is_trusted(hop) {
                break;
            }
        }
    }
    client.to_string()
}

#[cfg(test)]
mod tests {
    use super::{parse_json, ApiError, IpBlock};

    #[test]
    fn whole_floats_count_as_integers_and_messages_name_no_rust_type() {
        #[derive(Debug, serde::Deserialize)]
        struct Rated {
            rating: i16,
            #[serde(default)]
            ratio: Option<f64>,
        }
        let rated: Rated = parse_json(br#"{"rating": 4.0, "ratio": 2.0}"#).unwrap();
        assert_eq!((rated.rating, rated.ratio), (4, Some(2.0)));
        let half = parse_json::<Rated>(br#"{"rating": 4.5}"#).unwrap_err();
        let big = parse_json::<Rated>(br#"{"rating": 70000}"#).unwrap_err();
        for (err, words) in
            [(half, "expected a whole number from -32768"), (big, "expected a whole number from -32768")]
        {
            let ApiError::Validation(fields) = err else { panic!("a 422") };
            assert_eq!(fields[0].field, "rating");
            assert!(fields[0].message.contains(words), "{}", fields[0].message);
            assert!(!fields[0].message.contains("i16"), "{}", fields[0].message);
        }
    }

    #[test]
    fn cidr_blocks_contain_their_addresses() {
        let block: IpBlock = "10.1.0.0/16".parse().unwrap();
        assert!(block.contains("10.1.200.3".parse().unwrap()));
        assert!(!block.contains("10.2.0.1".parse().unwrap()));
        let one: IpBlock = "127.0.0.1".parse().unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()) && !one.contains("127.0.0.2".parse().unwrap()));
        let v6: IpBlock = "fd00::/8".parse().unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()) && !v6.contains("127.0.0.1".parse().unwrap()));
        let all: IpBlock = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<IpBlock>().is_err() && "nope".parse::<IpBlock>().is_err());
    }
}
