//! Links between related cards, on a connection.

use diesel::prelude::*;
use domain::RelatedCard;
use serde_json::json;
use uuid::Uuid;

use super::Change;
use crate::platform::db::schema::{board_stages, boards, card_relations, cards};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

pub(crate) fn pair(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// The cards related to `id` that the caller may see, by board and title.
pub(crate) fn related(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<Vec<RelatedCard>> {
    let others: Vec<Uuid> = card_relations::table
        .filter(card_relations::low_id.eq(id).or(card_relations::high_id.eq(id)))
        .select((card_relations::low_id, card_relations::high_id))
        .load::<(Uuid, Uuid)>(conn)?
        .into_iter()
        .map(|(low, high)| if low == id { high } else { low })
        .collect();
    let rows: Vec<(Uuid, Uuid, String, String, String)> = cards::table
        .inner_join(board_stages::table)
        .inner_join(boards::table.on(boards::id.eq(cards::board_id)))
        .filter(cards::id.eq_any(&others))
        .filter(cards::id.eq_any(crate::boards::visible_card_ids(caller)))
        .order((boards::name, cards::title))
        .select((cards::id, cards::board_id, boards::name, board_stages::name, cards::title))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, board_id, board_name, stage_name, title)| RelatedCard {
            id,
            board_id,
            board_name,
            stage_name,
            title,
        })
        .collect())
}

/// The cards related to card `id` that the caller sees.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<Vec<RelatedCard>> {
    super::card_for(conn, caller, id, false)?;
    related(conn, caller, id)
}

/// Relates cards `id` and `other_id` (once), in both boards' history.
pub fn relate(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, other_id: Uuid) -> ApiResult<Vec<RelatedCard>> {
    if id == other_id {
        return Err(ApiError::field("card_id", "self", "must be another card"));
    }
    // Both rows locked in id order, whichever card the request names first.
    let (low, high) = pair(id, other_id);
    let (first, second) = (super::card_for(conn, caller, low, true), super::card_for(conn, caller, high, true));
    let (card, other) = if low == id { (first, second) } else { (second, first) };
    let card = card?;
    let other = other.map_err(|_| ApiError::field("card_id", "unknown", "is not a card you can see"))?;
    let added = diesel::insert_into(card_relations::table)
        .values((
            card_relations::account_id.eq(caller.account_id),
            card_relations::low_id.eq(low),
            card_relations::high_id.eq(high),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if added > 0 {
        super::record(
            conn,
            caller,
            &card,
            crate::platform::events::EventData::CardUpdated,
            &[Change::with("related", None, Some(json!(other.title)))],
        )?;
        super::record(
            conn,
            caller,
            &other,
            crate::platform::events::EventData::CardUpdated,
            &[Change::with("related", None, Some(json!(card.title)))],
        )?;
    }
    related(conn, caller, id)
}

/// Unrelates cards `id` and `other_id`; 404 when they were not related.
pub fn unrelate(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, other_id: Uuid) -> ApiResult<()> {
    let (low, high) = pair(id, other_id);
    let first = super::card_for(conn, caller, low, true)?;
    let second = super::card_for(conn, caller, high, true)?;
    let removed = diesel::delete(
        card_relations::table.filter(card_relations::low_id.eq(low)).filter(card_relations::high_id.eq(high)),
    )
    .execute(conn)?;
    if removed == 0 {
        return Err(ApiError::NotFound);
    }
    super::record(
        conn,
        caller,
        &first,
        crate::platform::events::EventData::CardUpdated,
        &[Change::with("unrelated", Some(json!(second.title)), None)],
    )?;
    super::record(
        conn,
        caller,
        &second,
        crate::platform::events::EventData::CardUpdated,
        &[Change::with("unrelated", Some(json!(first.title)), None)],
    )?;
    Ok(())
}
