//! Comments on a card: internal notes between the users working it.

use actix_web::{get, post, web, HttpResponse};
use domain::{CommentList, CommentView, CreateCommentRequest, Problem};
use uuid::Uuid;

use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// A card's comments.
///
/// Oldest first.
#[utoipa::path(
    tag = "cards", operation_id = "list_card_comments", security(("bearer" = []), ("api_key" = ["boards:read"])),
    params(("id" = Uuid, Path, description = "Card id")),
    responses(
        (status = 200, description = "Comments", body = CommentList),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CommentList>> {
    let id = id.into_inner();
    let items = state.db.run(move |conn| queries::comments::list(conn, &caller, id)).await?;
    Ok(web::Json(CommentList { items }))
}

/// Comment on a card.
///
/// Counts as activity on the card (it is no longer stale) without changing its version, so
/// nobody's edit in progress turns stale because of it.
#[utoipa::path(
    tag = "cards", operation_id = "add_card_comment", security(("bearer" = []), ("api_key" = ["boards:write"])),
    params(("id" = Uuid, Path, description = "Card id")),
    request_body = CreateCommentRequest,
    responses(
        (status = 201, description = "Added", body = CommentView),
        (status = 404, description = "No such card on a board visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateCommentRequest>,
) -> ApiResult<HttpResponse> {
    let (id, text) = (id.into_inner(), body.0.body.trim().to_string());
    let comment = state.db.transaction(move |conn| queries::comments::add(conn, &caller, id, &text)).await?;
    Ok(HttpResponse::Created().json(comment))
}
