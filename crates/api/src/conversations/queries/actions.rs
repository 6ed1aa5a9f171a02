//! What operators do to a conversation, on a connection. Each action locks the row, makes
//! the change, adds a `system` line to the transcript where the visitor should know, and
//! records the events last.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use domain::desk_rules::{close_needs_operator, refusal, transfer_forbidden, transfer_target_refusal, DeskAction};
use domain::{
    desk_note_text, first_name, ConversationStatus, ConversationSummary, DeskNote, MessageSender, MessageView,
};
use serde_json::json;
use uuid::Uuid;

use super::{add_message, announce, announce_message, get_for_update, takes_part, ConversationRow};
use crate::contacts::queries::{log_changes, Actor, ContactRow};
use crate::platform::db::schema::{
    contacts, conversation_ignores, conversation_participants, conversations, sites, users,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Audience;
use crate::platform::http::extract::AuthUser;
use crate::{assignment, notifications};

pub(crate) fn conflict(message: &str) -> ApiError {
    ApiError::Conflict(message.to_string(), Vec::new())
}

/// 409 when `action` does not fit the conversation's state (`domain::desk_rules`).
pub(crate) fn refuse(action: DeskAction, conv: &ConversationRow) -> ApiResult<()> {
    match refusal(action, conv.status()) {
        Some(why) => Err(conflict(why)),
        None => Ok(()),
    }
}

pub(super) fn summary(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationSummary> {
    let row = conversations::table.find(id).select(ConversationRow::as_select()).first(conn)?;
    super::summaries(conn, caller, vec![row])?.pop().ok_or(ApiError::NotFound)
}

pub(crate) fn user_name(conn: &mut PgConnection, user_id: Uuid) -> ApiResult<String> {
    Ok(users::table.find(user_id).select(users::name).first(conn)?)
}

/// Adds a `system` line to the transcript and tells operators and the visitor.
pub(crate) fn note(conn: &mut PgConnection, conv: &ConversationRow, text: DeskNote) -> ApiResult<MessageView> {
    let code = serde_json::to_value(domain::SystemNote::from(text)).ok();
    let body = desk_note_text(conv.lang(), text);
    let message = super::insert_message(conn, conv, MessageSender::System, None, &body, code)?;
    announce_message(conn, conv, &message)?;
    Ok(message)
}

pub(crate) fn reload(conn: &mut PgConnection, id: Uuid) -> ApiResult<ConversationRow> {
    Ok(conversations::table.find(id).select(ConversationRow::as_select()).first(conn)?)
}

/// Closes `conv` (locked by the caller): the note, then the event.
pub fn close_row(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<()> {
    let was_waiting = conv.status() == ConversationStatus::Waiting;
    note(conn, conv, DeskNote::Closed)?;
    diesel::update(conversations::table.find(conv.id))
        .set((conversations::status.eq(ConversationStatus::Closed.as_str()), conversations::closed_at.eq(Utc::now())))
        .execute(conn)?;
    let closed = reload(conn, conv.id)?;
    let mut audience = super::audience(conn, &closed, true)?;
    audience.everyone = was_waiting;
    super::announce_to(conn, &closed, audience, |conversation| {
        crate::platform::events::EventData::ConversationClosed(domain::events::ConversationChanged { conversation })
    })?;
    Ok(())
}

pub(crate) fn add_participant(conn: &mut PgConnection, conversation_id: Uuid, user_id: Uuid) -> ApiResult<()> {
    diesel::insert_into(conversation_participants::table)
        .values((
            conversation_participants::conversation_id.eq(conversation_id),
            conversation_participants::user_id.eq(user_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// 409 when the caller already has as many open chats as their limit allows.
fn at_chat_limit(conn: &mut PgConnection, caller: &AuthUser) -> ApiResult<()> {
    let limit: Option<i32> = users::table.find(caller.user_id).select(users::max_open_chats).first(conn)?;
    let Some(limit) = limit else { return Ok(()) };
    let open = assignment::open_chats(conn, caller.user_id)?;
    if open >= limit as i64 {
        return Err(ApiError::Conflict(
            format!("You have {open} open chats, your limit; close one before accepting another."),
            vec![domain::FieldError::new("max_open_chats", "limit", "open chats are at the limit")],
        ));
    }
    Ok(())
}

/// The caller accepts conversation `id` from the Inbox (409 for whoever comes second) and
/// becomes the assignee of an unassigned contact.
pub fn accept(
    conn: &mut PgConnection,
    caller: &AuthUser,
    id: Uuid,
    public_url: &str,
) -> ApiResult<ConversationSummary> {
    // Not `get_for_update`: whoever loses the race can no longer see an agent's
    // conversation, and must hear 409 (too late), not 404.
    let conv: ConversationRow = conversations::table
        .filter(conversations::account_id.eq(caller.account_id))
        .filter(conversations::id.eq(id))
        .select(ConversationRow::as_select())
        .for_update()
        .first(conn)?;
    refuse(DeskAction::Accept, &conv)?;
    at_chat_limit(conn, caller)?;
    let now = Utc::now();
    diesel::update(conversations::table.find(id))
        .set((
            conversations::status.eq(ConversationStatus::Active.as_str()),
            conversations::owner_id.eq(caller.user_id),
            conversations::accepted_at.eq(now),
            conversations::owner_since.eq(now),
            conversations::offered_to.eq(None::<Uuid>),
            conversations::offer_expires_at.eq(None::<chrono::DateTime<Utc>>),
        ))
        .execute(conn)?;
    let conv = reload(conn, id)?;
    let contact: ContactRow =
        contacts::table.find(conv.contact_id).select(ContactRow::as_select()).for_update().first(conn)?;
    if contact.assignee_id.is_none() {
        diesel::update(contacts::table.find(contact.id))
            .set((contacts::assignee_id.eq(caller.user_id), contacts::updated_at.eq(now)))
            .execute(conn)?;
        let actor = Actor::user(conn, caller)?;
        log_changes(conn, conv.account_id, contact.id, &actor, &[("assignee_id", None, Some(json!(caller.user_id)))])?;
        assignment::announce(conn, &contact, caller.user_id, public_url)?;
    }
    let name = user_name(conn, caller.user_id)?;
    // Everyone: it leaves every Inbox.
    let audience = Audience { everyone: true, ..super::audience(conn, &conv, true)? };
    super::announce_to(conn, &conv, audience, |conversation| {
        crate::platform::events::EventData::ConversationAccepted(domain::events::ConversationAccepted {
            conversation,
            owner_id: caller.user_id,
        })
    })?;
    note(conn, &conv, DeskNote::Joined(first_name(&name)))?;
    summary(conn, caller, id)
}

/// Hides conversation `id` from the caller's Inbox for the site's ignore time. A chat offered
/// to the caller goes to the shared Inbox at once: they passed it on.
pub fn ignore(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<()> {
    let conv = get_for_update(conn, caller, id)?;
    refuse(DeskAction::Ignore, &conv)?;
    if conv.offered_to == Some(caller.user_id) {
        crate::conversations::routing::release_offer(conn, &conv)?;
    }
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
}

/// The caller's message to the visitor of active conversation `id`.
pub fn reply(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, text: &str) -> ApiResult<MessageView> {
    let conv = get_for_update(conn, caller, id)?;
    refuse(DeskAction::Reply, &conv)?;
    super::require_operator(conn, caller, &conv, "write in this conversation")?;
    let message = add_message(conn, &conv, MessageSender::Agent, Some(caller.user_id), text)?;
    announce_message(conn, &conv, &message)?;
    Ok(message)
}

/// Tells the visitor and the other operators the caller is typing.
pub fn typing(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<()> {
    let conv = super::get(conn, caller, id)?;
    refuse(DeskAction::Typing, &conv)?;
    super::require_operator(conn, caller, &conv, "write in this conversation")?;
    let name = user_name(conn, caller.user_id)?;
    let audience = super::audience(conn, &conv, true)?;
    let data = crate::platform::events::EventData::Typing(domain::events::Typing {
        conversation_id: id,
        sender: MessageSender::Agent,
        user_id: Some(caller.user_id),
        author_name: Some(first_name(&name).to_string()),
    });
    crate::platform::events::announce_passing(conn, conv.account_id, audience, data)
}

/// Closes conversation `id`.
pub fn close(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    refuse(DeskAction::Close, &conv)?;
    if close_needs_operator(conv.status()) {
        super::require_operator(conn, caller, &conv, "close this conversation")?;
    }
    close_row(conn, &conv)?;
    summary(conn, caller, id)
}

/// The caller joins conversation `id`: a closed one reopens with them as owner, an active
/// one takes them in as an invited operator.
pub fn join(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    let name = user_name(conn, caller.user_id)?;
    refuse(DeskAction::Join, &conv)?;
    if conv.status() == ConversationStatus::Closed {
        // Reopened, as the caller's.
        if super::blocked(conn, &conv)? {
            return Err(conflict("This visitor is blocked; unblock them first."));
        }
        diesel::update(conversations::table.find(id))
            .set((
                conversations::status.eq(ConversationStatus::Active.as_str()),
                conversations::owner_id.eq(caller.user_id),
                conversations::owner_since.eq(Utc::now()),
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
    summary(conn, caller, id)
}

/// Hands conversation `id` to operator `to`, who is notified.
pub fn transfer(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, to: Uuid) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    refuse(DeskAction::Transfer, &conv)?;
    if let Some(why) = transfer_forbidden(caller.is_admin(), caller.user_id, conv.owner_id) {
        return Err(ApiError::Forbidden(why.into()));
    }
    let to_name = super::check_operator(conn, caller.account_id, to)?;
    if let Some(why) = transfer_target_refusal(conv.owner_id, to) {
        return Err(conflict(why));
    }
    diesel::update(conversations::table.find(id))
        .set((conversations::owner_id.eq(to), conversations::owner_since.eq(Utc::now())))
        .execute(conn)?;
    diesel::delete(
        conversation_participants::table
            .filter(conversation_participants::conversation_id.eq(id))
            .filter(conversation_participants::user_id.eq(to)),
    )
    .execute(conn)?;
    let moved = reload(conn, id)?;
    let mut audience = super::audience(conn, &moved, true)?;
    audience.user_ids.extend(conv.owner_id);
    let from = conv.owner_id;
    super::announce_to(conn, &moved, audience, |conversation| {
        crate::platform::events::EventData::ConversationTransferred(domain::events::ConversationTransferred {
            conversation,
            from,
            to,
        })
    })?;
    let by = user_name(conn, caller.user_id)?;
    let title = format!("{by} transferred a conversation to you");
    notifications::notify(conn, caller.account_id, to, "conversation_transferred", &title, Some(conv.contact_id))?;
    note(conn, &moved, DeskNote::Transferred { to: first_name(&to_name) })?;
    summary(conn, caller, id)
}

/// Invites operator `who` into conversation `id`; they are notified.
pub fn invite(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, who: Uuid) -> ApiResult<ConversationSummary> {
    let conv = get_for_update(conn, caller, id)?;
    refuse(DeskAction::Invite, &conv)?;
    super::require_operator(conn, caller, &conv, "invite colleagues")?;
    let name = super::check_operator(conn, caller.account_id, who)?;
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
    summary(conn, caller, id)
}
