//! The calls' handlers and their OpenAPI.

use actix_web::{get, post, web, HttpResponse};
use domain::{CallList, CallView, LogCallRequest, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// Whole paths under `/contacts/{id}`: registered before the contacts' scope.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_calls).service(log_call);
}

/// A client's calls.
///
/// Newest first, at most 200. Admins, the client's assignee, and agents in one of the
/// client's conversations.
#[utoipa::path(
    tag = "contacts", operation_id = "list_calls", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(("id" = Uuid, Path, description = "Contact id")),
    responses(
        (status = 200, description = "Calls", body = CallList),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contacts/{id}/calls")]
pub async fn list_calls(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CallList>> {
    let id = id.into_inner();
    let items = state.db.run(move |conn| queries::list(conn, &caller, id)).await?;
    Ok(web::Json(CallList { items }))
}

/// Log a call with a client.
///
/// Direction, outcome, duration and a note; `called_at` defaults to now and may not be in the
/// future; `conversation_id` (one of the client's) when logged from a chat. Recorded in the
/// client's change log as `call`, and counted per user in the desk report.
#[utoipa::path(
    tag = "contacts", operation_id = "log_call", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(("id" = Uuid, Path, description = "Contact id")),
    request_body = LogCallRequest,
    responses(
        (status = 201, description = "Logged", body = CallView),
        (status = 404, description = "No such contact, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field out of range, a time in the future, or another client's conversation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contacts/{id}/calls")]
pub async fn log_call(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<LogCallRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let call = state.db.transaction(move |conn| queries::log(conn, &caller, id, &body)).await?;
    Ok(HttpResponse::Created().json(call))
}
