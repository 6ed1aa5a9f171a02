//! What happens to a card besides edits: moves, archive, lost, conversion. Each is one
//! transaction that locks the card, writes its history and announces it.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::{CardView, ConvertCardRequest, LoseCardRequest, MoveCardRequest, Problem};
use uuid::Uuid;

use super::card_response;
use super::queries;
use super::queries::actions::Step;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AuthUser, OptionalJson, ValidJson};
use crate::AppState;

fn ok(card: CardView) -> HttpResponse {
    card_response(StatusCode::OK, &card)
}

/// Move a card.
///
/// Into `stage_id` (of the same board), right after `after_id`, or first. Only this card's
/// position is written, computed under a lock on the target stage: cards moved into one spot
/// at once all land, one after another.
#[utoipa::path(
    tag = "cards", operation_id = "move_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
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
    let card = state.db.transaction(move |conn| queries::actions::move_card(conn, &caller, id, req)).await?;
    Ok(ok(card))
}

/// Takes `step` on card `id` in one transaction.
async fn act(state: web::Data<AppState>, caller: AuthUser, id: Uuid, step: Step) -> ApiResult<HttpResponse> {
    let card = state.db.transaction(move |conn| queries::actions::take(conn, &caller, id, step)).await?;
    Ok(ok(card))
}

/// Archive a card.
///
/// Archived cards leave the board view (filter `archived=yes` shows them) and come back with
/// `unarchive`.
#[utoipa::path(
    tag = "cards", operation_id = "archive_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Archived", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already archived", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/archive")]
pub async fn archive(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    act(state, caller, id.into_inner(), Step::Archive).await
}

/// Unarchive a card.
///
/// It is back on the board view, where it was.
#[utoipa::path(
    tag = "cards", operation_id = "unarchive_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Back on the board", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not archived", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/unarchive")]
pub async fn unarchive(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    act(state, caller, id.into_inner(), Step::Unarchive).await
}

/// Mark a card lost.
///
/// With an optional reason; `reopen` takes it back.
#[utoipa::path(
    tag = "cards", operation_id = "lose_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
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
    act(state, caller, id.into_inner(), Step::Lose(reason)).await
}

/// Reopen a lost card.
///
/// It is no longer lost; the reason it had stays in the history.
#[utoipa::path(
    tag = "cards", operation_id = "reopen_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "No longer lost", body = CardView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not lost", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/reopen")]
pub async fn reopen(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    act(state, caller, id.into_inner(), Step::Reopen).await
}

/// Convert a card's contact to a client or a client service.
///
/// The linked contact's status becomes won (in the contact's change log too) and the card
/// records the conversion, all in one transaction. A card without a contact, or one already
/// converted that way, is a 409.
#[utoipa::path(
    tag = "cards", operation_id = "convert_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
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
    act(state, caller, id.into_inner(), Step::Convert(body.0.to)).await
}
