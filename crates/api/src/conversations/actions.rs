//! What operators do to a conversation. Each action is one transaction: the row is locked,
//! the change made, a `system` line added to the transcript where the visitor should know,
//! and the events recorded last.

use actix_web::{post, web, HttpResponse};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use domain::desk_rules::{close_needs_operator, refusal, transfer_forbidden, transfer_target_refusal, DeskAction};
use domain::{
    desk_note_text, first_name, ConversationStatus, ConversationSummary, DeskNote, MessageSender, MessageView,
    OperatorRequest, Problem, SendMessageRequest,
};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, add_message, announce, announce_message, get_for_update, takes_part, ConversationRow};
use crate::contacts::queries::{log_changes, Actor, ContactRow};
use crate::platform::db::schema::{
    contacts, conversation_ignores, conversation_participants, conversations, sites, users,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Audience;
use crate::platform::http::extract::{AuthUser, ValidJson};
use crate::{assignment, notifications, AppState};

type Summary = ApiResult<web::Json<ConversationSummary>>;

pub(super) fn conflict(message: &str) -> ApiError {
    ApiError::Conflict(message.to_string(), Vec::new())
}

/// 409 when `action` does not fit the conversation's state (`domain::desk_rules`).
fn refuse(action: DeskAction, conv: &ConversationRow) -> ApiResult<()> {
    match refusal(action, conv.status()) {
        Some(why) => Err(conflict(why)),
        None => Ok(()),
    }
}

pub(super) fn summary(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationSummary> {
    let row = conversations::table.find(id).select(ConversationRow::as_select()).first(conn)?;
    queries::summaries(conn, caller, vec![row])?.pop().ok_or(ApiError::NotFound)
}

fn user_name(conn: &mut PgConnection, user_id: Uuid) -> ApiResult<String> {
    Ok(users::table.find(user_id).select(users::name).first(conn)?)
}

/// Adds a `system` line to the transcript and tells operators and the visitor.
fn note(conn: &mut PgConnection, conv: &ConversationRow, text: DeskNote) -> ApiResult<MessageView> {
    let message = add_message(conn, conv, MessageSender::System, None, &desk_note_text(conv.lang(), text))?;
    announce_message(conn, conv, &message)?;
    Ok(message)
}

fn reload(conn: &mut PgConnection, id: Uuid) -> ApiResult<ConversationRow> {
    Ok(conversations::table.find(id).select(ConversationRow::as_select()).first(conn)?)
}

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
        (status = 409, description = "Not waiting: still with the bot, another operator accepted it first, or closed (the message says which)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/accept")]
pub async fn accept(state: web::Data<AppState>, caller: AuthUser, id: web::Path<Uuid>) -> Summary {
    let id = id.into_inner();
    let public_url = state.config.public_url.clone();
    let done = state
        .db
        .transaction(move |conn| {
            // Not `get_for_update`: whoever loses the race can no longer see an agent's
            // conversation, and must hear 409 (too late), not 404.
            let conv: ConversationRow = conversations::table
                .filter(conversations::account_id.eq(caller.account_id))
                .filter(conversations::id.eq(id))
                .select(ConversationRow::as_select())
                .for_update()
                .first(conn)?;
            refuse(DeskAction::Accept, &conv)?;
            let now = Utc::now();
            diesel::update(conversations::table.find(id))
                .set((
                    conversations::status.eq(ConversationStatus::Active.as_str()),
                    conversations::owner_id.eq(caller.user_id),
                    conversations::accepted_at.eq(now),
                ))
                .execute(conn)?;
            let conv = reload(conn, id)?;
            let contact: ContactRow =
                contacts::table.find(conv.contact_id).select(ContactRow::as_select()).for_update().first(conn)?;
            if contact.assignee_id.is_none() {
                diesel::update(contacts::table.find(contact.id))
                    .set((contacts::assignee_id.eq(caller.user_id), contacts::updated_at.eq(now)))
                    .execute(conn)?;
                let actor = Actor::user(conn, &caller)?;
                log_changes(
                    conn,
                    conv.account_id,
                    contact.id,
                    &actor,
                    &[("assignee_id", None, Some(json!(caller.user_id)))],
                )?;
                assignment::announce(conn, &contact, caller.user_id, &public_url)?;
            }
            let name = user_name(conn, caller.user_id)?;
            // Everyone: it leaves every Inbox.
            let audience = Audience { everyone: true, ..queries::audience(conn, &conv, true)? };
            queries::announce_to(conn, &conv, audience, |conversation| {
                crate::platform::events::EventData::ConversationAccepted(domain::events::ConversationAccepted {
                    conversation,
                    owner_id: caller.user_id,
                })
            })?;
            note(conn, &conv, DeskNote::Joined(first_name(&name)))?;
            summary(conn, &caller, id)
        })
        .await?;
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
    state
        .db
        .transaction(move |conn| {
            let conv = queries::get(conn, &caller, id)?;
            refuse(DeskAction::Ignore, &conv)?;
            let minutes: i32 = match conv.site_id {
                Some(site) => sites::table.find(site).select(sites::chat_ignore_minutes).first(conn)?,
                None => 5,
            };
            let until = Utc::now() + Duration::minutes(minutes.into());
            diesel::insert_into(conversation_ignores::table)
                .values((
                    conversation_ignores::conversation_id.eq(id),
                    conversation_ignores::user_id.eq(caller.user_id),
                    conversation_ignores::until.eq(until),
                ))
                .on_conflict((conversation_ignores::conversation_id, conversation_ignores::user_id))
                .do_update()
                .set(conversation_ignores::until.eq(until))
                .execute(conn)?;
            Ok(())
        })
        .await?;
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
    let message = state
        .db
        .transaction(move |conn| {
            let conv = get_for_update(conn, &caller, id)?;
            refuse(DeskAction::Reply, &conv)?;
            queries::require_operator(conn, &caller, &conv, "write in this conversation")?;
            let message = add_message(conn, &conv, MessageSender::Agent, Some(caller.user_id), &text)?;
            announce_message(conn, &conv, &message)?;
            Ok(message)
        })
        .await?;
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
    state
        .db
        .run(move |conn| {
            let conv = queries::get(conn, &caller, id)?;
            refuse(DeskAction::Typing, &conv)?;
            queries::require_operator(conn, &caller, &conv, "write in this conversation")?;
            let name = user_name(conn, caller.user_id)?;
            let audience = queries::audience(conn, &conv, true)?;
            let data = crate::platform::events::EventData::Typing(domain::events::Typing {
                conversation_id: id,
                sender: MessageSender::Agent,
                user_id: Some(caller.user_id),
                author_name: Some(first_name(&name).to_string()),
            });
            crate::platform::events::announce_passing(conn, conv.account_id, audience, data)
        })
        .await?;
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
    let done = state
        .db
        .transaction(move |conn| {
            let conv = get_for_update(conn, &caller, id)?;
            refuse(DeskAction::Close, &conv)?;
            if close_needs_operator(conv.status()) {
                queries::require_operator(conn, &caller, &conv, "close this conversation")?;
            }
            close_row(conn, &conv)?;
            summary(conn, &caller, id)
        })
        .await?;
    Ok(web::Json(done))
}

/// Closes `conv` (locked by the caller): the note, then the event.
pub fn close_row(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<()> {
    let was_waiting = conv.status() == ConversationStatus::Waiting;
    note(conn, conv, DeskNote::Closed)?;
    diesel::update(conversations::table.find(conv.id))
        .set((conversations::status.eq(ConversationStatus::Closed.as_str()), conversations::closed_at.eq(Utc::now())))
        .execute(conn)?;
    let closed = reload(conn, conv.id)?;
    let mut audience = queries::audience(conn, &closed, true)?;
    audience.everyone = was_waiting;
    queries::announce_to(conn, &closed, audience, |conversation| {
        crate::platform::events::EventData::ConversationClosed(domain::events::ConversationChanged { conversation })
    })?;
    Ok(())
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
    let done = state
        .db
        .transaction(move |conn| {
            let conv = get_for_update(conn, &caller, id)?;
            let name = user_name(conn, caller.user_id)?;
            refuse(DeskAction::Join, &conv)?;
            if conv.status() == ConversationStatus::Closed {
                // Reopened, as the caller's.
                if queries::blocked(conn, &conv)? {
                    return Err(conflict("This visitor is blocked; unblock them first."));
                }
                diesel::update(conversations::table.find(id))
                    .set((
                        conversations::status.eq(ConversationStatus::Active.as_str()),
                        conversations::owner_id.eq(caller.user_id),
                        conversations::closed_at.eq(None::<chrono::DateTime<Utc>>),
                    ))
                    .execute(conn)?;
            } else if !takes_part(conn, &conv, caller.user_id)? {
                // Active (the only other state `refuse` lets through): one more operator.
                add_participant(conn, id, caller.user_id)?;
            }
            let conv = reload(conn, id)?;
            // The widget too: a joined chat is open again and shows its reply box.
            announce(conn, &conv, true, |conversation| {
                crate::platform::events::EventData::ConversationJoined(domain::events::ConversationMember {
                    conversation,
                    user_id: caller.user_id,
                })
            })?;
            note(conn, &conv, DeskNote::Joined(first_name(&name)))?;
            summary(conn, &caller, id)
        })
        .await?;
    Ok(web::Json(done))
}

fn add_participant(conn: &mut PgConnection, conversation_id: Uuid, user_id: Uuid) -> ApiResult<()> {
    diesel::insert_into(conversation_participants::table)
        .values((
            conversation_participants::conversation_id.eq(conversation_id),
            conversation_participants::user_id.eq(user_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
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
    let done =
        state
            .db
            .transaction(move |conn| {
                let conv = get_for_update(conn, &caller, id)?;
                refuse(DeskAction::Transfer, &conv)?;
                if let Some(why) = transfer_forbidden(caller.is_admin(), caller.user_id, conv.owner_id) {
                    return Err(ApiError::Forbidden(why.into()));
                }
                let to_name = queries::check_operator(conn, caller.account_id, to)?;
                if let Some(why) = transfer_target_refusal(conv.owner_id, to) {
                    return Err(conflict(why));
                }
                diesel::update(conversations::table.find(id)).set(conversations::owner_id.eq(to)).execute(conn)?;
                diesel::delete(
                    conversation_participants::table
                        .filter(conversation_participants::conversation_id.eq(id))
                        .filter(conversation_participants::user_id.eq(to)),
                )
                .execute(conn)?;
                let moved = reload(conn, id)?;
                let mut audience = queries::audience(conn, &moved, true)?;
                audience.user_ids.extend(conv.owner_id);
                let from = conv.owner_id;
                queries::announce_to(conn, &moved, audience, |conversation| {
                    crate::platform::events::EventData::ConversationTransferred(
                        domain::events::ConversationTransferred { conversation, from, to },
                    )
                })?;
                let by = user_name(conn, caller.user_id)?;
                let title = format!("{by} transferred a conversation to you");
                notifications::notify(
                    conn,
                    caller.account_id,
                    to,
                    "conversation_transferred",
                    &title,
                    Some(conv.contact_id),
                )?;
                note(conn, &moved, DeskNote::Transferred { to: first_name(&to_name) })?;
                summary(conn, &caller, id)
            })
            .await?;
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
    let done = state
        .db
        .transaction(move |conn| {
            let conv = get_for_update(conn, &caller, id)?;
            refuse(DeskAction::Invite, &conv)?;
            queries::require_operator(conn, &caller, &conv, "invite colleagues")?;
            let name = queries::check_operator(conn, caller.account_id, who)?;
            if takes_part(conn, &conv, who)? {
                return Err(conflict("They already take part in this conversation."));
            }
            add_participant(conn, id, who)?;
            announce(conn, &conv, false, |conversation| {
                crate::platform::events::EventData::ConversationInvited(domain::events::ConversationMember {
                    conversation,
                    user_id: who,
                })
            })?;
            let by = user_name(conn, caller.user_id)?;
            let title = format!("{by} invited you into a conversation");
            notifications::notify(conn, caller.account_id, who, "conversation_invited", &title, Some(conv.contact_id))?;
            note(conn, &conv, DeskNote::Invited(first_name(&name)))?;
            summary(conn, &caller, id)
        })
        .await?;
    Ok(web::Json(done))
}
