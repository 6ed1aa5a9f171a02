//! The boards' and stages' handlers and their OpenAPI.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::{
    BoardList, BoardView, CreateBoardRequest, CreateStageRequest, DeleteStageParams, MoveStageRequest, Problem,
    StageView, UpdateBoardRequest, UpdateStageRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{base_card, fields, labels, queries};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/boards")
            .service(list_boards)
            .service(create_board)
            .service(get_board)
            .service(update_board)
            .service(delete_board)
            .service(create_stage)
            .service(update_stage)
            .service(move_stage)
            .service(delete_stage)
            .service(labels::create_label)
            .service(labels::update_label)
            .service(labels::delete_label)
            .service(fields::list_board_fields)
            .service(fields::create_board_field)
            .service(fields::update_board_field)
            .service(fields::delete_board_field)
            .service(base_card::get_base_card)
            .service(base_card::put_base_card)
            .service(base_card::upload_base_attachment)
            .service(base_card::list_base_attachments)
            .service(base_card::download_base_attachment)
            .service(base_card::delete_base_attachment),
    );
}

/// List boards.
///
/// Admins see every board of the account; agents the ones shared with them. Oldest first,
/// each with its stages in order.
#[utoipa::path(
    tag = "boards", operation_id = "list_boards", security(("bearer" = []), ("api_key" = ["boards:read"])),
    responses(
        (status = 200, description = "Boards", body = BoardList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_boards(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<BoardList>> {
    let items = state.db.run(move |conn| queries::list(conn, &caller)).await?;
    Ok(web::Json(BoardList { items }))
}

/// Create a board.
///
/// Admins only. A `template` (`sales_pipeline`, `client_portfolio`) gives it ready stages,
/// named in `lang`; `member_ids` are the agents who see it.
#[utoipa::path(
    tag = "boards", operation_id = "create_board", security(("bearer" = []), ("api_key" = ["boards:write"])),
    request_body = CreateBoardRequest,
    responses(
        (status = 201, description = "Created", body = BoardView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a member who is not a user of the account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_board(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: ValidJson<CreateBoardRequest>,
) -> ApiResult<HttpResponse> {
    let (caller, req) = (admin.0, body.0);
    let board = state.db.transaction(move |conn| queries::create(conn, &caller, req)).await?;
    Ok(HttpResponse::Created().json(board))
}

/// Get a board.
///
/// With its stages in order and who it is shared with.
#[utoipa::path(
    tag = "boards", operation_id = "get_board", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 200, description = "The board", body = BoardView),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_board(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BoardView>> {
    let id = id.into_inner();
    Ok(web::Json(state.db.run(move |conn| queries::board_view(conn, &caller, id)).await?))
}

/// Change a board.
///
/// Admins only: name, colour, and who it is shared with (`member_ids` replaces the list).
#[utoipa::path(
    tag = "boards", operation_id = "update_board", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = UpdateBoardRequest,
    responses(
        (status = 200, description = "Changed", body = BoardView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a member who is not a user of the account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_board(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateBoardRequest>,
) -> ApiResult<web::Json<BoardView>> {
    let (caller, id, req) = (admin.0, id.into_inner(), body.0);
    let board = state.db.transaction(move |conn| queries::update(conn, &caller, id, req)).await?;
    Ok(web::Json(board))
}

/// Delete a board.
///
/// Admins only; its stages, cards and their files go with it.
#[utoipa::path(
    tag = "boards", operation_id = "delete_board", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_board(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (account_id, id) = (admin.0.account_id, id.into_inner());
    let files = state.db.transaction(move |conn| queries::delete(conn, account_id, id)).await?;
    state.storage.release(&state.db, files).await;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a stage.
///
/// Admins only; it goes last.
#[utoipa::path(
    tag = "boards", operation_id = "create_stage", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateStageRequest,
    responses(
        (status = 201, description = "Added", body = StageView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/stages")]
pub async fn create_stage(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateStageRequest>,
) -> ApiResult<HttpResponse> {
    let (caller, board_id, req) = (admin.0, id.into_inner(), body.0);
    let stage = state.db.transaction(move |conn| queries::create_stage(conn, caller.account_id, board_id, req)).await?;
    Ok(HttpResponse::Created().json(stage))
}

/// Change a stage.
///
/// Admins only: name, colour, stale days and WIP limit (`null` clears the last two).
#[utoipa::path(
    tag = "boards", operation_id = "update_stage", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("stage_id" = Uuid, Path, description = "Stage id")),
    request_body = UpdateStageRequest,
    responses(
        (status = 200, description = "Changed", body = StageView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or stage in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}/stages/{stage_id}")]
pub async fn update_stage(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<UpdateStageRequest>,
) -> ApiResult<web::Json<StageView>> {
    let (caller, (board_id, stage_id), req) = (admin.0, path.into_inner(), body.0);
    let stage = state
        .db
        .transaction(move |conn| queries::update_stage(conn, caller.account_id, board_id, stage_id, req))
        .await?;
    Ok(web::Json(stage))
}

/// Move a stage.
///
/// Admins only: right after `after_id` (a stage of the same board), or first. Only this
/// stage's position changes.
#[utoipa::path(
    tag = "boards", operation_id = "move_stage", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("stage_id" = Uuid, Path, description = "Stage id")),
    request_body = MoveStageRequest,
    responses(
        (status = 200, description = "The board, in its new order", body = BoardView),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or stage in this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`after_id` is not another stage of this board", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/stages/{stage_id}/move")]
pub async fn move_stage(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<MoveStageRequest>,
) -> ApiResult<web::Json<BoardView>> {
    let (caller, (board_id, stage_id), after_id) = (admin.0, path.into_inner(), body.0.after_id);
    let board =
        state.db.transaction(move |conn| queries::move_stage(conn, &caller, board_id, stage_id, after_id)).await?;
    Ok(web::Json(board))
}

/// Delete a stage.
///
/// Admins only. A stage holding cards is deleted only with `move_to`: another stage of the
/// board that takes its cards (after its own, in their order), in the same transaction.
#[utoipa::path(
    tag = "boards", operation_id = "delete_stage", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id"), ("stage_id" = Uuid, Path, description = "Stage id"), DeleteStageParams),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such board or stage in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The stage holds cards and no `move_to` was given", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`move_to` is not another stage of this board", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/stages/{stage_id}")]
pub async fn delete_stage(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<(Uuid, Uuid)>,
    params: web::Query<DeleteStageParams>,
) -> ApiResult<HttpResponse> {
    let (account_id, (board_id, stage_id), move_to) = (admin.0.account_id, path.into_inner(), params.move_to);
    state.db.transaction(move |conn| queries::delete_stage(conn, account_id, board_id, stage_id, move_to)).await?;
    Ok(HttpResponse::NoContent().finish())
}
