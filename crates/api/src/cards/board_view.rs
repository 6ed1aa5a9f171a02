//! The board view's handlers: each stage's cards under the filters, the board history and each
//! user's saved filters, and their OpenAPI. The filters and pages are `queries::board_view`.

use actix_web::{delete, get, post, web, HttpResponse};
use domain::{
    BoardCards, BoardFilter, CreateSavedFilterRequest, HistoryPage, HistoryParams, Problem, SavedFilterList,
    SavedFilterView, StagePageParams,
};
use uuid::Uuid;
use validator::Validate;

use super::queries;
use super::queries::board_view::{Cursor, Filter};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// A board's cards.
///
/// Per stage, in board order: the first `per_stage` cards under the filter, how many there
/// are, and the sum of their deal values per currency. With `stage_id` and that stage's
/// `next_cursor`, the next cards of that stage only ("load more").
#[utoipa::path(
    tag = "cards", operation_id = "board_cards", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Board id"), BoardFilter, StagePageParams),
    responses(
        (status = 200, description = "Cards per stage", body = BoardCards),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter: the parameter is named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/boards/{id}/cards")]
pub async fn board_cards(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    filter: web::Query<BoardFilter>,
    page: web::Query<StagePageParams>,
) -> ApiResult<HttpResponse> {
    let (board_id, page) = (id.into_inner(), page.into_inner());
    let filter = Filter::parse(filter.into_inner())?;
    page.validate()?;
    let cursor = page.cursor.as_deref().filter(|c| !c.is_empty()).map(Cursor::decode).transpose()?;
    let body = state
        .db
        .run(move |conn| queries::board_view::cards(conn, &caller, board_id, &filter, &page, cursor.as_ref()))
        .await?;
    Ok(crate::platform::http::respond::json_ok(body))
}

/// A board's history.
///
/// Every change on its cards, newest first, by card and/or user; `before` pages back.
#[utoipa::path(
    tag = "cards", operation_id = "board_history", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Board id"), HistoryParams),
    responses(
        (status = 200, description = "Changes, newest first", body = HistoryPage),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/boards/{id}/history")]
pub async fn get_board_history(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    params: web::Query<HistoryParams>,
) -> ApiResult<web::Json<HistoryPage>> {
    let (board_id, p) = (id.into_inner(), params.into_inner());
    p.validate()?;
    let limit = p.limit.unwrap_or(50);
    let page = state.db.run(move |conn| queries::board_view::history(conn, &caller, board_id, &p, limit)).await?;
    Ok(web::Json(page))
}

/// Saved filters of a board.
///
/// The caller's own and those shared on the board by anyone, by name (`mine` says which the
/// caller saved); other users' private filters are theirs alone.
#[utoipa::path(
    tag = "cards", operation_id = "list_saved_filters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "The caller's saved filters, by name", body = SavedFilterList),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/boards/{id}/filters")]
pub async fn list_saved_filters(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SavedFilterList>> {
    let board_id = id.into_inner();
    let items = state.db.run(move |conn| queries::board_view::saved_filters(conn, &caller, board_id)).await?;
    Ok(web::Json(SavedFilterList { items }))
}

/// Save a filter.
///
/// Under a name of the caller's own (a name already used on this board is a 409). `query` is
/// the board view's query string; it must parse as the board view's filter. `shared` shows it
/// to everyone who sees the board.
#[utoipa::path(
    tag = "cards", operation_id = "save_filter", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateSavedFilterRequest,
    responses(
        (status = 201, description = "Saved", body = SavedFilterView),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A filter of yours has this name already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/boards/{id}/filters")]
pub async fn save_filter(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateSavedFilterRequest>,
) -> ApiResult<HttpResponse> {
    let (board_id, req) = (id.into_inner(), body.0);
    let query = req.query.trim().trim_start_matches('?').to_string();
    let parsed = web::Query::<BoardFilter>::from_query(&query)
        .map(web::Query::into_inner)
        .map_err(|_| ApiError::field("query", "invalid", "is not a board view filter"))?;
    Filter::parse(parsed).map_err(|_| ApiError::field("query", "invalid", "is not a board view filter"))?;
    let saved =
        state.db.run(move |conn| queries::board_view::save_filter(conn, &caller, board_id, &req, query)).await?;
    Ok(HttpResponse::Created().json(saved))
}

/// Delete a saved filter.
///
/// The caller's own; admins also delete filters shared on the board. Any other filter is a 404.
#[utoipa::path(
    tag = "cards", operation_id = "delete_saved_filter", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Board id"), ("filter_id" = Uuid, Path, description = "Saved filter id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such filter the caller may delete on this board", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/boards/{id}/filters/{filter_id}")]
pub async fn delete_saved_filter(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (board_id, filter_id) = path.into_inner();
    let rows = state.db.run(move |conn| queries::board_view::delete_filter(conn, &caller, board_id, filter_id)).await?;
    crate::platform::error::no_content_if_found(rows)
}
