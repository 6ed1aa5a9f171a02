//! Where cards go in a stage: position keys (`domain::positions`) computed from the
//! neighbours read under a lock on the stage row, so moves into one stage take turns and each
//! sees the keys of the ones before it. Only the moved card's key is written.
//!
//! Lock order, to stay free of deadlocks: board, then stages, then cards.

use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use domain::positions::{key_between, spread_keys};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::schema::{board_stages, cards};

fn key_error(_: domain::positions::PositionError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("position keys out of order"))
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
    let last: Option<String> =
        cards::table.filter(cards::stage_id.eq(stage_id)).select(diesel::dsl::max(cards::position)).first(conn)?;
    key_between(last.as_deref(), None).map_err(key_error)
}

/// A key right after card `after` (first when `None`) in a locked stage, ignoring card
/// `moving` (which may already be there). 422 naming `after_id` when `after` is not another
/// card of the stage.
pub fn after_card(conn: &mut PgConnection, stage_id: Uuid, moving: Uuid, after: Option<Uuid>) -> ApiResult<String> {
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
