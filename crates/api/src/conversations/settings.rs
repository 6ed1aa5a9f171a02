//! A site's chat settings: the lead-capture bot's questions and the "ignore" time.
//! Served under `/sites/{id}/chat` (registered by `crate::sites`).

use actix_web::{get, put, web};
use domain::{ChatSettings, Problem};
use uuid::Uuid;

use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::AppState;

/// A site's chat settings.
///
/// Whether its lead-capture bot is on, its questions in order, and how long "Ignore" hides
/// a conversation. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "get_chat_settings", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    responses(
        (status = 200, description = "Settings", body = ChatSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{id}/chat")]
pub async fn get_chat_settings(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ChatSettings>> {
    let (account_id, id) = (admin.0.account_id, id.into_inner());
    Ok(web::Json(state.db.run(move |conn| queries::settings::load(conn, account_id, id)).await?))
}

/// Change a site's chat settings.
///
/// Each question's `field` is `name`, `email`, `phone` or the key of one of the account's
/// custom fields; no field twice. Admins only.
#[utoipa::path(
    tag = "sites", operation_id = "update_chat_settings", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Site id")),
    request_body = ChatSettings,
    responses(
        (status = 200, description = "Saved", body = ChatSettings),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown or repeated field, or a time out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sites/{id}/chat")]
pub async fn update_chat_settings(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<ChatSettings>,
) -> ApiResult<web::Json<ChatSettings>> {
    let (account_id, id, settings) = (admin.0.account_id, id.into_inner(), body.0);
    let saved = state.db.transaction(move |conn| queries::settings::save(conn, account_id, id, &settings)).await?;
    Ok(web::Json(saved))
}
