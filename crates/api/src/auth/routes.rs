//! The login, refresh, logout and profile handlers, the session's response and cookie, and
//! their OpenAPI.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use domain::{LoginRequest, MeResponse, Problem, RefreshRequest, TokenResponse};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{login_limits, password, password_reset, sessions, signup};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, OptionalJson, ValidJson};
use crate::platform::rate_limits::Limit;
use crate::users::queries::{self as users, UserRow};
use crate::AppState;

/// HttpOnly cookie holding the browser's refresh token; only sent to the auth endpoints.
pub const REFRESH_COOKIE: &str = "prospecta_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/auth")
            .service(signup::signup)
            .service(signup::confirm_signup)
            .service(login)
            .service(refresh)
            .service(logout)
            .service(password_reset::request_password_reset)
            .service(password_reset::confirm_password_reset),
    )
    .service(me);
}

/// Log in with e-mail and password.
///
/// After too many attempts for one e-mail from one client address (or too many failures from
/// one address) within the window, further attempts from there get 429 with `Retry-After`,
/// right password or not; the same user elsewhere is not affected. A success resets it.
#[utoipa::path(
    tag = "auth", operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; also sets the refresh cookie", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The user is disabled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client address (`LOGIN_RATE_PER_MINUTE`), or for this e-mail from it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let email = domain::normalize_email(&body.email);
    let ip = crate::platform::http::extract::client_ip(&req);
    state.rate_limits.check(Limit::Login, &ip)?;
    let (max, window) = (state.config.login_max_failures, state.config.login_window_secs);
    let user = {
        let (email, ip) = (email.clone(), ip.clone());
        state
            .db
            .run(move |conn| {
                login_limits::begin_attempt(conn, &email, &ip, max, window)?;
                users::find_by_email(conn, &email)
            })
            .await?
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = password::verify_password_off_thread(body.password, stored).await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            let ip = ip.clone();
            state.db.run(move |conn| login_limits::record_failure(conn, &ip, window)).await?;
            return Err(ApiError::Unauthorized("The e-mail or password is wrong.".into()));
        }
    };
    if user.disabled {
        return Err(ApiError::Forbidden("This user is disabled. Ask an admin of your account.".into()));
    }
    let ttl = state.config.refresh_ttl_days;
    let user_id = user.id;
    let secret = state
        .db
        .transaction(move |conn| {
            login_limits::clear(conn, &email, &ip)?;
            sessions::issue(conn, user_id, Uuid::new_v4(), ttl)
        })
        .await?;
    remember_lang(&state, &req, user.id).await;
    session_response(&state, &req, StatusCode::OK, &user, secret, true)
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Takes the token from the body or, for browsers, from the HttpOnly cookie. Each refresh
/// token works once; presenting a spent one revokes the whole session, unless it was spent
/// within `REFRESH_REUSE_GRACE_SECS` (10 s) and the session is live: two browser tabs share one
/// refresh cookie and may refresh at the same moment.
#[utoipa::path(
    tag = "auth", operation_id = "refresh",
    request_body(content = Option<RefreshRequest>, description = "Optional when the refresh cookie is sent", example = json!({"refresh_token": "rt_4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d8e"})),
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Missing, spent, revoked or expired refresh token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let from_body = body.as_ref().is_some_and(|b| b.refresh_token.as_deref().is_some_and(|t| !t.is_empty()));
    let secret = presented_refresh_token(&req, body)
        .ok_or_else(|| ApiError::Unauthorized("No refresh token was sent; log in again.".into()))?;
    let (ttl, grace) =
        (state.config.refresh_ttl_days, chrono::Duration::seconds(state.config.refresh_reuse_grace_secs));
    let (user, successor) = state.db.transaction(move |conn| sessions::rotate(conn, &secret, ttl, grace)).await??;
    remember_lang(&state, &req, user.id).await;
    session_response(&state, &req, StatusCode::OK, &user, successor, from_body)
}

/// End a session.
///
/// Revokes the refresh token sent in the body or in the browser's cookie, and clears the
/// cookie. Answers 204 even when the token was already spent.
#[utoipa::path(
    tag = "auth", operation_id = "logout",
    request_body(content = Option<RefreshRequest>, description = "Optional when the refresh cookie is sent", example = json!({"refresh_token": "rt_4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d8e"})),
    responses((status = 204, description = "Signed out (also when the token was unknown)"))
)]
#[post("/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    if let Some(secret) = presented_refresh_token(&req, body) {
        state.db.run(move |conn| sessions::revoke_by_secret(conn, &secret)).await?;
    }
    let mut gone = refresh_cookie(String::new(), secure_cookie(&state, &req));
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// The signed-in user and their account.
///
/// The SPA calls it after login to learn the user's role and language.
#[utoipa::path(
    tag = "auth", operation_id = "get_me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The token's user was deleted since it was issued", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<MeResponse>> {
    let (user, account) = state
        .db
        .run(move |conn| {
            let user = users::get_user(conn, caller.account_id, caller.user_id)?;
            Ok((user, users::get_account(conn, caller.account_id)?))
        })
        .await?;
    Ok(web::Json(MeResponse { user: user.view(), account: account.view() }))
}

/// The refresh token from the body, else from the browser's cookie.
fn presented_refresh_token(req: &HttpRequest, body: Option<RefreshRequest>) -> Option<String> {
    body.and_then(|b| b.refresh_token)
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string()))
        .filter(|s| !s.is_empty())
}

/// `SECURE_COOKIES`, or when unset whether the request came over HTTPS.
fn secure_cookie(state: &AppState, req: &HttpRequest) -> bool {
    state.config.secure_cookies.unwrap_or_else(|| req.connection_info().scheme() == "https")
}

fn refresh_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}

/// Records the language the app asks for as the user's, for the e-mails they receive. At
/// sign-in and at each session refresh, so a change in the app's header reaches the next
/// e-mail. Best effort: on a failure the user keeps the language they had.
pub(crate) async fn remember_lang(state: &AppState, req: &HttpRequest, user_id: Uuid) {
    let Some(lang) = crate::platform::http::extract::ui_lang(req) else { return };
    let changed = state.db.run(move |conn| users::set_lang(conn, user_id, lang)).await;
    if let Err(err) = changed {
        tracing::warn!(error = ?err, "the user's language was not recorded");
    }
}

/// Tokens for a signed-in user: the refresh token as the HttpOnly cookie, and in the body
/// when `refresh_in_body`.
pub(crate) fn session_response(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    user: &UserRow,
    refresh_secret: String,
    refresh_in_body: bool,
) -> ApiResult<HttpResponse> {
    let access = state.tokens.issue_access(user.id, user.account_id, user.role())?;
    let mut cookie = refresh_cookie(refresh_secret.clone(), secure_cookie(state, req));
    cookie.set_max_age(actix_web::cookie::time::Duration::days(state.config.refresh_ttl_days));
    Ok(HttpResponse::build(status).cookie(cookie).json(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: state.tokens.access_ttl_secs,
        refresh_token: refresh_in_body.then_some(refresh_secret),
        user: user.view(),
    }))
}
