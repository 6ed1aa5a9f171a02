//! Kanban boards and their ordered stages. Admins create and change them; agents see the
//! boards shared with them (another account's, or an unshared one, is a 404).
//!
//! Stage order is a `domain::positions` key per stage: moving a stage writes its key only,
//! computed from the neighbours read under a lock on the board row.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use domain::positions::{key_between, keys_between, needs_renumber};
use domain::{
    template_stages, BoardList, BoardView, CreateBoardRequest, CreateStageRequest, DeleteStageParams, LabelView,
    MoveStageRequest, Problem, StageView, UpdateBoardRequest, UpdateStageRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::platform::db::schema::{
    board_base_attachments, board_labels, board_members, board_stages, boards, card_attachments, cards,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

pub mod base_card;
pub mod fields;
pub mod labels;

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

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = boards)]
struct BoardRow {
    id: Uuid,
    name: String,
    colour: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = board_stages)]
struct StageRow {
    id: Uuid,
    board_id: Uuid,
    name: String,
    colour: String,
    stale_days: Option<i32>,
    wip_limit: Option<i32>,
}

impl StageRow {
    fn view(self) -> StageView {
        StageView {
            id: self.id,
            name: self.name,
            colour: self.colour,
            stale_days: self.stale_days,
            wip_limit: self.wip_limit,
        }
    }
}

/// The account's boards the caller may see.
pub fn visible(caller: &AuthUser) -> boards::BoxedQuery<'static, diesel::pg::Pg> {
    let q = boards::table.filter(boards::account_id.eq(caller.account_id)).into_boxed();
    if caller.is_admin() {
        return q;
    }
    q.filter(exists(
        board_members::table
            .filter(board_members::board_id.eq(boards::id))
            .filter(board_members::user_id.eq(caller.user_id)),
    ))
}

/// Ids of the account's cards on boards the caller sees, as a subquery.
pub fn visible_card_ids(
    caller: &AuthUser,
) -> crate::platform::db::schema::cards::BoxedQuery<'static, diesel::pg::Pg, diesel::sql_types::Uuid> {
    use crate::platform::db::schema::cards;
    cards::table
        .filter(cards::account_id.eq(caller.account_id))
        .filter(cards::board_id.eq_any(visible(caller).select(boards::id)))
        .select(cards::id)
        .into_boxed()
}

fn views(conn: &mut PgConnection, rows: Vec<BoardRow>) -> ApiResult<Vec<BoardView>> {
    let ids: Vec<Uuid> = rows.iter().map(|b| b.id).collect();
    let stages: Vec<StageRow> = board_stages::table
        .filter(board_stages::board_id.eq_any(&ids))
        .order((board_stages::board_id, board_stages::position))
        .select(StageRow::as_select())
        .load(conn)?;
    let members: Vec<(Uuid, Uuid)> = board_members::table
        .filter(board_members::board_id.eq_any(&ids))
        .select((board_members::board_id, board_members::user_id))
        .load(conn)?;
    let labels: Vec<(Uuid, Uuid, String, String)> = board_labels::table
        .filter(board_labels::board_id.eq_any(&ids))
        .order((board_labels::created_at, board_labels::id))
        .select((board_labels::board_id, board_labels::id, board_labels::name, board_labels::colour))
        .load(conn)?;
    let fields = fields::definitions(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|b| BoardView {
            fields: fields.iter().filter(|(board, _)| *board == b.id).map(|(_, f)| f.clone()).collect(),
            id: b.id,
            member_ids: members.iter().filter(|(board, _)| *board == b.id).map(|(_, u)| *u).collect(),
            stages: stages.iter().filter(|s| s.board_id == b.id).cloned().map(StageRow::view).collect(),
            labels: labels
                .iter()
                .filter(|l| l.0 == b.id)
                .map(|(_, id, name, colour)| LabelView { id: *id, name: name.clone(), colour: colour.clone() })
                .collect(),
            name: b.name,
            colour: b.colour,
            created_at: b.created_at,
            updated_at: b.updated_at,
        })
        .collect())
}

pub fn board_view(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<BoardView> {
    let row = visible(caller).filter(boards::id.eq(id)).select(BoardRow::as_select()).first(conn)?;
    views(conn, vec![row])?.pop().ok_or(ApiError::NotFound)
}

/// Locks the account's board `id` (admins): stage moves on one board take turns.
pub fn lock_board(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<()> {
    boards::table
        .filter(boards::account_id.eq(account_id))
        .filter(boards::id.eq(id))
        .select(boards::id)
        .for_update()
        .first::<Uuid>(conn)?;
    Ok(())
}

fn set_members(conn: &mut PgConnection, board_id: Uuid, ids: &[Uuid]) -> ApiResult<()> {
    diesel::delete(board_members::table.filter(board_members::board_id.eq(board_id))).execute(conn)?;
    let rows: Vec<_> =
        ids.iter().map(|u| (board_members::board_id.eq(board_id), board_members::user_id.eq(*u))).collect();
    diesel::insert_into(board_members::table).values(rows).execute(conn)?;
    Ok(())
}

/// A colour as stored (`domain::Colour`), the default when none is given.
pub(crate) fn colour(c: Option<&str>) -> String {
    domain::Colour::or_default(c).into_string()
}

/// List boards.
///
/// Admins see every board of the account; agents the ones shared with them. Oldest first,
/// each with its stages in order.
#[utoipa::path(
    tag = "boards", operation_id = "list_boards", security(("bearer" = [])),
    responses(
        (status = 200, description = "Boards", body = BoardList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_boards(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<BoardList>> {
    let items = state
        .db
        .run(move |conn| {
            let rows =
                visible(&caller).order((boards::created_at, boards::id)).select(BoardRow::as_select()).load(conn)?;
            views(conn, rows)
        })
        .await?;
    Ok(web::Json(BoardList { items }))
}

/// Create a board.
///
/// Admins only. A `template` (`sales_pipeline`, `client_portfolio`) gives it ready stages,
/// named in `lang`; `member_ids` are the agents who see it.
#[utoipa::path(
    tag = "boards", operation_id = "create_board", security(("bearer" = [])),
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
    let board = state
        .db
        .transaction(move |conn| {
            let members = crate::users::queries::check_users(conn, caller.account_id, &req.member_ids, "member_ids")?;
            let id = Uuid::new_v4();
            diesel::insert_into(boards::table)
                .values((
                    boards::id.eq(id),
                    boards::account_id.eq(caller.account_id),
                    boards::name.eq(req.name.trim()),
                    boards::colour.eq(colour(req.colour.as_deref())),
                ))
                .execute(conn)?;
            set_members(conn, id, &members)?;
            if let Some(template) = req.template {
                let pt = domain::i18n::Lang::from_tag(req.lang.as_deref().unwrap_or("en")) == domain::i18n::Lang::PtBr;
                let stages = template_stages(template);
                let keys =
                    keys_between(None, None, stages.len()).map_err(|_| ApiError::Internal(anyhow::anyhow!("keys")))?;
                let rows: Vec<_> = stages
                    .iter()
                    .zip(keys)
                    .map(|((en, pt_name, colour, stale), key)| {
                        (
                            board_stages::id.eq(Uuid::new_v4()),
                            board_stages::account_id.eq(caller.account_id),
                            board_stages::board_id.eq(id),
                            board_stages::name.eq(if pt { *pt_name } else { *en }),
                            board_stages::colour.eq(*colour),
                            board_stages::stale_days.eq(*stale),
                            board_stages::position.eq(key),
                        )
                    })
                    .collect();
                diesel::insert_into(board_stages::table).values(rows).execute(conn)?;
            }
            board_view(conn, &caller, id)
        })
        .await?;
    Ok(HttpResponse::Created().json(board))
}

/// Get a board.
///
/// With its stages in order and who it is shared with.
#[utoipa::path(
    tag = "boards", operation_id = "get_board", security(("bearer" = [])),
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
    Ok(web::Json(state.db.run(move |conn| board_view(conn, &caller, id)).await?))
}

/// Change a board.
///
/// Admins only: name, colour, and who it is shared with (`member_ids` replaces the list).
#[utoipa::path(
    tag = "boards", operation_id = "update_board", security(("bearer" = [])),
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
    let board = state
        .db
        .transaction(move |conn| {
            lock_board(conn, caller.account_id, id)?;
            let target = boards::table.find(id);
            if let Some(name) = &req.name {
                diesel::update(target).set(boards::name.eq(name.trim())).execute(conn)?;
            }
            if let Some(c) = &req.colour {
                diesel::update(target).set(boards::colour.eq(colour(Some(c)))).execute(conn)?;
            }
            if let Some(ids) = &req.member_ids {
                let members = crate::users::queries::check_users(conn, caller.account_id, ids, "member_ids")?;
                set_members(conn, id, &members)?;
            }
            diesel::update(target).set(boards::updated_at.eq(Utc::now())).execute(conn)?;
            board_view(conn, &caller, id)
        })
        .await?;
    Ok(web::Json(board))
}

/// Delete a board.
///
/// Admins only; its stages, cards and their files go with it.
#[utoipa::path(
    tag = "boards", operation_id = "delete_board", security(("bearer" = [])),
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
    let files = state
        .db
        .transaction(move |conn| {
            lock_board(conn, account_id, id)?;
            // The files' rows go with the board (cascade); their objects once that is committed.
            let on_cards: Vec<String> = card_attachments::table
                .filter(card_attachments::card_id.eq_any(cards::table.filter(cards::board_id.eq(id)).select(cards::id)))
                .select(card_attachments::storage_key)
                .load(conn)?;
            let on_base: Vec<String> = board_base_attachments::table
                .filter(board_base_attachments::board_id.eq(id))
                .select(board_base_attachments::storage_key)
                .load(conn)?;
            diesel::delete(boards::table.find(id)).execute(conn)?;
            Ok([on_cards, on_base].concat())
        })
        .await?;
    state.storage.release(&state.db, files).await;
    Ok(HttpResponse::NoContent().finish())
}

fn stage_of(conn: &mut PgConnection, board_id: Uuid, stage_id: Uuid) -> ApiResult<StageRow> {
    Ok(board_stages::table
        .filter(board_stages::board_id.eq(board_id))
        .filter(board_stages::id.eq(stage_id))
        .select(StageRow::as_select())
        .first(conn)?)
}

/// Add a stage.
///
/// Admins only; it goes last.
#[utoipa::path(
    tag = "boards", operation_id = "create_stage", security(("bearer" = [])),
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
    let stage = state
        .db
        .transaction(move |conn| {
            lock_board(conn, caller.account_id, board_id)?;
            let last: Option<String> = board_stages::table
                .filter(board_stages::board_id.eq(board_id))
                .select(diesel::dsl::max(board_stages::position))
                .first(conn)?;
            let mut key =
                key_between(last.as_deref(), None).map_err(|_| ApiError::Internal(anyhow::anyhow!("stage key")))?;
            if needs_renumber(&key) {
                let ids: Vec<Uuid> = board_stages::table
                    .filter(board_stages::board_id.eq(board_id))
                    .order(board_stages::position)
                    .select(board_stages::id)
                    .load(conn)?;
                let keys = crate::platform::positions::renumber_stages(conn, board_id, &ids)?;
                key = key_between(keys.last().map(String::as_str), None)
                    .map_err(|_| ApiError::Internal(anyhow::anyhow!("stage key")))?;
            }
            let id = Uuid::new_v4();
            diesel::insert_into(board_stages::table)
                .values((
                    board_stages::id.eq(id),
                    board_stages::account_id.eq(caller.account_id),
                    board_stages::board_id.eq(board_id),
                    board_stages::name.eq(req.name.trim()),
                    board_stages::colour.eq(colour(req.colour.as_deref())),
                    board_stages::stale_days.eq(req.stale_days),
                    board_stages::wip_limit.eq(req.wip_limit),
                    board_stages::position.eq(key),
                ))
                .execute(conn)?;
            Ok(stage_of(conn, board_id, id)?.view())
        })
        .await?;
    Ok(HttpResponse::Created().json(stage))
}

/// Change a stage.
///
/// Admins only: name, colour, stale days and WIP limit (`null` clears the last two).
#[utoipa::path(
    tag = "boards", operation_id = "update_stage", security(("bearer" = [])),
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
        .transaction(move |conn| {
            lock_board(conn, caller.account_id, board_id)?;
            let current = stage_of(conn, board_id, stage_id)?;
            diesel::update(board_stages::table.find(stage_id))
                .set((
                    board_stages::name.eq(req.name.as_deref().map(str::trim).unwrap_or(&current.name)),
                    board_stages::colour.eq(req.colour.as_deref().map(|c| colour(Some(c))).unwrap_or(current.colour)),
                    board_stages::stale_days.eq(req.stale_days.unwrap_or(current.stale_days)),
                    board_stages::wip_limit.eq(req.wip_limit.unwrap_or(current.wip_limit)),
                ))
                .execute(conn)?;
            Ok(stage_of(conn, board_id, stage_id)?.view())
        })
        .await?;
    Ok(web::Json(stage))
}

/// Move a stage.
///
/// Admins only: right after `after_id` (a stage of the same board), or first. Only this
/// stage's position changes.
#[utoipa::path(
    tag = "boards", operation_id = "move_stage", security(("bearer" = [])),
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
    let board = state
        .db
        .transaction(move |conn| {
            lock_board(conn, caller.account_id, board_id)?;
            stage_of(conn, board_id, stage_id)?;
            let others: Vec<(Uuid, String)> = board_stages::table
                .filter(board_stages::board_id.eq(board_id))
                .filter(board_stages::id.ne(stage_id))
                .order(board_stages::position)
                .select((board_stages::id, board_stages::position))
                .load(conn)?;
            let at =
                match after_id {
                    None => 0,
                    Some(after) => {
                        others.iter().position(|(id, _)| *id == after).ok_or_else(|| {
                            ApiError::field("after_id", "unknown", "is not another stage of this board")
                        })? + 1
                    }
                };
            let before = at.checked_sub(1).map(|i| others[i].1.as_str());
            let next = others.get(at).map(|(_, p)| p.as_str());
            let key = key_between(before, next).map_err(|_| ApiError::Internal(anyhow::anyhow!("stage key")))?;
            if needs_renumber(&key) {
                let mut order: Vec<Uuid> = others.iter().map(|(id, _)| *id).collect();
                order.insert(at, stage_id);
                crate::platform::positions::renumber_stages(conn, board_id, &order)?;
            } else {
                diesel::update(board_stages::table.find(stage_id)).set(board_stages::position.eq(key)).execute(conn)?;
            }
            board_view(conn, &caller, board_id)
        })
        .await?;
    Ok(web::Json(board))
}

/// Delete a stage.
///
/// Admins only. A stage holding cards is deleted only with `move_to`: another stage of the
/// board that takes its cards (after its own, in their order), in the same transaction.
#[utoipa::path(
    tag = "boards", operation_id = "delete_stage", security(("bearer" = [])),
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
    state
        .db
        .transaction(move |conn| {
            lock_board(conn, account_id, board_id)?;
            stage_of(conn, board_id, stage_id)?;
            let target = match move_to {
                Some(to) if to != stage_id => Some(
                    stage_of(conn, board_id, to)
                        .map_err(|_| ApiError::field("move_to", "unknown", "is not another stage of this board"))?
                        .id,
                ),
                Some(_) => return Err(ApiError::field("move_to", "unknown", "is not another stage of this board")),
                None => None,
            };
            crate::platform::positions::move_all_cards(conn, board_id, stage_id, target)?;
            diesel::delete(board_stages::table.find(stage_id)).execute(conn)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
