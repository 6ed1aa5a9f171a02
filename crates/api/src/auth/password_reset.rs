//! "Forgot password": a single-use link by e-mail. The request answers the same whether or
//! not the address belongs to a user, so it tells nobody who is a user.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use domain::{PasswordResetConfirm, PasswordResetRequest, Problem};
use uuid::Uuid;

use super::{password, sessions};
use crate::platform::auth::tokens::{invalid_link_token, new_secret, sha256_hex};
use crate::platform::db::schema::{password_resets, users};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::ValidJson;
use crate::platform::mailer;
use crate::platform::rate_limits::Limit;
use crate::users::queries as user_queries;
use crate::AppState;

const RESET_PREFIX: &str = "pr_";
/// How long a reset link works.
const RESET_TTL_MINUTES: i64 = 60;

/// Ask for a password-reset link.
///
/// Answers 202 whatever the address: when it belongs to an enabled user, a single-use link
/// valid for an hour is e-mailed to it. Counts against the client address's sign-up budget.
#[utoipa::path(
    tag = "auth", operation_id = "request_password_reset",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address belongs to a user, a link is on its way"),
        (status = 429, description = "Too many requests from this client address (`SIGNUP_RATE_PER_HOUR`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    state.rate_limits.check(Limit::Signup, &crate::platform::http::extract::client_ip(&req))?;
    let config = state.config.clone();
    // The lookup and the mail happen after the answer, so a known address is not answered
    // measurably later than an unknown one.
    let db = state.db.clone();
    actix_web::rt::spawn(async move {
        let work = db.transaction(move |conn| {
            let Some(user) = user_queries::find_by_email(conn, &body.email)? else { return Ok(()) };
            if user.disabled {
                return Ok(());
            }
            let (secret, hash) = new_secret(RESET_PREFIX);
            diesel::insert_into(password_resets::table)
                .values((
                    password_resets::id.eq(Uuid::new_v4()),
                    password_resets::user_id.eq(user.id),
                    password_resets::token_hash.eq(hash),
                    password_resets::expires_at.eq(Utc::now() + Duration::minutes(RESET_TTL_MINUTES)),
                ))
                .execute(conn)?;
            // In the language the user last chose in the app.
            let lang: String = users::table.find(user.id).select(users::lang).first(conn)?;
            let (subject, body) = domain::mail_text::password_reset(
                domain::i18n::Lang::from_tag(&lang),
                &domain::text::quote_lead_text(&user.name, 60),
                &config.link(&format!("/reset-password?token={secret}")),
            );
            mailer::enqueue(conn, user.account_id, &user.email, &subject, &body)
        });
        if let Err(err) = work.await {
            tracing::warn!(error = ?err, "password reset request not recorded");
        }
    });
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with a reset token.
///
/// The token works once and for an hour. Every session of the user ends (they log in again
/// with the new password).
#[utoipa::path(
    tag = "auth", operation_id = "confirm_password_reset",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "The password is changed"),
        (status = 422, description = "Invalid fields, or a token that is unknown, used or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    let hash = password::hash_password_off_thread(body.password).await?;
    let token_hash = sha256_hex(&body.token);
    let user_id = state
        .db
        .transaction(move |conn| {
            let reset: Option<(Uuid, Uuid)> = password_resets::table
                .filter(password_resets::token_hash.eq(&token_hash))
                .filter(password_resets::used_at.is_null())
                .filter(password_resets::expires_at.gt(Utc::now()))
                .select((password_resets::id, password_resets::user_id))
                .for_update()
                .first(conn)
                .optional()?;
            let Some((reset_id, user_id)) = reset else {
                return Err(invalid_link_token("is not valid or has expired; ask for a new link"));
            };
            diesel::update(password_resets::table.find(reset_id))
                .set(password_resets::used_at.eq(Utc::now()))
                .execute(conn)?;
            diesel::update(users::table.find(user_id))
                .set((users::password_hash.eq(&hash), users::updated_at.eq(Utc::now())))
                .execute(conn)?;
            sessions::revoke_all_for_user(conn, user_id)?;
            Ok(user_id)
        })
        .await?;
    state.principals.forget(user_id);
    Ok(HttpResponse::NoContent().finish())
}
