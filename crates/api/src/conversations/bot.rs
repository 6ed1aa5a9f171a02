//! The lead-capture bot, and contact details left by a visitor.
//!
//! A widget conversation starts with the site's questions (those the contact has not
//! answered yet), one at a time, as `bot` messages. Each answer is checked (a bad e-mail or
//! phone is asked again) and written to the contact; after the last one, or at once when the
//! bot is off, the conversation enters the Inbox.
//!
//! The contact: a visitor's conversation belongs from the start to the visitor's own contact,
//! anonymous (no name, e-mail or phone) until details fill it in. When an e-mail or phone is
//! a known client's, only this conversation is attached to that client; nothing of the
//! client changes and nothing else moves (the submission is logged on it). From then on the
//! chat's later details are only logged on that client. The site key is public: nothing a
//! visitor sends may change, move or reveal a client.

use chrono::Utc;
use diesel::dsl::exists;
use diesel::prelude::*;
use domain::{
    bot_done_text, bot_retry_text, BotQuestion, ConversationStatus, MessageSender, VisitorDetailsRequest, VisitorGiven,
};
use serde_json::{json, Value};
use uuid::Uuid;

use super::queries::{add_message, announce, announce_message, announce_to, ConversationRow};
use crate::contacts::phone_field;
use crate::contacts::queries::{diff, log_changes, save, Actor, ContactRow};
use crate::platform::db::schema::{
    cards, contact_notes, contacts, conversations, messages, sites, tasks, users, visitors,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Audience;

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

/// Whether the visitor's own contact has this field: the bot never looks at a known
/// client's data, so its questions are the same whoever the visitor names.
fn answered(own: Option<&ContactRow>, field: &str) -> bool {
    let Some(contact) = own else { return false };
    match field {
        "name" => contact.name.is_some(),
        "email" => contact.email.is_some(),
        "phone" => contact.phone.is_some(),
        key => contact.custom_fields.get(key).is_some_and(|v| !v.is_null()),
    }
}

/// Asks the next question the contact has not answered from `step` on, or sends the
/// conversation to the Inbox when there is none.
pub fn ask_next(conn: &mut PgConnection, conv: &ConversationRow, step: usize) -> ApiResult<()> {
    let questions = questions_of(conn, conv)?;
    let own = own_contact(conn, conv)?;
    let next = questions.iter().enumerate().skip(step).find(|(_, q)| !answered(own.as_ref(), &q.field));
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

/// Puts the conversation in the Inbox and tells every operator; or, on a site that keeps
/// returning clients with their agent, offers it to the client's agent alone first
/// (`assignment::routing`). Its first-reply clock starts when the site has a target.
pub fn enter_inbox(conn: &mut PgConnection, conversation_id: Uuid) -> ApiResult<i64> {
    let now = Utc::now();
    let (site_id, contact_id): (Option<Uuid>, Uuid) = conversations::table
        .find(conversation_id)
        .select((conversations::site_id, conversations::contact_id))
        .first(conn)?;
    let target: Option<i32> = match site_id {
        Some(site) => sites::table.find(site).select(sites::sla_chat_first_response_secs).first(conn)?,
        None => None,
    };
    let due = target.map(|secs| now + chrono::Duration::seconds(secs as i64));
    let offer = crate::assignment::routing::offer_to_agent(conn, site_id, contact_id, now)?;
    let conv: ConversationRow = diesel::update(conversations::table.find(conversation_id))
        .set((
            conversations::status.eq(ConversationStatus::Waiting.as_str()),
            conversations::waiting_since.eq(now),
            conversations::sla_due_at.eq(due),
            conversations::offered_to.eq(offer.map(|(agent, _)| agent)),
            conversations::offer_expires_at.eq(offer.map(|(_, until)| until)),
        ))
        .returning(ConversationRow::as_returning())
        .get_result(conn)?;
    let Some((agent, expires_at)) = offer else {
        return announce_to(conn, &conv, Audience::everyone(), |conversation| {
            crate::platform::events::EventData::ConversationWaiting(domain::events::ConversationChanged {
                conversation,
            })
        });
    };
    // Their own client: named as the client list names them.
    let (name, email, phone) = contacts::table
        .find(conv.contact_id)
        .select((contacts::name, contacts::email, contacts::phone))
        .first::<(Option<String>, Option<String>, Option<String>)>(conn)?;
    let who = domain::text::contact_label(&name, &email, &phone);
    let title = domain::text::about_client("Your client is on the chat, waiting for you", who.as_deref());
    crate::notifications::notify(conn, conv.account_id, agent, "chat_offered", &title, Some(conv.contact_id))?;
    announce_to(conn, &conv, Audience::users([agent]), |conversation| {
        crate::platform::events::EventData::ConversationOffered(domain::events::ConversationOffered {
            conversation,
            user_id: agent,
            expires_at,
        })
    })
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
        "name" => match domain::name_from_answer(text) {
            Some(name) => {
                details.name = Some(name.chars().take(200).collect());
                true
            }
            // Asked again once already: a second answer that is no name moves on without
            // one. The visitor came with a question, which the transcript keeps whole.
            None if asked_again(conn, conv, question)? => return ask_next(conn, conv, step + 1),
            None => false,
        },
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

/// Whether the bot's last line asked `question` again after an answer that did not fit.
fn asked_again(conn: &mut PgConnection, conv: &ConversationRow, question: &BotQuestion) -> ApiResult<bool> {
    let last: Option<String> = messages::table
        .filter(messages::conversation_id.eq(conv.id))
        .filter(messages::sender.eq(MessageSender::Bot.as_str()))
        .order(messages::position.desc())
        .select(messages::body)
        .first(conn)
        .optional()?;
    Ok(last.is_some_and(|body| body.starts_with(bot_retry_text(conv.lang(), &question.field))))
}

/// Writes a visitor's details (see the module doc); returns the conversation as it is now
/// (its contact may have changed).
///
/// What happens depends only on the visitor's own contact and this conversation, never on
/// what a known client has: the visitor's answer, the bot's next question and the
/// conversation's status are the same for a known client's e-mail or phone as for a new one.
pub fn apply_details(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    details: &VisitorDetailsRequest,
    custom: Option<(String, String)>,
    site_name: &str,
) -> ApiResult<ConversationRow> {
    let actor = Actor::system(&format!("chat on site \"{site_name}\""));
    let email = crate::contacts::email_field(details.email.as_deref(), "email")?;
    let phone = phone_field(details.phone.as_deref(), "phone")?;
    let name = details.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    if email.is_none() && phone.is_none() && name.is_none() && custom.is_none() {
        return Ok(conv.clone());
    }
    let given = VisitorGiven { name: name.clone(), email: email.clone(), phone: phone.clone() };
    let given = serde_json::to_value(conv.visitor_given().updated(given)).unwrap_or_default();
    diesel::update(conversations::table.find(conv.id)).set(conversations::visitor_given.eq(given)).execute(conn)?;
    let own = own_contact(conn, conv)?;
    let submitted = || {
        let mut submitted = json!({"name": name, "email": email, "phone": phone});
        if let Some((key, value)) = &custom {
            submitted[key.as_str()] = Value::String(value.clone());
        }
        submitted
    };
    match own.filter(|own| own.id == conv.contact_id) {
        // The chat was attached to a known client already: a visitor never writes into a
        // client, whatever they send next; the submission is only logged for review.
        None => {
            log_changes(conn, conv.account_id, conv.contact_id, &actor, &[("resubmitted", None, Some(submitted()))])?
        }
        Some(own) => match known_client(conn, &own, email.as_deref(), phone.as_deref())? {
            Some(known) => {
                attach_to_known_client(conn, conv, &own, known)?;
                log_changes(conn, conv.account_id, known, &actor, &[("resubmitted", None, Some(submitted()))])?;
            }
            None => {
                let mut updated = own.clone();
                // A visitor fills in their own contact; they do not overwrite what is there.
                updated.name = updated.name.or(name);
                updated.email = updated.email.or(email);
                updated.phone = updated.phone.or(phone);
                if let Some((key, value)) = custom {
                    if let Some(map) = updated.custom_fields.as_object_mut() {
                        map.entry(key).or_insert(Value::String(value));
                    }
                }
                let changes = diff(&own, &updated);
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
        },
    }
    let conv = conversations::table.find(conv.id).select(ConversationRow::as_select()).first(conn)?;
    announce(conn, &conv, false, |conversation| {
        crate::platform::events::EventData::ConversationContactUpdated(domain::events::ConversationContactUpdated {
            conversation,
            contact_id: conv.contact_id.into(),
        })
    })?;
    Ok(conv)
}

/// The visitor's own contact (created with the visitor, anonymous until they fill it in),
/// locked; `None` for a conversation without a visitor or once that contact went away.
fn own_contact(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<Option<ContactRow>> {
    let Some(visitor_id) = conv.visitor_id else { return Ok(None) };
    let own: Option<Uuid> =
        visitors::table.find(visitor_id).select(visitors::contact_id).first::<Option<Uuid>>(conn).optional()?.flatten();
    let Some(own) = own else { return Ok(None) };
    Ok(contacts::table.find(own).select(ContactRow::as_select()).for_update().first(conn).optional()?)
}

/// Another contact of the account with this e-mail (first) or phone.
fn known_client(
    conn: &mut PgConnection,
    own: &ContactRow,
    email: Option<&str>,
    phone: Option<&str>,
) -> ApiResult<Option<Uuid>> {
    let others = || contacts::table.filter(contacts::account_id.eq(own.account_id)).filter(contacts::id.ne(own.id));
    if let Some(email) = email.filter(|e| own.email.as_deref() != Some(*e)) {
        if let Some(id) = others().filter(contacts::email.eq(email)).select(contacts::id).first(conn).optional()? {
            return Ok(Some(id));
        }
    }
    if let Some(phone) = phone.filter(|p| own.phone.as_deref() != Some(*p)) {
        return Ok(others().filter(contacts::phone.eq(phone)).select(contacts::id).first(conn).optional()?);
    }
    Ok(None)
}

/// The visitor named a known client: this conversation, and nothing else, goes to that
/// client. The visitor's own contact stays theirs; it is removed when nothing is left on it
/// (no e-mail or phone, no other conversation, note, card or task).
fn attach_to_known_client(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    own: &ContactRow,
    known: Uuid,
) -> ApiResult<()> {
    diesel::update(conversations::table.find(conv.id)).set(conversations::contact_id.eq(known)).execute(conn)?;
    if own.email.is_some() || own.phone.is_some() {
        return Ok(());
    }
    let referred: bool = diesel::select(
        exists(conversations::table.filter(conversations::contact_id.eq(own.id)))
            .or(exists(contact_notes::table.filter(contact_notes::contact_id.eq(own.id))))
            .or(exists(cards::table.filter(cards::contact_id.eq(own.id))))
            .or(exists(tasks::table.filter(tasks::contact_id.eq(own.id)))),
    )
    .get_result(conn)?;
    if !referred {
        diesel::delete(contacts::table.find(own.id)).execute(conn)?;
    }
    Ok(())
}
