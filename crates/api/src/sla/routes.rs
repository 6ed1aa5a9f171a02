//! The response targets' handlers and their OpenAPI.

use actix_web::{get, put, web};
use domain::sla::SlaSettings;
use domain::Problem;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::AppState;

/// Whole paths under `/sites`, so registered before sites' scope.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_sla).service(update_sla);
}

/// A site's response targets.
///
/// How soon a chat gets an operator's first reply, and a new lead a person's first action;
/// `null` when off. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "get_sla", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "Targets", body = SlaSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{id}/sla")]
pub async fn get_sla(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SlaSettings>> {
    let id = id.into_inner();
    Ok(web::Json(state.db.run(move |conn| queries::settings(conn, caller.account_id, id)).await?))
}

/// Set a site's response targets.
///
/// From now on, each chat reaching the Inbox and each new lead of the site runs against them:
/// the Inbox shows the chat's timer (ok, near at three quarters, breached), and a breach
/// notifies in the app and by e-mail (a waiting chat: the admins and the operators online;
/// an accepted one: its operator and the admins; a lead: its assignee and the admins) and
/// sends `conversation.sla_breached` or `contact.sla_breached`. Clocks already running keep
/// their due time. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "update_sla", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    request_body = SlaSettings,
    responses(
        (status = 200, description = "Saved", body = SlaSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A target out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sites/{id}/sla")]
pub async fn update_sla(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<SlaSettings>,
) -> ApiResult<web::Json<SlaSettings>> {
    let id = id.into_inner();
    Ok(web::Json(state.db.transaction(move |conn| queries::save(conn, caller.account_id, id, body)).await?))
}
