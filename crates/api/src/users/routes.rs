//! The users' handlers and their OpenAPI.

use actix_web::{delete, get, patch, put, web, HttpResponse};
use chrono::Utc;
use domain::{AlertsRequest, FieldError, PresenceRequest, Problem, UpdateUserRequest, UserList, UserView};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries::{self, UserChanges, UserRow};
use crate::auth::{password, sessions};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/users")
            .service(list_users)
            .service(set_presence)
            .service(set_alerts)
            .service(get_user)
            .service(update_user)
            .service(delete_user),
    );
}

/// List the users of the account.
///
/// Any user may list them (names are shown next to contacts); only admins change them.
#[utoipa::path(
    tag = "users", operation_id = "list_users", security(("bearer" = []), ("api_key" = ["users:read"])),
    responses(
        (status = 200, description = "Users, oldest first", body = UserList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_users(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<UserList>> {
    let rows = state.db.run(move |conn| queries::list_users(conn, caller.account_id)).await?;
    Ok(web::Json(UserList { items: rows.iter().map(UserRow::view).collect() }))
}

/// Get one user of the account.
///
/// Users of other accounts answer 404.
#[utoipa::path(
    tag = "users", operation_id = "get_user", security(("bearer" = []), ("api_key" = ["users:read"])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 404, description = "No such user in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    let row = state.db.run(move |conn| queries::get_user(conn, caller.account_id, id)).await?;
    Ok(web::Json(row.view()))
}

/// Change a user's name, role, password, disabled flag, limits or boards (admin only).
///
/// `board_ids` replaces the boards shared with the user (as each board's `member_ids`);
/// every id must be a board of the account (422 `board_ids` otherwise).
/// Disabling a user or changing their password ends all of their sessions. The limits
/// (`max_open_chats`, `max_new_leads_per_day`; `null` for none) make the auto-assignment pass
/// the user by while they are reached; raising one deals them waiting leads at once. Admins cannot
/// demote or disable themselves, so an account always keeps an admin.
#[utoipa::path(
    tag = "users", operation_id = "update_user", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated user", body = UserView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would demote or disable the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a board not of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateUserRequest>,
) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    if id == caller.user_id && body.demotes_or_disables() {
        let field = if body.role.is_some() { "role" } else { "disabled" };
        return Err(ApiError::Conflict(
            "You cannot demote or disable yourself; ask another admin.".into(),
            vec![FieldError::new(field, "self", "cannot be changed on your own user")],
        ));
    }
    let password_hash = match body.password.clone() {
        Some(pw) => Some(password::hash_password_off_thread(pw).await?),
        None => None,
    };
    let ends_sessions = body.disabled == Some(true) || password_hash.is_some();
    let changes = UserChanges {
        name: body.name.map(|n| n.trim().to_string()),
        role: body.role.map(|r| r.as_str().to_string()),
        disabled: body.disabled,
        password_hash,
        updated_at: Some(Utc::now()),
        max_open_chats: body.max_open_chats,
        max_new_leads_per_day: body.max_new_leads_per_day,
    };
    // A higher limit (or none) may let the user take leads that wait.
    let limits_changed = body.max_open_chats.is_some() || body.max_new_leads_per_day.is_some();
    let board_ids = body.board_ids;
    let public_url = state.config.public_url.clone();
    let row = state
        .db
        .transaction(move |conn| {
            queries::get_user_for_update(conn, caller.account_id, id)?;
            let row = queries::update_user(conn, caller.account_id, id, &changes)?;
            if let Some(board_ids) = &board_ids {
                crate::boards::queries::set_boards_of_user(conn, caller.account_id, id, board_ids)?;
            }
            if ends_sessions {
                sessions::revoke_all_for_user(conn, id)?;
            }
            if limits_changed {
                crate::assignment::deal_for_user(conn, caller.account_id, id, &public_url)?;
            }
            Ok(row)
        })
        .await?;
    state.principals.forget(id);
    Ok(web::Json(row.view()))
}

/// Delete a user.
///
/// Prefer disabling users who handled leads, to keep their history readable. Admins cannot
/// delete themselves. Admins only.
#[utoipa::path(
    tag = "users", operation_id = "delete_user", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Admins cannot delete themselves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_user(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    if id == caller.user_id {
        return Err(ApiError::Conflict("You cannot delete yourself.".into(), Vec::new()));
    }
    state.db.run(move |conn| queries::delete_user(conn, caller.account_id, id)).await?;
    state.principals.forget(id);
    Ok(HttpResponse::NoContent().finish())
}

/// Set the caller's live-chat presence.
///
/// `online` operators are who the chat widget waits for (with nobody online it shows its
/// offline form) and, on sites that deal only to users online, who gets new leads (coming
/// online deals the leads that waited); colleagues see the change at once (`presence.changed`).
#[utoipa::path(
    tag = "users", operation_id = "set_presence", security(("bearer" = [])),
    request_body = PresenceRequest,
    responses(
        (status = 200, description = "The caller, with the new presence", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown presence", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/presence")]
pub async fn set_presence(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: ValidJson<PresenceRequest>,
) -> ApiResult<web::Json<UserView>> {
    let presence = body.0.presence;
    let public_url = state.config.public_url.clone();
    let user = state
        .db
        .transaction(move |conn| {
            let user = queries::set_presence(conn, &caller, presence)?;
            // Leads that waited for someone online go to the rotation now; chats offered to
            // someone who steps away go to the shared Inbox.
            if presence == domain::Presence::Online {
                crate::assignment::deal_for_user(conn, caller.account_id, caller.user_id, &public_url)?;
            } else {
                crate::conversations::routing::release_offers_of(conn, caller.account_id, caller.user_id)?;
            }
            Ok(user)
        })
        .await?;
    Ok(web::Json(user.view()))
}

/// Set the caller's own alert settings.
///
/// `sound`: whether the app plays a sound for new chats, transfers, invitations and replies
/// in their chats (on by default). Each user sets only their own. Browser notifications are
/// the browser's permission, asked by the app.
#[utoipa::path(
    tag = "users", operation_id = "set_alerts", security(("bearer" = [])),
    request_body = AlertsRequest,
    responses(
        (status = 200, description = "The caller, with the new setting", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`sound` missing or not a boolean", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/alerts")]
pub async fn set_alerts(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: ValidJson<AlertsRequest>,
) -> ApiResult<web::Json<UserView>> {
    let on = body.0.sound;
    let user = state.db.run(move |conn| queries::set_sound_alerts(conn, &caller, on)).await?;
    Ok(web::Json(user.view()))
}
