//! A card's checklist: items to tick off, in order. New cards get the base card's items.
//! Like comments, ticking counts as activity (the card is no longer stale) and goes to the
//! board history, without changing the card's version.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::{ChecklistItemList, ChecklistItemView, CreateChecklistItemRequest, Problem, UpdateChecklistItemRequest};
use uuid::Uuid;

use super::queries;
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// A card's checklist.
///
/// In order, done or not.
#[utoipa::path(
    tag = "cards", operation_id = "list_checklist", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Items", body = ChecklistItemList),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/checklist")]
pub async fn list_checklist(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ChecklistItemList>> {
    let id = id.into_inner();
    let items = state.db.run(move |conn| queries::checklist::list(conn, &caller, id)).await?;
    Ok(web::Json(ChecklistItemList { items }))
}

/// Add a checklist item.
///
/// Last in the list.
#[utoipa::path(
    tag = "cards", operation_id = "add_checklist_item", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body = CreateChecklistItemRequest,
    responses(
        (status = 201, description = "Added", body = ChecklistItemView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid text", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/checklist")]
pub async fn add_checklist_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateChecklistItemRequest>,
) -> ApiResult<HttpResponse> {
    let (id, text) = (id.into_inner(), body.0.text.trim().to_string());
    let item = state.db.transaction(move |conn| queries::checklist::add(conn, &caller, id, text)).await?;
    Ok(HttpResponse::Created().json(item))
}

/// Tick, untick or reword a checklist item.
///
/// `done` records who ticked it and when.
#[utoipa::path(
    tag = "cards", operation_id = "update_checklist_item", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id"), ("item_id" = Uuid, Path, description = "Item id")),
    request_body = UpdateChecklistItemRequest,
    responses(
        (status = 200, description = "Changed", body = ChecklistItemView),
        (status = 404, description = "No such card or item visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid text", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}/checklist/{item_id}")]
pub async fn update_checklist_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<UpdateChecklistItemRequest>,
) -> ApiResult<web::Json<ChecklistItemView>> {
    let ((id, item_id), req) = (path.into_inner(), body.0);
    let item = state.db.transaction(move |conn| queries::checklist::update(conn, &caller, id, item_id, req)).await?;
    Ok(web::Json(item))
}

/// Remove a checklist item.
///
/// Written to the board history.
#[utoipa::path(
    tag = "cards", operation_id = "delete_checklist_item", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id"), ("item_id" = Uuid, Path, description = "Item id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such card or item visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/checklist/{item_id}")]
pub async fn delete_checklist_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, item_id) = path.into_inner();
    let removed = state.db.transaction(move |conn| queries::checklist::delete(conn, &caller, id, item_id)).await?;
    no_content_if_found(removed)
}
