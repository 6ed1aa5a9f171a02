//! Tags, and blocking the visitor.

use actix_web::{delete, post, web};
use domain::{ConversationSummary, ConversationTagRequest, Problem};
use uuid::Uuid;

use super::actions::Summary;
use super::queries;
use crate::platform::error::ApiError;
use crate::platform::http::extract::{AdminUser, AuthUser, ValidJson};
use crate::AppState;

/// Tag a conversation.
///
/// Anyone who sees it; at most 30 tags, each 1 to 50 characters.
#[utoipa::path(
    tag = "conversations", operation_id = "tag_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    request_body = ConversationTagRequest,
    responses(
        (status = 200, description = "Tagged (tagging twice changes nothing)", body = ConversationSummary),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty tag, or more than 30 tags", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/tags")]
pub async fn add_tag(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<ConversationTagRequest>,
) -> Summary {
    let (id, tag) = (id.into_inner(), body.0.tag.trim().to_string());
    if tag.is_empty() {
        return Err(ApiError::field("tag", "length", "must not be empty"));
    }
    let done = state.db.transaction(move |conn| queries::moderation::add_tag(conn, &caller, id, tag)).await?;
    Ok(web::Json(done))
}

/// Remove a conversation's tag.
///
/// Anyone who sees it.
#[utoipa::path(
    tag = "conversations", operation_id = "untag_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id"), ("tag" = String, Path, description = "The tag")),
    responses(
        (status = 200, description = "Removed (removing an absent tag changes nothing)", body = ConversationSummary),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/tags/{tag}")]
pub async fn remove_tag(state: web::Data<AppState>, caller: AuthUser, path: web::Path<(Uuid, String)>) -> Summary {
    let (id, tag) = path.into_inner();
    let done = state.db.transaction(move |conn| queries::moderation::remove_tag(conn, &caller, id, &tag)).await?;
    Ok(web::Json(done))
}

/// Block the visitor.
///
/// Their token and their address can no longer start chats or send messages on the
/// account's sites; the conversation closes. Admins can unblock.
#[utoipa::path(
    tag = "conversations", operation_id = "block_visitor", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "Blocked (and closed)", body = ConversationSummary),
        (status = 403, description = "The caller is not one of its operators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a widget conversation (no visitor to block)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/block")]
pub async fn block(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> Summary {
    let id = id.into_inner();
    let done = state.db.transaction(move |conn| queries::moderation::block(conn, &caller, id)).await?;
    Ok(web::Json(done))
}

/// Unblock the visitor of a conversation.
///
/// Admins only: their token and address may chat again.
#[utoipa::path(
    tag = "conversations", operation_id = "unblock_visitor", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "Unblocked: token and address", body = ConversationSummary),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}/block")]
pub async fn unblock(state: web::Data<AppState>, admin: AdminUser, id: web::Path<Uuid>) -> Summary {
    let (caller, id) = (admin.0, id.into_inner());
    let done = state.db.transaction(move |conn| queries::moderation::unblock(conn, &caller, id)).await?;
    Ok(web::Json(done))
}
