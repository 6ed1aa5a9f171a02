//! Related cards: a deal linked to the client's portfolio card, on any two boards of the
//! account. The link shows on both cards and is written to both boards' history.

use actix_web::{delete, get, post, web, HttpResponse};
use diesel::prelude::*;
use domain::{Problem, RelateCardRequest, RelatedCard, RelatedCardList};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, Change};
use crate::platform::db::schema::{board_stages, boards, card_relations, cards};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

fn pair(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// The cards related to `id` that the caller may see, by board and title.
fn related(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<Vec<RelatedCard>> {
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

/// A card's related cards.
///
/// Those on boards the caller sees.
#[utoipa::path(
    tag = "cards", operation_id = "list_related_cards", security(("bearer" = [])),
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
    let items = state
        .db
        .run(move |conn| {
            queries::card_for(conn, &caller, id, false)?;
            related(conn, &caller, id)
        })
        .await?;
    Ok(web::Json(RelatedCardList { items }))
}

/// Relate two cards.
///
/// `card_id` is another card the caller sees, on any board of the account; relating twice
/// changes nothing. Answers the card's related cards.
#[utoipa::path(
    tag = "cards", operation_id = "relate_card", security(("bearer" = [])),
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
    let items = state
        .db
        .transaction(move |conn| {
            if id == other_id {
                return Err(ApiError::field("card_id", "self", "must be another card"));
            }
            // Both rows locked in id order, whichever card the request names first.
            let (low, high) = pair(id, other_id);
            let (first, second) =
                (queries::card_for(conn, &caller, low, true), queries::card_for(conn, &caller, high, true));
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
                queries::record(
                    conn,
                    &caller,
                    &card,
                    crate::platform::events::EventData::CardUpdated,
                    &[Change::with("related", None, Some(json!(other.title)))],
                )?;
                queries::record(
                    conn,
                    &caller,
                    &other,
                    crate::platform::events::EventData::CardUpdated,
                    &[Change::with("related", None, Some(json!(card.title)))],
                )?;
            }
            related(conn, &caller, id)
        })
        .await?;
    Ok(web::Json(RelatedCardList { items }))
}

/// Unrelate two cards.
///
/// The link goes from both cards; both boards' history keep that it was there.
#[utoipa::path(
    tag = "cards", operation_id = "unrelate_card", security(("bearer" = [])),
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
    state
        .db
        .transaction(move |conn| {
            let (low, high) = pair(id, other_id);
            let first = queries::card_for(conn, &caller, low, true)?;
            let second = queries::card_for(conn, &caller, high, true)?;
            let removed = diesel::delete(
                card_relations::table.filter(card_relations::low_id.eq(low)).filter(card_relations::high_id.eq(high)),
            )
            .execute(conn)?;
            if removed == 0 {
                return Err(ApiError::NotFound);
            }
            queries::record(
                conn,
                &caller,
                &first,
                crate::platform::events::EventData::CardUpdated,
                &[Change::with("unrelated", Some(json!(second.title)), None)],
            )?;
            queries::record(
                conn,
                &caller,
                &second,
                crate::platform::events::EventData::CardUpdated,
                &[Change::with("unrelated", Some(json!(first.title)), None)],
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
