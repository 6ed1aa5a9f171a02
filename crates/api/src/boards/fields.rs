//! A board's custom fields. Admins define them; everyone who sees the board reads them. Card
//! values are checked here, for cards and for the base card's defaults.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::{
    BoardFieldKind, BoardFieldList, BoardFieldView, CreateBoardFieldRequest, Problem, UpdateCustomFieldRequest,
};
use uuid::Uuid;

use super::queries;
use crate::platform::error::{no_content_if_found, ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;
use domain::clean_options;

/// A board's custom fields.
///
/// Oldest first; cards keep their values under each field's `key`.
#[utoipa::path(
    tag = "boards", operation_id = "list_board_fields", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "Fields", body = BoardFieldList),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/fields")]
pub async fn list_board_fields(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BoardFieldList>> {
    let board_id = id.into_inner();
    let items = state.db.run(move |conn| queries::fields::list(conn, &caller, board_id)).await?;
    Ok(web::Json(BoardFieldList { items }))
}

/// Define a custom field for a board's cards.
///
/// Kinds: text, number, money, date, select (with `options`), user, contact. The `key` and
/// `kind` are fixed once created. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "create_board_field", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateBoardFieldRequest,
    responses(
        (status = 201, description = "Defined", body = BoardFieldView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The board has a field with this key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/fields")]
pub async fn create_board_field(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateBoardFieldRequest>,
) -> ApiResult<HttpResponse> {
    let (account_id, board_id, req) = (admin.0.account_id, id.into_inner(), body.0);
    let options = clean_options(&req.options);
    // A select field needs options; any other kind takes none (not even blank ones).
    match req.kind {
        BoardFieldKind::Select => domain::check_options(true, &options)?,
        _ if !req.options.is_empty() => domain::check_options(false, &req.options)?,
        _ => {}
    }
    let field =
        state.db.transaction(move |conn| queries::fields::create(conn, account_id, board_id, &req, &options)).await?;
    Ok(HttpResponse::Created().json(field))
}

/// Rename a board field or change a select's options.
///
/// The key and kind stay: cards keep their values under the key. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "update_board_field", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("field_id" = Uuid, Path, description = "Field id")),
    request_body = UpdateCustomFieldRequest,
    responses(
        (status = 200, description = "Changed", body = BoardFieldView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or field in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or options for a field that is not a select", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}/fields/{field_id}")]
pub async fn update_board_field(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<UpdateCustomFieldRequest>,
) -> ApiResult<web::Json<BoardFieldView>> {
    let (account_id, (board_id, field_id), req) = (admin.0.account_id, path.into_inner(), body.0);
    let label = req.label.as_deref().map(str::trim).map(str::to_owned);
    if label.as_deref() == Some("") {
        return Err(ApiError::field("label", "length", "must be 1 to 80 characters"));
    }
    let options = req.options.as_deref().map(clean_options);
    let field = state
        .db
        .transaction(move |conn| {
            queries::fields::update(conn, account_id, board_id, field_id, label.as_deref(), options.as_deref())
        })
        .await?;
    Ok(web::Json(field))
}

/// Delete a board field.
///
/// Its values go from every card of the board and from the base card. Admins only.
#[utoipa::path(
    tag = "boards", operation_id = "delete_board_field", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("field_id" = Uuid, Path, description = "Field id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or field in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/fields/{field_id}")]
pub async fn delete_board_field(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (account_id, (board_id, field_id)) = (admin.0.account_id, path.into_inner());
    let deleted =
        state.db.transaction(move |conn| queries::fields::delete(conn, account_id, board_id, field_id)).await?;
    no_content_if_found(deleted)
}
