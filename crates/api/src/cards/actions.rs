//! What happens to a card besides edits: moves, archive, lost, conversion. Each is one
//! transaction that locks the card, writes its history and announces it.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use domain::{CardView, ContactStatus, ConvertCardRequest, ConvertTarget, LoseCardRequest, MoveCardRequest, Problem};
use serde_json::json;
use uuid::Uuid;

use super::card_response;
use super::queries::{self, CardRow, Change};
use crate::contacts::queries::{Actor, ContactRow};
use crate::platform::db::schema::{cards, contacts};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, OptionalJson, ValidJson};
use crate::AppState;

/// Saves `card` as its next version and records the change.
fn save(
    conn: &mut PgConnection,
    caller: &AuthUser,
    mut card: CardRow,
    kind: fn(domain::events::CardChanged) -> crate::platform::events::EventData,
    change: Change,
) -> ApiResult<CardView> {
    card.version += 1;
    card.updated_at = Utc::now();
    diesel::update(cards::table.find(card.id)).set(&card).execute(conn)?;
    queries::record(conn, caller, &card, kind, &[change])?;
    queries::view(conn, card)
}

fn ok(card: CardView) -> HttpResponse {
    card_response(StatusCode::OK, &card)
}

/// Move a card.
///
/// Into `stage_id` (of the same board), right after `after_id`, or first. Only this card's
/// position is written, computed under a lock on the target stage: cards moved into one spot
/// at once all land, one after another.
#[utoipa::path(
    tag = "cards", operation_id = "move_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body = MoveCardRequest,
    responses(
        (status = 200, description = "Moved; `ETag` is the new version", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`stage_id` is not a stage of the card's board, or `after_id` not another card of it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/move")]
pub async fn move_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<MoveCardRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req) = (id.into_inner(), body.0);
    let card = state
        .db
        .transaction(move |conn| {
            let board_id = queries::card_for(conn, &caller, id, false)?.board_id;
            // Stage first, then the card: the order every lock here is taken in.
            crate::platform::positions::lock_stage(conn, board_id, req.stage_id)
                .map_err(|_| ApiError::field("stage_id", "unknown", "is not a stage of the card's board"))?;
            let mut card = queries::card_for(conn, &caller, id, true)?;
            let from = card.stage_id;
            card.position = crate::platform::positions::after_card(conn, req.stage_id, id, req.after_id)?.into_string();
            card.stage_id = req.stage_id;
            let change =
                Change::with("moved", Some(json!({"stage_id": from})), Some(json!({"stage_id": req.stage_id})));
            save(conn, &caller, card, crate::platform::events::EventData::CardMoved, change)
        })
        .await?;
    Ok(ok(card))
}

/// Runs `change` on the locked card unless `refusal` says why it cannot happen (409).
async fn act(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: Uuid,
    change: impl FnOnce(&mut PgConnection, &AuthUser, CardRow) -> ApiResult<CardView> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let card = state
        .db
        .transaction(move |conn| {
            let card = queries::card_for(conn, &caller, id, true)?;
            change(conn, &caller, card)
        })
        .await?;
    Ok(ok(card))
}

fn refuse(why: &str) -> ApiError {
    ApiError::Conflict(why.to_string(), Vec::new())
}

/// Archive a card.
///
/// Archived cards leave the board view (filter `archived=yes` shows them) and come back with
/// `unarchive`.
#[utoipa::path(
    tag = "cards", operation_id = "archive_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Archived", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already archived", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/archive")]
pub async fn archive(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    act(state, caller, id.into_inner(), |conn, caller, mut card| {
        if card.archived_at.is_some() {
            return Err(refuse("The card is already archived."));
        }
        card.archived_at = Some(Utc::now());
        save(conn, caller, card, crate::platform::events::EventData::CardUpdated, Change::action("archived"))
    })
    .await
}

/// Unarchive a card.
///
/// It is back on the board view, where it was.
#[utoipa::path(
    tag = "cards", operation_id = "unarchive_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Back on the board", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not archived", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/unarchive")]
pub async fn unarchive(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    act(state, caller, id.into_inner(), |conn, caller, mut card| {
        if card.archived_at.is_none() {
            return Err(refuse("The card is not archived."));
        }
        card.archived_at = None;
        save(conn, caller, card, crate::platform::events::EventData::CardUpdated, Change::action("unarchived"))
    })
    .await
}

/// Mark a card lost.
///
/// With an optional reason; `reopen` takes it back.
#[utoipa::path(
    tag = "cards", operation_id = "lose_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body(content = Option<LoseCardRequest>, description = "The reason (optional)"),
    responses(
        (status = 200, description = "Marked lost", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already lost", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/lose")]
pub async fn lose(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: OptionalJson<LoseCardRequest>,
) -> ApiResult<HttpResponse> {
    if let Some(body) = &body.0 {
        validator::Validate::validate(body)?;
    }
    let reason = body.0.and_then(|b| b.reason).map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    act(state, caller, id.into_inner(), move |conn, caller, mut card| {
        if card.lost_at.is_some() {
            return Err(refuse("The card is already marked lost."));
        }
        card.lost_at = Some(Utc::now());
        card.lost_reason = reason.clone();
        save(
            conn,
            caller,
            card,
            crate::platform::events::EventData::CardUpdated,
            Change::with("lost", None, Some(json!({"reason": reason}))),
        )
    })
    .await
}

/// Reopen a lost card.
///
/// It is no longer lost; the reason it had stays in the history.
#[utoipa::path(
    tag = "cards", operation_id = "reopen_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "No longer lost", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not lost", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/reopen")]
pub async fn reopen(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    act(state, caller, id.into_inner(), |conn, caller, mut card| {
        if card.lost_at.is_none() {
            return Err(refuse("The card is not marked lost."));
        }
        let reason = card.lost_reason.take();
        card.lost_at = None;
        save(
            conn,
            caller,
            card,
            crate::platform::events::EventData::CardUpdated,
            Change::with("reopened", Some(json!({"reason": reason})), None),
        )
    })
    .await
}

/// Convert a card's contact to a client or a client service.
///
/// The linked contact's status becomes won (in the contact's change log too) and the card
/// records the conversion, all in one transaction. A card without a contact, or one already
/// converted that way, is a 409.
#[utoipa::path(
    tag = "cards", operation_id = "convert_card", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body = ConvertCardRequest,
    responses(
        (status = 200, description = "Converted", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No linked contact, or already converted that way", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/convert")]
pub async fn convert(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<ConvertCardRequest>,
) -> ApiResult<HttpResponse> {
    let to = body.0.to;
    act(state, caller, id.into_inner(), move |conn, caller, mut card| {
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
        save(
            conn,
            caller,
            card,
            crate::platform::events::EventData::CardUpdated,
            Change::with("converted", None, Some(json!({"to": target}))),
        )
    })
    .await
}
