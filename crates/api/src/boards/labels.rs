//! A board's labels. Admins manage them; deleting one takes it off every card.

use actix_web::{delete, patch, post, web, HttpResponse};
use domain::{CreateLabelRequest, LabelView, Problem};
use uuid::Uuid;

use super::queries;
use crate::platform::error::{no_content_if_found, ApiResult};
use crate::platform::http::extract::{AdminUser, ValidJson};
use crate::AppState;

/// Add a label.
///
/// Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "create_label", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateLabelRequest,
    responses(
        (status = 201, description = "Added", body = LabelView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/labels")]
pub async fn create_label(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateLabelRequest>,
) -> ApiResult<HttpResponse> {
    let (account_id, board_id, req) = (admin.0.account_id, id.into_inner(), body.0);
    let label = state.db.transaction(move |conn| queries::labels::create(conn, account_id, board_id, &req)).await?;
    Ok(HttpResponse::Created().json(label))
}

/// Change a label.
///
/// Admins only: its name and colour (both required, as on creation).
#[utoipa::path(
    tag = "boards", operation_id = "update_label", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("label_id" = Uuid, Path, description = "Label id")),
    request_body = CreateLabelRequest,
    responses(
        (status = 200, description = "Changed", body = LabelView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or label in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}/labels/{label_id}")]
pub async fn update_label(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<CreateLabelRequest>,
) -> ApiResult<web::Json<LabelView>> {
    let (account_id, (board_id, label_id), req) = (admin.0.account_id, path.into_inner(), body.0);
    let label =
        state.db.transaction(move |conn| queries::labels::update(conn, account_id, board_id, label_id, &req)).await?;
    Ok(web::Json(label))
}

/// Delete a label.
///
/// Admins only; cards lose it.
#[utoipa::path(
    tag = "boards", operation_id = "delete_label", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("label_id" = Uuid, Path, description = "Label id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or label in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/labels/{label_id}")]
pub async fn delete_label(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (account_id, (board_id, label_id)) = (admin.0.account_id, path.into_inner());
    let rows = state.db.transaction(move |conn| queries::labels::delete(conn, account_id, board_id, label_id)).await?;
    no_content_if_found(rows)
}
