//! Where cards go in a stage: position keys (`domain::positions`) computed from the
//! neighbours read under a lock on the stage row, so moves into one stage take turns and each
//! sees the keys of the ones before it. Only the moved card's key is written, unless that key
//! would grow too long (`domain::positions::needs_renumber`): then the stage's cards are
//! renumbered first, in the same transaction, so no move or append ever fails.
//!
//! Lock order, to stay free of deadlocks: board, then stages, then cards.

use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use domain::positions::{key_between, needs_renumber, spread_keys};
use uuid::Uuid;

use crate::platform::db::schema::{board_stages, cards};
use crate::platform::error::{ApiError, ApiResult};

fn key_error(_: domain::positions::PositionError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("position keys out of order"))
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
fn rewrite_keys(conn: &mut PgConnection, list: Ordered, parent: Uuid, ids: &[Uuid]) -> ApiResult<Vec<String>> {
    let (table, parent_column) = list.table();
    let keys = spread_keys(None, ids.len());
    // Out of the way first: the keys are unique per parent, checked row by row, and a new key
    // may equal an old one of an item not yet updated. `!` sorts before every key digit.
    diesel::sql_query(format!("UPDATE {table} SET position = '!' || id::text WHERE {parent_column} = $1"))
        .bind::<SqlUuid, _>(parent)
        .execute(conn)?;
    diesel::sql_query(format!(
        "UPDATE {table} SET position = u.key FROM unnest($1::uuid[], $2::text[]) AS u(id, key) WHERE {table}.id = u.id"
    ))
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Array<Text>, _>(&keys)
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
pub fn last_in_stage(conn: &mut PgConnection, stage_id: Uuid) -> ApiResult<String> {
    let key = key_after_last(conn, stage_id)?;
    if !needs_renumber(&key) {
        return Ok(key);
    }
    renumber_stage(conn, stage_id)?;
    key_after_last(conn, stage_id)
}

fn key_after_last(conn: &mut PgConnection, stage_id: Uuid) -> ApiResult<String> {
    let last: Option<String> =
        cards::table.filter(cards::stage_id.eq(stage_id)).select(diesel::dsl::max(cards::position)).first(conn)?;
    key_between(last.as_deref(), None).map_err(key_error)
}

/// A key right after card `after` (first when `None`) in a locked stage, ignoring card
/// `moving` (which may already be there). 422 naming `after_id` when `after` is not another
/// card of the stage.
pub fn after_card(conn: &mut PgConnection, stage_id: Uuid, moving: Uuid, after: Option<Uuid>) -> ApiResult<String> {
    let key = key_after_card(conn, stage_id, moving, after)?;
    if !needs_renumber(&key) {
        return Ok(key);
    }
    renumber_stage(conn, stage_id)?;
    key_after_card(conn, stage_id, moving, after)
}

fn key_after_card(conn: &mut PgConnection, stage_id: Uuid, moving: Uuid, after: Option<Uuid>) -> ApiResult<String> {
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
    let next: Option<String> = next.order(cards::position).select(cards::position).first(conn).optional()?;
    key_between(before.as_deref(), next.as_deref()).map_err(key_error)
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
    let last: Option<String> =
        cards::table.filter(cards::stage_id.eq(to)).select(diesel::dsl::max(cards::position)).first(conn)?;
    let keys = spread_keys(last.as_deref(), ids.len());
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
pub fn renumber_stages(conn: &mut PgConnection, board_id: Uuid, ids: &[Uuid]) -> ApiResult<Vec<String>> {
    rewrite_keys(conn, Ordered::Stages, board_id, ids)
}
