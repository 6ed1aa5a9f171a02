//! The canned responses' handlers and their OpenAPI.

use actix_web::{delete, get, post, web, HttpResponse};
use domain::{CannedResponse, CannedResponseList, CreateCannedResponse, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries;
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/canned-responses")
            .service(list_canned_responses)
            .service(create_canned_response)
            .service(delete_canned_response),
    );
}

/// List canned responses.
///
/// By shortcut.
#[utoipa::path(
    tag = "conversations", operation_id = "list_canned_responses", security(("bearer" = [])),
    responses(
        (status = 200, description = "By shortcut", body = CannedResponseList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_canned_responses(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<CannedResponseList>> {
    let items = state.db.run(move |conn| queries::list(conn, caller.account_id)).await?;
    Ok(web::Json(CannedResponseList { items }))
}

/// Add a canned response.
///
/// Admins only; shortcuts are unique in the account.
#[utoipa::path(
    tag = "conversations", operation_id = "create_canned_response", security(("bearer" = [])),
    request_body = CreateCannedResponse,
    responses(
        (status = 201, description = "Added", body = CannedResponse),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The shortcut is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid shortcut or text", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_canned_response(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: ValidJson<CreateCannedResponse>,
) -> ApiResult<HttpResponse> {
    let (caller, new) = (admin.0, body.0);
    let created = state.db.run(move |conn| queries::create(conn, caller.account_id, new)).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Remove a canned response.
///
/// Admins only.
#[utoipa::path(
    tag = "conversations", operation_id = "delete_canned_response", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Canned response id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such canned response in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_canned_response(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (caller, id) = (admin.0, id.into_inner());
    let rows = state.db.run(move |conn| queries::delete(conn, caller.account_id, id)).await?;
    no_content_if_found(rows)
}
