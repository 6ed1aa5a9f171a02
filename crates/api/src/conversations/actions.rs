//! What operators do to a conversation. Each action is one transaction: the row is locked,
//! the change made, a `system` line added to the transcript where the visitor should know,
//! and the events recorded last.

use actix_web::{post, web, HttpResponse};
use domain::{ConversationSummary, MessageView, OperatorRequest, Problem, SendMessageRequest};
use uuid::Uuid;

use super::queries;
use crate::platform::error::ApiResult;
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::AppState;

/// What an action on a conversation answers: the conversation as the desk lists it.
pub(super) type Summary = ApiResult<web::Json<ConversationSummary>>;

/// Accept a conversation from the Inbox.
///
/// Exactly one operator wins: the caller becomes its owner (and the assignee of an unassigned
/// contact, notified as any assignment is); anyone else gets 409 and the conversation leaves
/// every Inbox.
#[utoipa::path(
    tag = "conversations", operation_id = "accept_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "Accepted by the caller", body = ConversationSummary),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not waiting: still with the bot, another operator accepted it first, or closed; or the caller is at their open chats limit (the message says which)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/accept")]
pub async fn accept(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> Summary {
    let id = id.into_inner();
    let public_url = state.config.public_url.clone();
    let done = state.db.transaction(move |conn| queries::actions::accept(conn, &caller, id, &public_url)).await?;
    Ok(web::Json(done))
}

/// Ignore a conversation for a while.
///
/// It leaves the caller's Inbox for the site's "ignore" minutes (default 5), then comes
/// back (`conversation.ignore_expired`) unless someone accepted it.
#[utoipa::path(
    tag = "conversations", operation_id = "ignore_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 204, description = "Ignored"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not waiting in the Inbox", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/ignore")]
pub async fn ignore(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db.transaction(move |conn| queries::actions::ignore(conn, &caller, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reply to the visitor.
///
/// The owner or an invited operator (or an admin) of an active conversation. The message
/// reaches the visitor's widget at once.
#[utoipa::path(
    tag = "conversations", operation_id = "reply_to_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    request_body = SendMessageRequest,
    responses(
        (status = 201, description = "Sent", body = MessageView),
        (status = 403, description = "The caller neither owns nor was invited to this conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active: accept it first, or join it if it is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or longer than 5,000 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/messages")]
pub async fn reply(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<SendMessageRequest>,
) -> ApiResult<HttpResponse> {
    let (id, text) = (id.into_inner(), body.0.body);
    let message = state.db.transaction(move |conn| queries::actions::reply(conn, &caller, id, &text)).await?;
    Ok(HttpResponse::Created().json(message))
}

/// Say the caller is typing.
///
/// Its operators (or an admin) while it is active; the visitor's widget and the other
/// operators show it for a few seconds. Not stored; send it again every few seconds while
/// typing.
#[utoipa::path(
    tag = "conversations", operation_id = "operator_typing", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 204, description = "Announced"),
        (status = 403, description = "The caller is not one of its operators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/typing")]
pub async fn typing(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db.run(move |conn| queries::actions::typing(conn, &caller, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close a conversation.
///
/// Its operators or an admin; it moves to All with its stats. The visitor is told.
#[utoipa::path(
    tag = "conversations", operation_id = "close_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "Closed", body = ConversationSummary),
        (status = 403, description = "The caller is not one of its operators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/close")]
pub async fn close(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> Summary {
    let id = id.into_inner();
    let account_id = caller.account_id;
    let done = state.db.transaction(move |conn| queries::actions::close(conn, &caller, id)).await?;
    // Its operator has a chat fewer: leads waiting for capacity may go to them now. Apart
    // from the close, which stands whatever happens here (the periodic pass deals them too).
    if let Some(owner) = done.owner_id {
        let public_url = state.config.public_url.clone();
        let dealt = state
            .db
            .transaction(move |conn| crate::assignment::deal_for_user(conn, account_id, owner, &public_url))
            .await;
        if let Err(err) = dealt {
            tracing::warn!(error = %err, "dealing waiting leads after a close failed");
        }
    }
    Ok(web::Json(done))
}

/// Join a conversation ("Join chat").
///
/// A closed conversation reopens with the caller as its owner, so they can write to that
/// client again; an active one takes the caller in as an invited operator.
#[utoipa::path(
    tag = "conversations", operation_id = "join_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The caller takes part", body = ConversationSummary),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It waits in the Inbox: accept it instead, or the visitor is blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/join")]
pub async fn join(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> Summary {
    let id = id.into_inner();
    let done = state.db.transaction(move |conn| queries::actions::join(conn, &caller, id)).await?;
    Ok(web::Json(done))
}

/// Transfer a conversation to another operator.
///
/// Its owner or an admin. The new owner is notified; the transcript records it.
#[utoipa::path(
    tag = "conversations", operation_id = "transfer_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    request_body = OperatorRequest,
    responses(
        (status = 200, description = "Transferred", body = ConversationSummary),
        (status = 403, description = "The caller does not own it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active, or already theirs", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`user_id` is not an active user of the account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/transfer")]
pub async fn transfer(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<OperatorRequest>,
) -> Summary {
    let (id, to) = (id.into_inner(), body.0.user_id);
    let done = state.db.transaction(move |conn| queries::actions::transfer(conn, &caller, id, to)).await?;
    Ok(web::Json(done))
}

/// Invite a colleague into a conversation.
///
/// Its operators or an admin. The colleague is notified and can reply too.
#[utoipa::path(
    tag = "conversations", operation_id = "invite_to_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    request_body = OperatorRequest,
    responses(
        (status = 200, description = "Invited", body = ConversationSummary),
        (status = 403, description = "The caller is not one of its operators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active, or they already take part", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`user_id` is not an active user of the account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/invite")]
pub async fn invite(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<OperatorRequest>,
) -> Summary {
    let (id, who) = (id.into_inner(), body.0.user_id);
    let done = state.db.transaction(move |conn| queries::actions::invite(conn, &caller, id, who)).await?;
    Ok(web::Json(done))
}
