//! Sign-up with e-mail verification. The request answers the same whether or not the address
//! is taken, so it tells nobody who has an account: a new address gets a confirmation link,
//! a taken one a note saying so (only its owner reads it). The account is created when the
//! link is opened.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use domain::{Problem, Role, SignupConfirm, SignupRequest, TokenResponse};
use uuid::Uuid;

use super::{create_user_from_link, password, remember_lang, session_response};
use crate::platform::auth::tokens::{invalid_link_token, new_secret, sha256_hex};
use crate::platform::db::schema::signup_requests;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::ValidJson;
use crate::platform::mailer;
use crate::platform::rate_limits::Limit;
use crate::users::queries::{self as users, UserRow};
use crate::AppState;

const SIGNUP_PREFIX: &str = "sv_";
/// How long a confirmation link works.
pub const SIGNUP_TTL_HOURS: i64 = 24;

/// Ask for an account.
///
/// Answers 202 whatever the address: when it is free, a link valid for 24 hours is e-mailed
/// to it and opening it creates the account and its first admin
/// (`POST /api/v1/auth/signup/confirm`); when it already signs in to Prospecta, the e-mail
/// says so instead. Nothing is created before the address is confirmed.
#[utoipa::path(
    tag = "auth", operation_id = "signup",
    request_body = SignupRequest,
    responses(
        (status = 202, description = "A confirmation e-mail is on its way (or, for a taken address, a note to its owner)"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups from this client address (`SIGNUP_RATE_PER_HOUR`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/signup")]
pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<SignupRequest>,
) -> ApiResult<HttpResponse> {
    state.rate_limits.check(Limit::Signup, &crate::platform::http::extract::client_ip(&req))?;
    // Hashed whether or not the address is taken, so both answers take as long.
    let hash = password::hash_password_off_thread(body.password.clone()).await?;
    let config = state.config.clone();
    // Not a user yet: the mail speaks the language the app asked in.
    let lang = crate::platform::http::extract::ui_lang(&req).unwrap_or_default();
    state
        .db
        .transaction(move |conn| {
            let email = domain::normalize_email(&body.email);
            if users::find_by_email(conn, &email)?.is_some() {
                let (subject, text) =
                    domain::mail_text::signup_existing(lang, &config.link("/login"), &config.link("/forgot-password"));
                return mailer::enqueue(conn, None, &email, &subject, &text);
            }
            let (secret, token_hash) = new_secret(SIGNUP_PREFIX);
            diesel::insert_into(signup_requests::table)
                .values((
                    signup_requests::id.eq(Uuid::new_v4()),
                    signup_requests::email.eq(&email),
                    signup_requests::account_name.eq(body.account_name.trim()),
                    signup_requests::name.eq(body.name.trim()),
                    signup_requests::password_hash.eq(&hash),
                    signup_requests::token_hash.eq(token_hash),
                    signup_requests::expires_at.eq(Utc::now() + Duration::hours(SIGNUP_TTL_HOURS)),
                ))
                .execute(conn)?;
            let (subject, text) = domain::mail_text::signup_confirm(
                lang,
                &domain::text::quote_lead_text(body.name.trim(), 60),
                &config.link(&format!("/verify-email?token={secret}")),
            );
            mailer::enqueue(conn, None, &email, &subject, &text)
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Confirm a sign-up and create the account.
///
/// The token from the confirmation e-mail works once, within 24 hours. Creates the account
/// and its first admin, who is signed in: the answer carries an access token and a refresh
/// token (also set as an HttpOnly cookie).
#[utoipa::path(
    tag = "auth", operation_id = "confirm_signup",
    request_body = SignupConfirm,
    responses(
        (status = 201, description = "Account created; the admin is signed in", body = TokenResponse),
        (status = 422, description = "Invalid fields, or a token that is unknown, used or expired, or whose address signed up meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/signup/confirm")]
pub async fn confirm_signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<SignupConfirm>,
) -> ApiResult<HttpResponse> {
    let token_hash = sha256_hex(&body.token);
    let ttl = state.config.refresh_ttl_days;
    let (user, secret) = state
        .db
        .transaction(move |conn| {
            let pending: Option<(Uuid, String, String, String, String)> = signup_requests::table
                .filter(signup_requests::token_hash.eq(&token_hash))
                .filter(signup_requests::expires_at.gt(Utc::now()))
                .select((
                    signup_requests::id,
                    signup_requests::email,
                    signup_requests::account_name,
                    signup_requests::name,
                    signup_requests::password_hash,
                ))
                .for_update()
                .first(conn)
                .optional()?;
            let Some((id, email, account_name, name, hash)) = pending else {
                return Err(invalid_link_token("is not valid or has expired; sign up again"));
            };
            // Other pending requests for this address stop working too: it has an account now.
            diesel::delete(
                signup_requests::table.filter(signup_requests::id.eq(id).or(signup_requests::email.eq(&email))),
            )
            .execute(conn)?;
            let account = users::insert_account(conn, &account_name)?;
            create_user_from_link(
                conn,
                &UserRow::new(account.id, &email, &name, Role::Admin, hash),
                ttl,
                "belongs to an address that has an account now; log in",
            )
        })
        .await?;
    tracing::info!(user_id = %user.id, account_id = %user.account_id, "account created");
    remember_lang(&state, &req, user.id).await;
    session_response(&state, &req, StatusCode::CREATED, &user, secret, true)
}
