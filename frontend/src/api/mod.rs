//! Typed calls to the Prospecta API: one module per resource (`api::contacts::get(id)`…),
//! the only place that writes an API path; pages call those. This file is the transport
//! they share. The access token lives in memory only; the refresh token is an HttpOnly
//! cookie, so a reload or an expired token is healed by one refresh.

pub mod auth;
pub mod boards;
pub mod contacts;
pub mod conversations;
pub mod files;
pub mod notifications;
pub mod reports;
pub mod saved_filters;
pub mod settings;
pub mod sites;
pub mod tasks;
pub mod users;
pub mod webhooks;

use std::cell::RefCell;

use domain::i18n::Msg;
use domain::{Problem, TokenResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

type RefreshFuture = futures::future::Shared<futures::future::LocalBoxFuture<'static, Result<TokenResponse, ApiError>>>;

thread_local! {
    static ACCESS_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The refresh in flight: calls that find the access token expired at the same moment
    /// (the desk's lists, counts and event ticket) share it. Two refreshes with the same
    /// single-use refresh token would look like a stolen token and end the session.
    static REFRESHING: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
}

/// A value for a query string.
pub fn encode(v: &str) -> String {
    js_sys::encode_uri_component(v).as_string().unwrap_or_default()
}

pub fn set_access_token(token: Option<String>) {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = token);
}

/// A non-secret hint, kept in the browser, that a refresh cookie was set: without it a
/// signed-out visit skips the refresh call (which could only answer 401) and shows the login
/// page at once.
const SESSION_HINT: &str = "prospecta.signed_in";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn may_have_session() -> bool {
    local_storage().and_then(|s| s.get_item(SESSION_HINT).ok().flatten()).is_some()
}

fn set_session_hint(signed_in: bool) {
    if let Some(s) = local_storage() {
        let _ = if signed_in { s.set_item(SESSION_HINT, "1") } else { s.remove_item(SESSION_HINT) };
    }
}

fn access_token() -> Option<String> {
    ACCESS_TOKEN.with(|t| t.borrow().clone())
}

/// A failed call: the server's problem when it sent one.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub problem: Option<Problem>,
}

impl ApiError {
    fn network(err: JsValue) -> ApiError {
        let detail = err.as_string().unwrap_or_else(|| "network error".into());
        ApiError {
            status: 0,
            problem: Some(Problem {
                kind: "about:blank".into(),
                title: "Network error".into(),
                status: 0,
                detail: Some(detail),
                errors: Vec::new(),
                request_id: None,
            }),
        }
    }

    /// A form's own check failed before anything was sent: shown like the server's 422. The
    /// API's rules the SPA checks first (`required`) get the UI's words; others are already
    /// written in the UI language.
    pub fn invalid(errors: Vec<domain::FieldError>) -> ApiError {
        let lang = crate::i18n::current_lang();
        let errors = errors
            .into_iter()
            .map(|e| {
                let message = match e.code.as_str() {
                    "required" if e.message.contains("e-mail or a phone") => Msg::ErrContactPoint.text(lang).into(),
                    "required" => Msg::ErrRequired.text(lang).into(),
                    _ => e.message,
                };
                domain::FieldError { message, ..e }
            })
            .collect();
        ApiError {
            status: 422,
            problem: Some(Problem {
                kind: "https://prospecta.dev/problems/validation".into(),
                title: "Invalid request".into(),
                status: 422,
                detail: None,
                errors,
                request_id: None,
            }),
        }
    }

    /// The message to show for a form field, if the server named it. The server writes its
    /// problems in the language the app asks for (`Accept-Language`).
    pub fn field(&self, name: &str) -> Option<String> {
        Some(self.problem.as_ref()?.errors.iter().find(|e| e.field == name)?.message.clone())
    }

    /// One line for the whole error, in the UI language.
    pub fn summary(&self) -> String {
        match &self.problem {
            Some(p) if p.status == 0 => Msg::ProblemNetwork.text(crate::i18n::current_lang()).into(),
            Some(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
            None => format!("HTTP {}", self.status),
        }
    }
}

/// A request body: JSON text, or a file sent as itself with its own type.
#[derive(Clone, Copy)]
enum Body<'a> {
    Json(&'a str),
    Csv(&'a str),
    File(&'a web_sys::File),
}

async fn fetch(method: &str, path: &str, body: Option<&str>, token: Option<&str>) -> Result<Response, ApiError> {
    fetch_with(method, path, body.map(Body::Json), token, None).await
}

async fn fetch_with(
    method: &str,
    path: &str,
    body: Option<Body<'_>>,
    token: Option<&str>,
    if_match: Option<&str>,
) -> Result<Response, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = Headers::new().map_err(ApiError::network)?;
    headers.set("accept", "application/json").map_err(ApiError::network)?;
    // The language chosen in the app, which the server records for the e-mails it sends.
    headers.set("accept-language", crate::i18n::current_lang().code()).map_err(ApiError::network)?;
    match body {
        Some(Body::Json(text)) => {
            headers.set("content-type", "application/json").map_err(ApiError::network)?;
            init.set_body(&JsValue::from_str(text));
        }
        Some(Body::Csv(text)) => {
            headers.set("content-type", "text/csv; charset=utf-8").map_err(ApiError::network)?;
            init.set_body(&JsValue::from_str(text));
        }
        Some(Body::File(file)) => {
            let kind = file.type_();
            let kind = if kind.is_empty() { "application/octet-stream".to_string() } else { kind };
            headers.set("content-type", &kind).map_err(ApiError::network)?;
            init.set_body(file);
        }
        None => {}
    }
    if let Some(token) = token {
        headers.set("authorization", &format!("Bearer {token}")).map_err(ApiError::network)?;
    }
    if let Some(tag) = if_match {
        headers.set("if-match", tag).map_err(ApiError::network)?;
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(path, &init).map_err(ApiError::network)?;
    let window = web_sys::window().ok_or_else(|| ApiError::network("no window".into()))?;
    Ok(JsFuture::from(window.fetch_with_request(&request)).await.map_err(ApiError::network)?.unchecked_into())
}

async fn text_of(response: Response) -> Result<(u16, String), ApiError> {
    let text = JsFuture::from(response.text().map_err(ApiError::network)?).await.map_err(ApiError::network)?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}

/// Sends as the signed-in user, refreshing the access token once if it expired.
async fn send_as_user(
    method: &str,
    path: &str,
    body: Option<Body<'_>>,
    if_match: Option<&str>,
) -> Result<(u16, String), ApiError> {
    let send = || async { text_of(fetch_with(method, path, body, access_token().as_deref(), if_match).await?).await };
    let (status, text) = send().await?;
    if status == 401 && refresh().await.is_ok() {
        return send().await;
    }
    Ok((status, text))
}

async fn send(method: &str, path: &str, body: Option<&str>, token: Option<&str>) -> Result<(u16, String), ApiError> {
    text_of(fetch(method, path, body, token).await?).await
}

/// Downloads a file from the API as the signed-in user and hands it to the browser.
async fn download(path: &str, filename: &str) -> Result<(), ApiError> {
    let mut response = fetch("GET", path, None, access_token().as_deref()).await?;
    if response.status() == 401 && refresh().await.is_ok() {
        response = fetch("GET", path, None, access_token().as_deref()).await?;
    }
    if !response.ok() {
        let text = JsFuture::from(response.text().map_err(ApiError::network)?).await.map_err(ApiError::network)?;
        let problem = problem_of(&text.as_string().unwrap_or_default());
        return Err(ApiError { status: response.status(), problem });
    }
    let blob: web_sys::Blob =
        JsFuture::from(response.blob().map_err(ApiError::network)?).await.map_err(ApiError::network)?.unchecked_into();
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(ApiError::network)?;
    let document =
        web_sys::window().and_then(|w| w.document()).ok_or_else(|| ApiError::network("no document".into()))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").map_err(ApiError::network)?.unchecked_into();
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Exchanges the refresh cookie for a new access token; concurrent callers share one exchange.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    use futures::FutureExt;
    let shared =
        REFRESHING.with(|slot| slot.borrow_mut().get_or_insert_with(|| refresh_once().boxed_local().shared()).clone());
    let result = shared.clone().await;
    // Forget it once done (unless a later refresh has taken its place).
    REFRESHING.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.as_ref().is_some_and(|s| s.ptr_eq(&shared)) {
            *slot = None;
        }
    });
    result
}

async fn refresh_once() -> Result<TokenResponse, ApiError> {
    let (status, text) = send("POST", "/api/v1/auth/refresh", None, None).await?;
    let tokens: TokenResponse = decode(status, &text).inspect_err(|e| {
        if e.status == 401 {
            set_session_hint(false);
        }
    })?;
    set_access_token(Some(tokens.access_token.clone()));
    Ok(tokens)
}

fn decode<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    decode_value(status, text).and_then(typed)
}

/// The untyped half of [`decode`], compiled once: parsing to a `Value` first keeps serde_json's
/// reader out of every response type's decoder (see docs/STYLE.md, "Weight").
fn decode_value(status: u16, text: &str) -> Result<serde_json::Value, ApiError> {
    if (200..300).contains(&status) {
        let body = if text.is_empty() { "null" } else { text };
        serde_json::from_str(body).map_err(unexpected_response)
    } else {
        Err(ApiError { status, problem: problem_of(text) })
    }
}

/// Through `domain::json_value`, which reads structs only from objects (docs/STYLE.md, "Weight").
fn typed<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    domain::json_value::from_value(value).map_err(unexpected_response)
}

fn problem_of(text: &str) -> Option<Problem> {
    serde_json::from_str::<serde_json::Value>(text).ok().and_then(|v| domain::json_value::from_value(v).ok())
}

/// A request body as JSON text, through a `Value` for the same reason as [`decode_value`].
fn json_text(body: &impl Serialize) -> String {
    serde_json::to_value(body).map(|v| v.to_string()).unwrap_or_default()
}

fn unexpected_response(e: serde_json::Error) -> ApiError {
    ApiError::network(JsValue::from_str(&format!("unexpected response: {e}")))
}

/// Calls the API as the signed-in user, refreshing the access token once if it expired.
async fn call<T: DeserializeOwned>(method: &str, path: &str, body: Option<&impl Serialize>) -> Result<T, ApiError> {
    let body = body.map(json_text);
    let (status, text) = send_as_user(method, path, body.as_deref().map(Body::Json), None).await?;
    decode(status, &text)
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call::<T>("GET", path, None::<&()>).await
}

async fn post<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    call("POST", path, Some(body)).await
}

async fn patch<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    call("PATCH", path, Some(body)).await
}

/// A `PATCH` of a versioned resource: what the server kept.
pub enum Edited<T> {
    Saved(T),
    /// Someone changed it since `version`: nothing was written, this is the current one.
    Stale(T),
}

/// `PATCH` with `If-Match: "<version>"` (see docs/API.md, "Versions and If-Match").
async fn patch_if_match<T: DeserializeOwned>(
    path: &str,
    version: i32,
    body: &impl Serialize,
) -> Result<Edited<T>, ApiError> {
    let body = json_text(body);
    let tag = format!("\"{version}\"");
    let (status, text) = send_as_user("PATCH", path, Some(Body::Json(&body)), Some(&tag)).await?;
    if status == 412 {
        return decode(200, &text).map(Edited::Stale);
    }
    decode(status, &text).map(Edited::Saved)
}

/// Sends a file as the request body (its own type as `Content-Type`), as the signed-in user.
async fn upload<T: DeserializeOwned>(path: &str, file: &web_sys::File) -> Result<T, ApiError> {
    let (status, text) = send_as_user("POST", path, Some(Body::File(file)), None).await?;
    decode(status, &text)
}

/// Posts CSV text as the body (`text/csv`), as the signed-in user.
async fn post_csv<T: DeserializeOwned>(path: &str, csv: &str) -> Result<T, ApiError> {
    let (status, text) = send_as_user("POST", path, Some(Body::Csv(csv)), None).await?;
    decode(status, &text)
}

/// For 204 responses.
async fn delete(path: &str) -> Result<(), ApiError> {
    call::<Option<serde_json::Value>>("DELETE", path, None::<&()>).await.map(|_| ())
}

/// Sign-up and login: no token yet, and no refresh on 401.
async fn sign_in(path: &str, body: &impl Serialize) -> Result<TokenResponse, ApiError> {
    let body = json_text(body);
    let (status, text) = send("POST", path, Some(&body), None).await?;
    let tokens: TokenResponse = decode(status, &text)?;
    set_access_token(Some(tokens.access_token.clone()));
    set_session_hint(true);
    Ok(tokens)
}

/// A call made before anyone is signed in that answers without a body (202/204): sign-up,
/// password reset.
async fn send_public(path: &str, body: &impl Serialize) -> Result<(), ApiError> {
    let body = json_text(body);
    let (status, text) = send("POST", path, Some(&body), None).await?;
    decode::<Option<serde_json::Value>>(status, &text).map(|_| ())
}

pub async fn logout() {
    let _ = send("POST", "/api/v1/auth/logout", None, None).await;
    set_access_token(None);
    set_session_hint(false);
}
