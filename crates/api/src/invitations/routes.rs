//! The invitations' handlers and their OpenAPI.

use actix_web::http::StatusCode;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use domain::{
    AcceptInvitationRequest, InvitationList, InvitationView, InviteUserRequest, Problem, Role, TokenResponse,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries::{self, InvitationRow};
use crate::auth::{create_user_from_link, password, remember_lang, session_response};
use crate::platform::auth::tokens::{invalid_link_token, new_secret, sha256_hex};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::platform::mailer;
use crate::platform::rate_limits::Limit;
use crate::users::queries::{self as users, UserRow};
use crate::AppState;

/// What an invitation token starts with.
const INVITATION_PREFIX: &str = "iv_";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/invitations")
            .service(list_invitations)
            .service(invite_user)
            .service(accept_invitation)
            .service(revoke_invitation),
    );
}

/// List open invitations.
///
/// Invitations not accepted yet, newest first. Admins only. Expired ones are listed too (see `expires_at`) until they are revoked or sent again.
#[utoipa::path(
    tag = "users", operation_id = "list_invitations", security(("bearer" = [])),
    responses(
        (status = 200, description = "Open invitations", body = InvitationList),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_invitations(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
) -> ApiResult<web::Json<InvitationList>> {
    let rows = state.db.run(move |conn| queries::open(conn, caller.account_id)).await?;
    Ok(web::Json(InvitationList { items: rows.iter().map(InvitationRow::view).collect() }))
}

/// Invite someone to the account by e-mail (how admins add users).
///
/// E-mails a link valid for 7 days; the invitee chooses a password and becomes a user with
/// the given name and role. Inviting an address again replaces its open invitation (and its
/// link). An address that is already a user of this account is a 409; an address of another
/// account gets the same 201 (its owner is told by e-mail that it cannot join).
#[utoipa::path(
    tag = "users", operation_id = "invite_user", security(("bearer" = [])),
    request_body = InviteUserRequest,
    responses(
        (status = 201, description = "Invitation sent", body = InvitationView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address is already a user of this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many invitations from this account or client address (`INVITATIONS_PER_HOUR`), or to this address (`INVITATIONS_PER_ADDRESS_PER_DAY`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn invite_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    AdminUser(caller): AdminUser,
    ValidJson(body): ValidJson<InviteUserRequest>,
) -> ApiResult<HttpResponse> {
    // Each invitation mails text the inviter chose to any address: limited like a relay would be.
    // The narrowest bucket first: a refused check has already spent the ones before it.
    let limits = &state.rate_limits;
    let to = domain::normalize_email(&body.email);
    limits.check(Limit::InvitationTo, &format!("{}|{to}", caller.account_id))?;
    limits.check(Limit::Invitation, &format!("account|{}", caller.account_id))?;
    limits.check(Limit::Invitation, &format!("ip|{}", crate::platform::http::extract::client_ip(&req)))?;
    let config = state.config.clone();
    let lang = crate::platform::http::extract::ui_lang(&req).unwrap_or_default();
    let row = state
        .db
        .transaction(move |conn| {
            let email = domain::normalize_email(&body.email);
            let existing = users::find_by_email(conn, &email)?;
            if existing.as_ref().is_some_and(|u| u.account_id == caller.account_id) {
                return Err(ApiError::conflict_on("email", "This address is already a user of your account."));
            }
            let (account_name, inviter) = queries::account_and_user_names(conn, caller.account_id, caller.user_id)?;
            let (secret, token_hash) = new_secret(INVITATION_PREFIX);
            let row = queries::replace_open(conn, caller.account_id, caller.user_id, &email, &body, token_hash)?;
            // What the inviter chose (their name, the account's, the invitee's) is quoted data, as
            // in the lead mails: one short line, links defanged.
            let quoted = |text: &str| domain::text::quote_lead_text(text.trim(), 60);
            let (inviter, account_name, invitee) = (quoted(&inviter), quoted(&account_name), quoted(&row.name));
            // The invitee has no language yet: the inviter's, as the app asked in.
            let (subject, text) = if existing.is_some() {
                domain::mail_text::invitation_elsewhere(lang, &inviter, &account_name)
            } else {
                let link = config.link(&format!("/accept-invitation?token={secret}"));
                domain::mail_text::invitation(lang, &inviter, &invitee, &account_name, &link)
            };
            mailer::enqueue(conn, caller.account_id, &email, &subject, &text)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(row.view()))
}

/// Revoke an open invitation.
///
/// Its link stops working at once. Accepted invitations are users: disable or delete those
/// instead. Admins only.
#[utoipa::path(
    tag = "users", operation_id = "revoke_invitation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No open invitation with this id in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let deleted = state.db.run(move |conn| queries::revoke(conn, caller.account_id, id)).await?;
    if deleted == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Accept an invitation, choosing a password.
///
/// The token from the invitation e-mail works once, within 7 days. Creates the user with the
/// name and role the admin chose; they are signed in (tokens in the body and the refresh
/// cookie, as at login).
#[utoipa::path(
    tag = "auth", operation_id = "accept_invitation",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 201, description = "User created and signed in", body = TokenResponse),
        (status = 422, description = "Invalid fields, or a token that is unknown, used, revoked or expired, or whose address signs in to an account already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<AcceptInvitationRequest>,
) -> ApiResult<HttpResponse> {
    let hash = password::hash_password_off_thread(body.password).await?;
    let token_hash = sha256_hex(&body.token);
    let ttl = state.config.refresh_ttl_days;
    let (user, secret) = state
        .db
        .transaction(move |conn| {
            let Some((account_id, email, name, role)) = queries::accept(conn, &token_hash)? else {
                return Err(invalid_link_token("is not valid, was revoked or has expired; ask for a new invitation"));
            };
            let role = Role::parse(&role).unwrap_or(Role::Agent);
            create_user_from_link(
                conn,
                &UserRow::new(account_id, &email, &name, role, hash),
                ttl,
                "is for an address that signs in to an account already",
            )
        })
        .await?;
    tracing::info!(user_id = %user.id, account_id = %user.account_id, "invitation accepted");
    remember_lang(&state, &req, user.id).await;
    session_response(&state, &req, StatusCode::CREATED, &user, secret, true)
}
