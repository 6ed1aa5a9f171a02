//! Board and stage rows: what a caller sees (`visible`), the board lock every change of a
//! board's stages, labels or fields takes first, and the writes under it.

pub mod base_card;
pub mod fields;
pub mod labels;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use domain::positions::Position;
use domain::{
    template_stages, BoardView, CreateBoardRequest, CreateStageRequest, LabelView, StageView, UpdateBoardRequest,
    UpdateStageRequest,
};
use uuid::Uuid;

use crate::platform::db::schema::{
    board_base_attachments, board_labels, board_members, board_stages, boards, card_attachments, cards,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

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
    fn view(self, card_count: i64) -> StageView {
        StageView {
            card_count,
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
    let counts: HashMap<Uuid, i64> = card_counts(conn, stages.iter().map(|s| s.id).collect())?;
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
            stages: stages
                .iter()
                .filter(|s| s.board_id == b.id)
                .map(|s| s.clone().view(counts.get(&s.id).copied().unwrap_or(0)))
                .collect(),
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

/// Cards per stage, archived and lost ones too; a stage without cards is absent.
fn card_counts(conn: &mut PgConnection, stage_ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, i64)> = cards::table
        .filter(cards::stage_id.eq_any(stage_ids))
        .group_by(cards::stage_id)
        .select((cards::stage_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
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

/// Shares exactly `board_ids` (boards of the account) with user `user_id`, unsharing the
/// account's other boards: the user's side of each board's `member_ids`.
pub fn set_boards_of_user(
    conn: &mut PgConnection,
    account_id: Uuid,
    user_id: Uuid,
    board_ids: &[Uuid],
) -> ApiResult<()> {
    let mut ids = board_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let found: i64 = boards::table
        .filter(boards::account_id.eq(account_id))
        .filter(boards::id.eq_any(&ids))
        .count()
        .get_result(conn)?;
    if found != ids.len() as i64 {
        return Err(ApiError::field("board_ids", "unknown", "must all be boards of this account"));
    }
    let account_boards = boards::table.filter(boards::account_id.eq(account_id)).select(boards::id);
    diesel::delete(
        board_members::table
            .filter(board_members::user_id.eq(user_id))
            .filter(board_members::board_id.eq_any(account_boards)),
    )
    .execute(conn)?;
    let rows: Vec<_> =
        ids.iter().map(|b| (board_members::board_id.eq(*b), board_members::user_id.eq(user_id))).collect();
    diesel::insert_into(board_members::table).values(rows).on_conflict_do_nothing().execute(conn)?;
    Ok(())
}

/// A colour as stored (`domain::Colour`), the default when none is given.
pub(crate) fn colour(c: Option<&str>) -> String {
    domain::Colour::or_default(c).into_string()
}

/// Stage `stage_id` of board `board_id`.
fn stage_of(conn: &mut PgConnection, board_id: Uuid, stage_id: Uuid) -> ApiResult<StageRow> {
    Ok(board_stages::table
        .filter(board_stages::board_id.eq(board_id))
        .filter(board_stages::id.eq(stage_id))
        .select(StageRow::as_select())
        .first(conn)?)
}

/// The boards the caller sees, oldest first.
pub fn list(conn: &mut PgConnection, caller: &AuthUser) -> ApiResult<Vec<BoardView>> {
    let rows = visible(caller).order((boards::created_at, boards::id)).select(BoardRow::as_select()).load(conn)?;
    views(conn, rows)
}

/// Adds a board shared with `member_ids`, with its template's stages (named in `lang`).
pub fn create(conn: &mut PgConnection, caller: &AuthUser, req: CreateBoardRequest) -> ApiResult<BoardView> {
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
        let keys = Position::spread(None, stages.len());
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
                    board_stages::position.eq(key.into_string()),
                )
            })
            .collect();
        diesel::insert_into(board_stages::table).values(rows).execute(conn)?;
    }
    board_view(conn, caller, id)
}

/// Changes board `id`'s name, colour and members, under its lock.
pub fn update(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, req: UpdateBoardRequest) -> ApiResult<BoardView> {
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
    board_view(conn, caller, id)
}

/// Removes board `id` (its stages, cards and file rows cascade); the storage keys of its
/// files, to release once committed.
pub fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<Vec<String>> {
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
}

/// Adds a stage last on board `board_id`.
pub fn create_stage(
    conn: &mut PgConnection,
    account_id: Uuid,
    board_id: Uuid,
    req: CreateStageRequest,
) -> ApiResult<StageView> {
    lock_board(conn, account_id, board_id)?;
    let key = crate::platform::positions::last_stage(conn, board_id)?;
    let id = Uuid::new_v4();
    diesel::insert_into(board_stages::table)
        .values((
            board_stages::id.eq(id),
            board_stages::account_id.eq(account_id),
            board_stages::board_id.eq(board_id),
            board_stages::name.eq(req.name.trim()),
            board_stages::colour.eq(colour(req.colour.as_deref())),
            board_stages::stale_days.eq(req.stale_days),
            board_stages::wip_limit.eq(req.wip_limit),
            board_stages::position.eq(key.into_string()),
        ))
        .execute(conn)?;
    Ok(stage_of(conn, board_id, id)?.view(0))
}

/// Changes a stage's name, colour, stale days and WIP limit.
pub fn update_stage(
    conn: &mut PgConnection,
    account_id: Uuid,
    board_id: Uuid,
    stage_id: Uuid,
    req: UpdateStageRequest,
) -> ApiResult<StageView> {
    lock_board(conn, account_id, board_id)?;
    let current = stage_of(conn, board_id, stage_id)?;
    diesel::update(board_stages::table.find(stage_id))
        .set((
            board_stages::name.eq(req.name.as_deref().map(str::trim).unwrap_or(&current.name)),
            board_stages::colour.eq(req.colour.as_deref().map(|c| colour(Some(c))).unwrap_or(current.colour)),
            board_stages::stale_days.eq(req.stale_days.unwrap_or(current.stale_days)),
            board_stages::wip_limit.eq(req.wip_limit.unwrap_or(current.wip_limit)),
        ))
        .execute(conn)?;
    let count = card_counts(conn, vec![stage_id])?.get(&stage_id).copied().unwrap_or(0);
    Ok(stage_of(conn, board_id, stage_id)?.view(count))
}

/// Moves a stage right after `after_id` (first when `None`); the board as it is then.
pub fn move_stage(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    stage_id: Uuid,
    after_id: Option<Uuid>,
) -> ApiResult<BoardView> {
    lock_board(conn, caller.account_id, board_id)?;
    stage_of(conn, board_id, stage_id)?;
    crate::platform::positions::move_stage(conn, board_id, stage_id, after_id)?;
    board_view(conn, caller, board_id)
}

/// Removes a stage; its cards go to the end of stage `move_to` (a 409 when it has cards and
/// no `move_to`).
pub fn delete_stage(
    conn: &mut PgConnection,
    account_id: Uuid,
    board_id: Uuid,
    stage_id: Uuid,
    move_to: Option<Uuid>,
) -> ApiResult<()> {
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
}
