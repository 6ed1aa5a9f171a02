//! The notifications' handlers and their OpenAPI.

use actix_web::{get, post, web, HttpResponse};
use domain::{NotificationList, NotificationView, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries;
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::http::extract::AuthUser;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/notifications")
            .service(list_notifications)
            .service(read_all)
            .service(read_notification),
    );
}

/// The caller's notifications.
///
/// The latest 50, newest first, and how many are unread.
#[utoipa::path(
    tag = "notifications", operation_id = "list_notifications", security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = NotificationList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<NotificationList>> {
    let (rows, unread, labels) =
        state.db.run(move |conn| queries::latest(conn, caller.account_id, caller.user_id)).await?;
    let items = rows
        .into_iter()
        .map(|(id, kind, title, contact_id, read_at, created_at)| NotificationView {
            id,
            kind,
            title,
            contact_label: contact_id.and_then(|c| labels.get(&c).cloned()),
            contact_id,
            read: read_at.is_some(),
            created_at,
        })
        .collect();
    Ok(web::Json(NotificationList { items, unread }))
}

/// Mark one notification read.
///
/// Only the caller's own notifications can be marked; others answer 404.
#[utoipa::path(
    tag = "notifications", operation_id = "read_notification", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 404, description = "Not one of the caller's notifications", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let updated =
        state.db.run(move |conn| queries::mark_read(conn, caller.account_id, caller.user_id, Some(id))).await?;
    no_content_if_found(updated)
}

/// Mark all notifications read.
///
/// Only the caller's own notifications change.
#[utoipa::path(
    tag = "notifications", operation_id = "read_all_notifications", security(("bearer" = [])),
    responses((status = 204, description = "All read"))
)]
#[post("/read-all")]
pub async fn read_all(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    state.db.run(move |conn| queries::mark_read(conn, caller.account_id, caller.user_id, None)).await?;
    Ok(HttpResponse::NoContent().finish())
}
