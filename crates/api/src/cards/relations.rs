//! Related cards: a deal linked to the client's portfolio card, on any two boards of the
//! account. The link shows on both cards and is written to both boards' history.

use actix_web::{delete, get, post, web, HttpResponse};
use domain::{Problem, RelateCardRequest, RelatedCardList};
use uuid::Uuid;

use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// A card's related cards.
///
/// Those on boards the caller sees.
#[utoipa::path(
    tag = "cards", operation_id = "list_related_cards", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Related cards", body = RelatedCardList),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/related")]
pub async fn list_related(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RelatedCardList>> {
    let id = id.into_inner();
    let items = state.db.run(move |conn| queries::relations::list(conn, &caller, id)).await?;
    Ok(web::Json(RelatedCardList { items }))
}

/// Relate two cards.
///
/// `card_id` is another card the caller sees, on any board of the account; relating twice
/// changes nothing. Answers the card's related cards.
#[utoipa::path(
    tag = "cards", operation_id = "relate_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body = RelateCardRequest,
    responses(
        (status = 200, description = "Related cards, with the new one", body = RelatedCardList),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`card_id` is this card, or not a card the caller sees", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/related")]
pub async fn relate(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<RelateCardRequest>,
) -> ApiResult<web::Json<RelatedCardList>> {
    let (id, other_id) = (id.into_inner(), body.0.card_id);
    let items = state.db.transaction(move |conn| queries::relations::relate(conn, &caller, id, other_id)).await?;
    Ok(web::Json(RelatedCardList { items }))
}

/// Unrelate two cards.
///
/// The link goes from both cards; both boards' history keep that it was there.
#[utoipa::path(
    tag = "cards", operation_id = "unrelate_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id"), ("other_id" = Uuid, Path, description = "The related card's id")),
    responses(
        (status = 204, description = "No longer related"),
        (status = 404, description = "No such relation between cards the caller sees", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/related/{other_id}")]
pub async fn unrelate(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, other_id) = path.into_inner();
    state.db.transaction(move |conn| queries::relations::unrelate(conn, &caller, id, other_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
