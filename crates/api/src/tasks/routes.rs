//! The tasks' handlers and their OpenAPI.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::{CreateTaskRequest, Problem, TaskList, TaskQuery, TaskView, UpdateTaskRequest};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use super::queries;
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/tasks")
            .service(list_tasks)
            .service(create_task)
            .service(update_task)
            .service(delete_task),
    );
}

/// List tasks.
///
/// "My tasks" by default (assigned to the caller, open, soonest due first); `scope=all` for
/// every task the caller may see; with `contact_id`, `card_id` or `conversation_id`, that
/// one's tasks. Done tasks (`state=done`) come most recently done first. At most 500.
#[utoipa::path(
    tag = "tasks", operation_id = "list_tasks", security(("bearer" = []), ("api_key" = ["tasks:read"])),
    params(TaskQuery),
    responses(
        (status = 200, description = "Tasks", body = TaskList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_tasks(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<TaskQuery>,
) -> ApiResult<web::Json<TaskList>> {
    let query = query.into_inner();
    query.validate()?;
    let items = state.db.run(move |conn| queries::list(conn, &caller, &query)).await?;
    Ok(web::Json(TaskList { items }))
}

/// Create a task.
///
/// For the caller unless `assignee_id` names someone else of the account, who is notified.
/// Linked to at most one contact, card or conversation the caller sees.
#[utoipa::path(
    tag = "tasks", operation_id = "create_task", security(("bearer" = []), ("api_key" = ["tasks:write"])),
    request_body = CreateTaskRequest,
    responses(
        (status = 201, description = "Created", body = TaskView),
        (status = 422, description = "Invalid fields, an unknown assignee, or a link the caller does not see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_task(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: ValidJson<CreateTaskRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let task = state.db.transaction(move |conn| queries::create(conn, &caller, req)).await?;
    Ok(HttpResponse::Created().json(task))
}

/// Change a task.
///
/// Partial: title, description, due time (a new one is notified again when it falls due),
/// assignee (notified) and `done`.
#[utoipa::path(
    tag = "tasks", operation_id = "update_task", security(("bearer" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "Task id")),
    request_body = UpdateTaskRequest,
    responses(
        (status = 200, description = "Changed", body = TaskView),
        (status = 404, description = "No such task visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or an unknown assignee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_task(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateTaskRequest>,
) -> ApiResult<web::Json<TaskView>> {
    let (id, req) = (id.into_inner(), body.0);
    let task = state.db.transaction(move |conn| queries::update(conn, &caller, id, req)).await?;
    Ok(web::Json(task))
}

/// Delete a task.
///
/// Anyone who sees it may delete it.
#[utoipa::path(
    tag = "tasks", operation_id = "delete_task", security(("bearer" = []), ("api_key" = ["tasks:write"])),
    params(("id" = Uuid, Path, description = "Task id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such task visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_task(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let rows = state.db.transaction(move |conn| queries::delete(conn, &caller, id)).await?;
    no_content_if_found(rows)
}
