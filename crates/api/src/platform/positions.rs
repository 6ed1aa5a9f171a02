//! Where cards go in a stage: position keys (`domain::positions`) computed from the
//! neighbours read under a lock on the stage row, so moves into one stage take turns and each
//! sees the keys of the ones before it. Only the moved card's key is written, unless that key
//! would grow too long (`domain::positions::needs_renumber`): then the stage's cards are
//! renumbered first, in the same transaction, so no move or append ever fails.
//!
//! Lock order, to stay free of deadlocks: board, then stages, then cards.

use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use domain::positions::Position;
use uuid::Uuid;

use crate::platform::db::schema::{board_stages, cards};
use crate::platform::error::{ApiError, ApiResult};

fn key_error(err: domain::positions::PositionError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("position keys: {err:?}"))
}

/// A key read from the database, checked.
fn stored(key: Option<String>) -> ApiResult<Option<Position>> {
    key.map(|key| Position::parse(&key).map_err(key_error)).transpose()
}

/// Gives every card of a locked stage a short key, spread evenly, in their present order.
/// Neither `version` nor `updated_at` changes: the cards' content did not (a renumbered card
/// does not become "fresh" for the stale-days rule, nor stale for an `If-Match`).
fn renumber_stage(conn: &mut PgConnection, stage_id: Uuid) -> ApiResult<()> {
    let ids: Vec<Uuid> = cards::table
        .filter(cards::stage_id.eq(stage_id))
        .order((cards::position, cards::id))
        .select(cards::id)
        .load(conn)?;
    rewrite_keys(conn, Ordered::Cards, stage_id, &ids)?;
    Ok(())
}

/// A list whose items carry position keys, unique within one parent.
#[derive(Clone, Copy)]
enum Ordered {
    /// Cards, unique per stage.
    Cards,
    /// Stages, unique per board.
    Stages,
}

impl Ordered {
    /// The table and its parent column (fixed names, never input).
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Ordered::Cards => ("cards", "stage_id"),
            Ordered::Stages => ("board_stages", "board_id"),
        }
    }
}

/// Gives `ids` (every item of `parent`'s list, in the order wanted) short keys spread evenly;
/// returns the keys.
fn rewrite_keys(conn: &mut PgConnection, list: Ordered, parent: Uuid, ids: &[Uuid]) -> ApiResult<Vec<Position>> {
    let (table, parent_column) = list.table();
    let keys = Position::spread(None, ids.len());
    let texts: Vec<&str> = keys.iter().map(Position::as_str).collect();
    // Out of the way first: the keys are unique per parent, checked row by row, and a new key
    // may equal an old one of an item not yet updated. `!` sorts before every key digit.
    diesel::sql_query(format!("UPDATE {table} SET position = '!' || id::text WHERE {parent_column} = $1"))
        .bind::<SqlUuid, _>(parent)
        .execute(conn)?;
    diesel::sql_query(format!(
        "UPDATE {table} SET position = u.key FROM unnest($1::uuid[], $2::text[]) AS u(id, key) WHERE {table}.id = u.id"
    ))
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Array<Text>, _>(&texts)
    .execute(conn)?;
    Ok(keys)
}

/// Locks stage `stage_id` of board `board_id` for the rest of the transaction (404 if the
/// board has no such stage).
pub fn lock_stage(conn: &mut PgConnection, board_id: Uuid, stage_id: Uuid) -> ApiResult<()> {
    board_stages::table
        .filter(board_stages::board_id.eq(board_id))
        .filter(board_stages::id.eq(stage_id))
        .select(board_stages::id)
        .for_update()
        .first::<Uuid>(conn)?;
    Ok(())
}

/// A key after the last card of a locked stage.
pub fn last_in_stage(conn: &mut PgConnection, stage_id: Uuid) -> ApiResult<Position> {
    let key = key_after_last(conn, stage_id)?;
    if !key.needs_renumber() {
        return Ok(key);
    }
    renumber_stage(conn, stage_id)?;
    key_after_last(conn, stage_id)
}

fn key_after_last(conn: &mut PgConnection, stage_id: Uuid) -> ApiResult<Position> {
    let last = stored(
        cards::table.filter(cards::stage_id.eq(stage_id)).select(diesel::dsl::max(cards::position)).first(conn)?,
    )?;
    Position::between(last.as_ref(), None).map_err(key_error)
}

/// A key right after card `after` (first when `None`) in a locked stage, ignoring card
/// `moving` (which may already be there). 422 naming `after_id` when `after` is not another
/// card of the stage.
pub fn after_card(conn: &mut PgConnection, stage_id: Uuid, moving: Uuid, after: Option<Uuid>) -> ApiResult<Position> {
    let key = key_after_card(conn, stage_id, moving, after)?;
    if !key.needs_renumber() {
        return Ok(key);
    }
    renumber_stage(conn, stage_id)?;
    key_after_card(conn, stage_id, moving, after)
}

fn key_after_card(conn: &mut PgConnection, stage_id: Uuid, moving: Uuid, after: Option<Uuid>) -> ApiResult<Position> {
    let before: Option<String> = match after {
        Some(after) if after != moving => Some(
            cards::table
                .filter(cards::stage_id.eq(stage_id))
                .filter(cards::id.eq(after))
                .select(cards::position)
                .first(conn)
                .optional()?
                .ok_or_else(|| ApiError::field("after_id", "unknown", "is not another card of the target stage"))?,
        ),
        Some(_) => return Err(ApiError::field("after_id", "unknown", "is not another card of the target stage")),
        None => None,
    };
    let mut next = cards::table.filter(cards::stage_id.eq(stage_id)).filter(cards::id.ne(moving)).into_boxed();
    if let Some(before) = &before {
        next = next.filter(cards::position.gt(before.clone()));
    }
    let next = stored(next.order(cards::position).select(cards::position).first(conn).optional()?)?;
    Position::between(stored(before)?.as_ref(), next.as_ref()).map_err(key_error)
}

/// Moves every card of stage `from` to the end of stage `to`, in their order (the caller holds
/// the board's lock). Without `to`, a stage holding cards is a 409.
pub fn move_all_cards(conn: &mut PgConnection, board_id: Uuid, from: Uuid, to: Option<Uuid>) -> ApiResult<usize> {
    lock_stage(conn, board_id, from)?;
    let ids: Vec<Uuid> =
        cards::table.filter(cards::stage_id.eq(from)).order(cards::position).select(cards::id).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let Some(to) = to else {
        return Err(ApiError::conflict_on(
            "move_to",
            &format!("The stage holds {} cards; choose a stage to move them to.", ids.len()),
        ));
    };
    lock_stage(conn, board_id, to)?;
    let last =
        stored(cards::table.filter(cards::stage_id.eq(to)).select(diesel::dsl::max(cards::position)).first(conn)?)?;
    let keys: Vec<String> = Position::spread(last.as_ref(), ids.len()).into_iter().map(Position::into_string).collect();
    Ok(diesel::sql_query(
        "UPDATE cards SET stage_id = $1, position = u.key, version = version + 1, updated_at = now() \
         FROM unnest($2::uuid[], $3::text[]) AS u(id, key) WHERE cards.id = u.id",
    )
    .bind::<SqlUuid, _>(to)
    .bind::<Array<SqlUuid>, _>(&ids)
    .bind::<Array<Text>, _>(&keys)
    .execute(conn)?)
}

/// Gives the board's stages `ids` (all of them, in the order wanted) short keys spread evenly;
/// returns the keys. The board is locked by the caller.
fn renumber_stages(conn: &mut PgConnection, board_id: Uuid, ids: &[Uuid]) -> ApiResult<Vec<Position>> {
    rewrite_keys(conn, Ordered::Stages, board_id, ids)
}

/// The board's stages other than `except`, in order, with their keys.
fn stages_in_order(conn: &mut PgConnection, board_id: Uuid, except: Option<Uuid>) -> ApiResult<Vec<(Uuid, Position)>> {
    let mut query = board_stages::table.filter(board_stages::board_id.eq(board_id)).into_boxed();
    if let Some(except) = except {
        query = query.filter(board_stages::id.ne(except));
    }
    let rows: Vec<(Uuid, String)> =
        query.order(board_stages::position).select((board_stages::id, board_stages::position)).load(conn)?;
    rows.into_iter().map(|(id, key)| Ok((id, Position::parse(&key).map_err(key_error)?))).collect()
}

/// A key after the last stage of a locked board (renumbering its stages first when that key
/// would be too long).
pub fn last_stage(conn: &mut PgConnection, board_id: Uuid) -> ApiResult<Position> {
    let stages = stages_in_order(conn, board_id, None)?;
    let key = Position::between(stages.last().map(|(_, key)| key), None).map_err(key_error)?;
    if !key.needs_renumber() {
        return Ok(key);
    }
    let ids: Vec<Uuid> = stages.iter().map(|(id, _)| *id).collect();
    let keys = renumber_stages(conn, board_id, &ids)?;
    Position::between(keys.last(), None).map_err(key_error)
}

/// Moves stage `stage_id` of a locked board right after stage `after` (first when `None`).
/// 422 naming `after_id` when `after` is not another stage of the board.
pub fn move_stage(conn: &mut PgConnection, board_id: Uuid, stage_id: Uuid, after: Option<Uuid>) -> ApiResult<()> {
    let others = stages_in_order(conn, board_id, Some(stage_id))?;
    let at = match after {
        None => 0,
        Some(after) => {
            others
                .iter()
                .position(|(id, _)| *id == after)
                .ok_or_else(|| ApiError::field("after_id", "unknown", "is not another stage of this board"))?
                + 1
        }
    };
    let before = at.checked_sub(1).map(|i| &others[i].1);
    let key = Position::between(before, others.get(at).map(|(_, key)| key)).map_err(key_error)?;
    if key.needs_renumber() {
        let mut order: Vec<Uuid> = others.iter().map(|(id, _)| *id).collect();
        order.insert(at, stage_id);
        renumber_stages(conn, board_id, &order)?;
    } else {
        diesel::update(board_stages::table.find(stage_id))
            .set(board_stages::position.eq(key.into_string()))
            .execute(conn)?;
    }
    Ok(())
}
