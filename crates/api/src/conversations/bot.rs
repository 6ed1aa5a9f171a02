//! The lead-capture bot, and contact details left by a visitor.
//!
//! A widget conversation starts with the site's questions (those the contact has not
//! answered yet), one at a time, as `bot` messages. Each answer is checked (a bad e-mail or
//! phone is asked again) and written to the contact; after the last one, or at once when the
//! bot is off, the conversation enters the Inbox.
//!
//! The contact: a visitor's conversation belongs from the start to an anonymous contact
//! (no name, e-mail or phone) created with it. Details fill it in, through the same
//! dedup as ingestion: when the e-mail or phone is a known client's, the conversation and
//! the visitor move to that client, whose data is not changed by an anonymous source (the
//! submission is logged on it), and the anonymous contact is removed.

use chrono::Utc;
use diesel::dsl::exists;
use diesel::prelude::*;
use domain::{bot_done_text, bot_retry_text, BotQuestion, ConversationStatus, MessageSender, VisitorDetailsRequest};
use serde_json::{json, Value};
use uuid::Uuid;

use super::queries::{add_message, announce, announce_message, announce_to, ConversationRow};
use crate::contacts::phone_field;
use crate::contacts::queries::{diff, log_changes, save, Actor, ContactRow};
use crate::error::{ApiError, ApiResult};
use crate::events::Audience;
use crate::schema::{contact_notes, contacts, conversations, sites, users, visitors};

/// Whether any operator of the account is online.
pub fn operators_online(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<bool> {
    Ok(diesel::select(exists(
        users::table
            .filter(users::account_id.eq(account_id))
            .filter(users::presence.eq("online"))
            .filter(users::disabled.eq(false)),
    ))
    .get_result(conn)?)
}

/// The questions of the conversation's site, when its bot is on.
fn questions_of(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<Vec<BotQuestion>> {
    let Some(site_id) = conv.site_id else { return Ok(Vec::new()) };
    let (enabled, list): (bool, Value) =
        sites::table.find(site_id).select((sites::chat_bot_enabled, sites::chat_bot_questions)).first(conn)?;
    Ok(if enabled { serde_json::from_value(list).unwrap_or_default() } else { Vec::new() })
}

fn answered(contact: &ContactRow, field: &str) -> bool {
    match field {
        "name" => contact.name.is_some(),
        "email" => contact.email.is_some(),
        "phone" => contact.phone.is_some(),
        key => contact.custom_fields.get(key).is_some_and(|v| !v.is_null()),
    }
}

fn contact_of(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<ContactRow> {
    Ok(contacts::table.find(conv.contact_id).select(ContactRow::as_select()).for_update().first(conn)?)
}

/// Asks the next question the contact has not answered from `step` on, or sends the
/// conversation to the Inbox when there is none.
pub fn ask_next(conn: &mut PgConnection, conv: &ConversationRow, step: usize) -> ApiResult<()> {
    let questions = questions_of(conn, conv)?;
    let contact = contact_of(conn, conv)?;
    let next = questions.iter().enumerate().skip(step).find(|(_, q)| !answered(&contact, &q.field));
    match next {
        Some((index, question)) => {
            diesel::update(conversations::table.find(conv.id))
                .set((
                    conversations::status.eq(ConversationStatus::Bot.as_str()),
                    conversations::bot_step.eq(index as i32),
                ))
                .execute(conn)?;
            let message = add_message(conn, conv, MessageSender::Bot, None, &question.prompt(conv.lang()))?;
            announce_message(conn, conv, &message)
        }
        None => {
            if step > 0 {
                let online = operators_online(conn, conv.account_id)?;
                let message = add_message(conn, conv, MessageSender::Bot, None, bot_done_text(conv.lang(), online))?;
                announce_message(conn, conv, &message)?;
            }
            enter_inbox(conn, conv.id)
        }
    }
    .map(|_| ())
}

/// Puts the conversation in the Inbox and tells every operator.
pub fn enter_inbox(conn: &mut PgConnection, conversation_id: Uuid) -> ApiResult<i64> {
    let conv: ConversationRow = diesel::update(conversations::table.find(conversation_id))
        .set((
            conversations::status.eq(ConversationStatus::Waiting.as_str()),
            conversations::waiting_since.eq(Utc::now()),
        ))
        .returning(ConversationRow::as_returning())
        .get_result(conn)?;
    announce_to(conn, &conv, "conversation.waiting", Audience::everyone(), json!({}))
}

/// The visitor's message while the bot asks: the answer to the current question.
pub fn answer(conn: &mut PgConnection, conv: &ConversationRow, text: &str, site_name: &str) -> ApiResult<()> {
    let questions = questions_of(conn, conv)?;
    let step = conv.bot_step.max(0) as usize;
    let Some(question) = questions.get(step) else {
        return enter_inbox(conn, conv.id).map(|_| ());
    };
    let text = text.trim();
    let mut details = VisitorDetailsRequest::default();
    let valid = match question.field.as_str() {
        "name" => {
            details.name = Some(text.chars().take(200).collect());
            true
        }
        "email" => {
            details.email = Some(text.to_string());
            validator::ValidateEmail::validate_email(&text) && text.len() <= 254
        }
        "phone" => {
            details.phone = Some(text.to_string());
            phone_field(Some(text), "phone").is_ok()
        }
        _ => true,
    };
    if !valid {
        let retry = format!("{} {}", bot_retry_text(conv.lang(), &question.field), question.prompt(conv.lang()));
        let message = add_message(conn, conv, MessageSender::Bot, None, &retry)?;
        announce_message(conn, conv, &message)?;
        return Ok(());
    }
    let custom = (!matches!(question.field.as_str(), "name" | "email" | "phone"))
        .then(|| (question.field.clone(), text.chars().take(500).collect::<String>()));
    let conv = apply_details(conn, conv, &details, custom, site_name)?;
    ask_next(conn, &conv, step + 1)
}

/// Writes a visitor's details to the conversation's contact (see the module doc); returns
/// the conversation as it is now (its contact may have changed).
pub fn apply_details(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    details: &VisitorDetailsRequest,
    custom: Option<(String, String)>,
    site_name: &str,
) -> ApiResult<ConversationRow> {
    let actor = Actor::system(&format!("chat on site \"{site_name}\""));
    let contact = contact_of(conn, conv)?;
    let email = details.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(domain::normalize_email);
    let phone = phone_field(details.phone.as_deref(), "phone")?;
    let name = details.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    let others =
        || contacts::table.filter(contacts::account_id.eq(conv.account_id)).filter(contacts::id.ne(contact.id));
    let mut known: Option<Uuid> = None;
    if let Some(email) = &email {
        known = others().filter(contacts::email.eq(email)).select(contacts::id).first(conn).optional()?;
    }
    if known.is_none() {
        if let Some(phone) = &phone {
            known = others().filter(contacts::phone.eq(phone)).select(contacts::id).first(conn).optional()?;
        }
    }
    if let Some(known) = known {
        let submitted = json!({"name": name, "email": email, "phone": phone});
        move_to_known_client(conn, conv, &contact, known)?;
        log_changes(conn, conv.account_id, known, &actor, &[("resubmitted", None, Some(submitted))])?;
    } else {
        let mut updated = contact.clone();
        // A visitor fills in their own anonymous contact; they do not overwrite what is there.
        updated.name = updated.name.or(name);
        updated.email = updated.email.or(email);
        updated.phone = updated.phone.or(phone);
        if let Some((key, value)) = custom {
            if let Some(map) = updated.custom_fields.as_object_mut() {
                map.entry(key).or_insert(Value::String(value));
            }
        }
        let changes = diff(&contact, &updated);
        if !changes.is_empty() {
            updated.updated_at = Utc::now();
            let saved = save(conn, &updated).map_err(|err| match err {
                // Another contact took this e-mail or phone at the same moment.
                ApiError::Conflict(..) => ApiError::Unavailable("Please send that again.".into()),
                other => other,
            })?;
            log_changes(conn, conv.account_id, saved.id, &actor, &changes)?;
        }
    }
    let conv = conversations::table.find(conv.id).select(ConversationRow::as_select()).first(conn)?;
    announce(conn, &conv, "conversation.contact_updated", false, json!({"contact_id": conv.contact_id}))?;
    Ok(conv)
}

/// The visitor turned out to be a known client: their conversations, notes and visitor
/// record move to it, and the anonymous contact goes.
fn move_to_known_client(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    anonymous: &ContactRow,
    known: Uuid,
) -> ApiResult<()> {
    crate::contacts::transcript::reassign(conn, anonymous.id, known)?;
    diesel::update(contact_notes::table.filter(contact_notes::contact_id.eq(anonymous.id)))
        .set(contact_notes::contact_id.eq(known))
        .execute(conn)?;
    diesel::update(visitors::table.filter(visitors::contact_id.eq(anonymous.id)))
        .set(visitors::contact_id.eq(known))
        .execute(conn)?;
    let anonymous_only = anonymous.email.is_none() && anonymous.phone.is_none();
    if anonymous_only && anonymous.account_id == conv.account_id {
        diesel::delete(contacts::table.find(anonymous.id)).execute(conn)?;
    }
    Ok(())
}
