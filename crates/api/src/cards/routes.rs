//! The cards' handlers (create, read, change, delete), their `ETag`, and their OpenAPI.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use domain::{CardView, CreateCardRequest, DeleteCardParams, Problem, UpdateCardRequest};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{actions, attachments, board_view, checklist, comments, queries, relations};
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// Card routes. Those under `/boards/{id}/…` are whole paths registered before the boards
/// scope, which would otherwise take every `/boards/…` request.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_card)
        .service(board_view::board_cards)
        .service(board_view::get_board_history)
        .service(board_view::list_saved_filters)
        .service(board_view::save_filter)
        .service(board_view::delete_saved_filter)
        .service(
            utoipa_actix_web::scope("/cards")
                .service(get_card)
                .service(update_card)
                .service(delete_card)
                .service(actions::move_card)
                .service(actions::archive)
                .service(actions::unarchive)
                .service(actions::lose)
                .service(actions::reopen)
                .service(actions::convert)
                .service(comments::list_comments)
                .service(comments::add_comment)
                .service(checklist::list_checklist)
                .service(checklist::add_checklist_item)
                .service(checklist::update_checklist_item)
                .service(checklist::delete_checklist_item)
                .service(attachments::upload_attachment)
                .service(attachments::list_attachments)
                .service(attachments::download_attachment)
                .service(attachments::delete_attachment)
                .service(relations::list_related)
                .service(relations::relate)
                .service(relations::unrelate),
        );
}

/// The card's version as an `ETag`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The version an `If-Match` asks for (`None` without the header; `Some(None)` when it is not
/// a version of ours, which no card matches).
fn if_match(req: &HttpRequest) -> Option<Option<i32>> {
    let value = req.headers().get(header::IF_MATCH)?;
    let text = value.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    Some(text.trim_matches('"').parse().ok())
}

pub fn card_response(status: actix_web::http::StatusCode, card: &CardView) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(card.version))).json(card)
}

/// Add a card.
///
/// In `stage_id`, last. Agents may add cards to the boards shared with them. A contact has at
/// most one card per board: a second is a 409 naming the existing card.
#[utoipa::path(
    tag = "cards", operation_id = "create_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Board id")),
    request_body = CreateCardRequest,
    responses(
        (status = 201, description = "Added; `ETag` is its version", body = CardView,
            headers(("ETag" = String, description = "The card's version, for `If-Match`"))),
        (status = 404, description = "No such board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contact already has a card on this board", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a stage, label, member or contact not of this board or account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/boards/{id}/cards")]
pub async fn create_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateCardRequest>,
) -> ApiResult<HttpResponse> {
    let (board_id, req) = (id.into_inner(), body.0);
    let card = state.db.transaction(move |conn| queries::create(conn, &caller, board_id, req)).await?;
    Ok(card_response(actix_web::http::StatusCode::CREATED, &card))
}

/// Get a card.
///
/// With `ETag` (its version) for a later `If-Match`.
#[utoipa::path(
    tag = "cards", operation_id = "get_card", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "The card", body = CardView,
            headers(("ETag" = String, description = "The card's version"))),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_card(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let card = state
        .db
        .run(move |conn| {
            let row = queries::card_for(conn, &caller, id, false)?;
            queries::view(conn, row)
        })
        .await?;
    Ok(card_response(actix_web::http::StatusCode::OK, &card))
}

/// Change a card.
///
/// Partial update. Send `If-Match` with the version you edited (the `ETag` of the card you
/// read): if someone changed the card since, nothing is written and the answer is 412 with the
/// current card. Without `If-Match` the change applies to whatever is there.
#[utoipa::path(
    tag = "cards", operation_id = "update_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(
        ("id" = Uuid, Path, description = "Card id"),
        ("If-Match" = Option<String>, Header, description = "The card's version as read, e.g. `\"3\"`"),
    ),
    request_body = UpdateCardRequest,
    responses(
        (status = 200, description = "Changed; `ETag` is the new version", body = CardView,
            headers(("ETag" = String, description = "The card's new version, for the next `If-Match`"))),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contact already has a card on this board", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The card changed since that version: the current card", body = CardView,
            headers(("ETag" = String, description = "The card's current version"))),
        (status = 422, description = "Invalid fields, or a label, member or contact not of this board or account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    request: HttpRequest,
    body: ValidJson<UpdateCardRequest>,
) -> ApiResult<HttpResponse> {
    let (id, req, expected) = (id.into_inner(), body.0, if_match(&request));
    let outcome = state.db.transaction(move |conn| queries::update(conn, &caller, id, req, expected)).await?;
    Ok(match outcome {
        queries::Edit::Saved(card) => card_response(actix_web::http::StatusCode::OK, &card),
        queries::Edit::Stale(card) => card_response(actix_web::http::StatusCode::PRECONDITION_FAILED, &card),
    })
}

/// Delete a card.
///
/// With `delete_contact=true` its linked contact is deleted too (the contact's assignee or an
/// admin only: otherwise 403 and nothing is deleted); without, only the link goes. One
/// transaction either way. The board history keeps the card's entries.
#[utoipa::path(
    tag = "cards", operation_id = "delete_card", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id"), DeleteCardParams),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`delete_contact` for a contact the caller may not delete", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    params: web::Query<DeleteCardParams>,
) -> ApiResult<HttpResponse> {
    let (id, with_contact) = (id.into_inner(), params.delete_contact.unwrap_or(false));
    let files = state.db.transaction(move |conn| queries::delete(conn, &caller, id, with_contact)).await?;
    // The rows went with the card; their files go once that is committed.
    state.storage.release(&state.db, files).await;
    Ok(HttpResponse::NoContent().finish())
}
