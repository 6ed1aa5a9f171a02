//! What happens to a card besides edits (moves, archive, lost, conversion), on a connection:
//! each locks the card, checks the step may happen (409 saying why not), saves the card as
//! its next version, writes its history and announces it.

use chrono::Utc;
use diesel::prelude::*;
use domain::{CardView, ContactStatus, ConvertTarget, MoveCardRequest};
use serde_json::json;
use uuid::Uuid;

use super::{card_for, record, view, CardRow, Change};
use crate::contacts::queries::{Actor, ContactRow};
use crate::platform::db::schema::{cards, contacts};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::EventData;
use crate::platform::http::extract::AuthUser;
use crate::platform::positions;

/// A step in a card's life.
pub enum Step {
    Archive,
    Unarchive,
    /// With the reason, if any.
    Lose(Option<String>),
    Reopen,
    Convert(ConvertTarget),
}

/// Saves `card` as its next version and records the change.
fn save(
    conn: &mut PgConnection,
    caller: &AuthUser,
    mut card: CardRow,
    kind: fn(domain::events::CardChanged) -> EventData,
    change: Change,
) -> ApiResult<CardView> {
    card.version += 1;
    card.updated_at = Utc::now();
    diesel::update(cards::table.find(card.id)).set(&card).execute(conn)?;
    record(conn, caller, &card, kind, &[change])?;
    view(conn, card)
}

fn refuse(why: &str) -> ApiError {
    ApiError::Conflict(why.to_string(), Vec::new())
}

/// Moves card `id` into `req.stage_id` (of its board) right after `req.after_id`, or first.
pub fn move_card(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, req: MoveCardRequest) -> ApiResult<CardView> {
    let board_id = card_for(conn, caller, id, false)?.board_id;
    // Stage first, then the card: the order every lock here is taken in.
    positions::lock_stage(conn, board_id, req.stage_id)
        .map_err(|_| ApiError::field("stage_id", "unknown", "is not a stage of the card's board"))?;
    let mut card = card_for(conn, caller, id, true)?;
    let from = card.stage_id;
    card.position = positions::after_card(conn, req.stage_id, id, req.after_id)?.into_string();
    card.stage_id = req.stage_id;
    let change = Change::with("moved", Some(json!({"stage_id": from})), Some(json!({"stage_id": req.stage_id})));
    save(conn, caller, card, EventData::CardMoved, change)
}

/// Takes `step` on card `id`, locked, unless it cannot happen now (409 saying why).
pub fn take(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, step: Step) -> ApiResult<CardView> {
    let mut card = card_for(conn, caller, id, true)?;
    match step {
        Step::Archive => {
            if card.archived_at.is_some() {
                return Err(refuse("The card is already archived."));
            }
            card.archived_at = Some(Utc::now());
            save(conn, caller, card, EventData::CardUpdated, Change::action("archived"))
        }
        Step::Unarchive => {
            if card.archived_at.is_none() {
                return Err(refuse("The card is not archived."));
            }
            card.archived_at = None;
            save(conn, caller, card, EventData::CardUpdated, Change::action("unarchived"))
        }
        Step::Lose(reason) => {
            if card.lost_at.is_some() {
                return Err(refuse("The card is already marked lost."));
            }
            card.lost_at = Some(Utc::now());
            card.lost_reason = reason.clone();
            let change = Change::with("lost", None, Some(json!({"reason": reason})));
            save(conn, caller, card, EventData::CardUpdated, change)
        }
        Step::Reopen => {
            if card.lost_at.is_none() {
                return Err(refuse("The card is not marked lost."));
            }
            let reason = card.lost_reason.take();
            card.lost_at = None;
            let change = Change::with("reopened", Some(json!({"reason": reason})), None);
            save(conn, caller, card, EventData::CardUpdated, change)
        }
        Step::Convert(to) => convert(conn, caller, card, to),
    }
}

/// The card's contact becomes won (in its change log too) and the card records the conversion.
fn convert(conn: &mut PgConnection, caller: &AuthUser, mut card: CardRow, to: ConvertTarget) -> ApiResult<CardView> {
    let Some(contact_id) = card.contact_id else {
        return Err(refuse("The card has no linked contact to convert."));
    };
    let slot = match to {
        ConvertTarget::Client => &mut card.converted_to_client_at,
        ConvertTarget::Service => &mut card.converted_to_service_at,
    };
    if slot.is_some() {
        return Err(refuse("The card is already converted that way."));
    }
    *slot = Some(Utc::now());
    // The card grants the work on its contact, whoever the contact's seller is.
    let old: ContactRow = contacts::table
        .filter(contacts::account_id.eq(caller.account_id))
        .filter(contacts::id.eq(contact_id))
        .select(ContactRow::as_select())
        .for_update()
        .first(conn)?;
    let mut new = old.clone();
    new.status = ContactStatus::Won.as_str().to_string();
    let changes = crate::contacts::queries::diff(&old, &new);
    if !changes.is_empty() {
        new.updated_at = Utc::now();
        crate::contacts::queries::save(conn, &new)?;
        let actor = Actor::user(conn, caller)?;
        crate::contacts::queries::log_changes(conn, caller.account_id, contact_id, &actor, &changes)?;
    }
    let target = if to == ConvertTarget::Client { "client" } else { "service" };
    save(conn, caller, card, EventData::CardUpdated, Change::with("converted", None, Some(json!({"to": target}))))
}
