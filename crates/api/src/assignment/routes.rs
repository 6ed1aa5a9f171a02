//! The auto-assignment and routing settings' handlers and their OpenAPI.

use actix_web::{get, put, web};
use domain::routing::RoutingSettings;
use domain::{AutoAssignment, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{queries, routing};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::AppState;

/// A site's auto-assignment: whole paths under `/sites`, so registered before sites' scope.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_auto_assignment).service(update_auto_assignment).service(get_routing).service(update_routing);
}

/// A site's auto-assignment settings.
///
/// Whether new leads of the site are dealt out, and to whom in rotation order. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "get_auto_assignment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "Settings", body = AutoAssignment),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{id}/auto-assignment")]
pub async fn get_auto_assignment(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AutoAssignment>> {
    let id = id.into_inner();
    Ok(web::Json(state.db.run(move |conn| queries::settings(conn, caller.account_id, id)).await?))
}

/// Choose who receives a site's new leads.
///
/// New leads go to these users in strict rotation, passing by disabled users, users at a
/// limit (open chats, new leads in 24 hours) and, when `online_only` (the default), users
/// away or offline. Leads nobody can take wait and are dealt in arrival order as soon as
/// someone can (saving deals them too). Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "update_auto_assignment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    request_body = AutoAssignment,
    responses(
        (status = 200, description = "Saved", body = AutoAssignment),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A user is not in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sites/{id}/auto-assignment")]
pub async fn update_auto_assignment(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<AutoAssignment>,
) -> ApiResult<web::Json<AutoAssignment>> {
    let id = id.into_inner();
    let wanted = AutoAssignment { user_ids: domain::rotation_users(&body.user_ids), ..body };
    let public_url = state.config.public_url.clone();
    let saved = state
        .db
        .transaction(move |conn| {
            let saved = queries::save(conn, caller.account_id, id, wanted)?;
            queries::deal_waiting(conn, caller.account_id, id, &public_url)?;
            Ok(saved)
        })
        .await?;
    Ok(web::Json(saved))
}

/// A site's routing rules.
///
/// Sticky owner and re-routes; `null` when off (the default). Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "get_routing", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "Rules", body = RoutingSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{id}/routing")]
pub async fn get_routing(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RoutingSettings>> {
    let id = id.into_inner();
    Ok(web::Json(state.db.run(move |conn| routing::settings(conn, caller.account_id, id)).await?))
}

/// Set a site's routing rules.
///
/// - `sticky_owner_secs`: a chat from a client who has an agent waits for that agent alone
///   (their My conversations, `conversation.offered`, a notification) for this long, then
///   goes to the shared Inbox (`conversation.waiting`). When the agent is away, offline,
///   disabled or at their open chats limit, it goes to the Inbox at once; when they go away
///   during the offer, too.
/// - `reroute_chat_minutes`: an accepted chat with no operator reply for this long moves to
///   the next user available in the site's rotation (`conversation.rerouted`, a line in the
///   transcript, a notification to both).
/// - `reroute_lead_minutes`: a lead the rotation dealt, untouched by anyone (no change, note
///   or reply) for this long, moves the same way (the client's history logs it;
///   `contact.assigned` goes to webhooks; both are notified).
///
/// Re-routes need the site's rotation on; when nobody else in it is available, the chat or
/// lead stays and is looked at again on the next pass. Applies to chats and leads from now on.
/// Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "update_routing", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    request_body = RoutingSettings,
    responses(
        (status = 200, description = "Saved", body = RoutingSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A time out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sites/{id}/routing")]
pub async fn update_routing(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<RoutingSettings>,
) -> ApiResult<web::Json<RoutingSettings>> {
    let id = id.into_inner();
    Ok(web::Json(state.db.transaction(move |conn| routing::save(conn, caller.account_id, id, body)).await?))
}
