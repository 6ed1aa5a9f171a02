//! Conversation rows, who may see them, and their list form with stats.

pub mod actions;
pub mod desk_lists;
pub mod moderation;
pub mod settings;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::pg::Pg;
use diesel::prelude::*;
use domain::events::ConversationRef;
use domain::{ConversationStats, ConversationStatus, ConversationSummary, MessageSender, MessageView};
use serde_json::Value;
use uuid::Uuid;

use crate::contacts::transcript::MessageRow;
use crate::platform::db::schema::{
    contacts, conversation_participants, conversations, messages, sites, users, visitors,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::{self, Audience, EventData};
use crate::platform::http::extract::AuthUser;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub contact_id: Uuid,
    pub site_id: Option<Uuid>,
    pub status: String,
    pub visitor_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub lang: String,
    pub page_url: Option<String>,
    pub ip: Option<String>,
    pub bot_step: i32,
    pub tags: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub last_message_at: Option<DateTime<Utc>>,
    /// [`domain::VisitorGiven`] as JSON.
    pub visitor_given: Value,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub sla_breached_at: Option<DateTime<Utc>>,
    /// While waiting: the client's own agent it is offered to first, until `offer_expires_at`.
    pub offered_to: Option<Uuid>,
    pub offer_expires_at: Option<DateTime<Utc>>,
}

impl ConversationRow {
    pub fn status(&self) -> ConversationStatus {
        ConversationStatus::parse(&self.status).unwrap_or(ConversationStatus::Closed)
    }

    pub fn lang(&self) -> domain::i18n::Lang {
        domain::i18n::Lang::from_tag(&self.lang)
    }

    /// What the visitor typed about themselves in this chat.
    pub fn visitor_given(&self) -> domain::VisitorGiven {
        serde_json::from_value(self.visitor_given.clone()).unwrap_or_default()
    }
}

/// The account's conversations the caller may see: admins all; agents the Inbox, the ones
/// they own or were invited to, and those of contacts assigned to them.
pub fn visible(caller: &AuthUser) -> conversations::BoxedQuery<'static, Pg> {
    let q = conversations::table.filter(conversations::account_id.eq(caller.account_id)).into_boxed();
    if caller.is_admin() {
        return q;
    }
    let me = caller.user_id;
    q.filter(
        conversations::status
            .eq(ConversationStatus::Waiting.as_str())
            .or(conversations::owner_id.eq(me))
            .or(exists(
                conversation_participants::table
                    .filter(conversation_participants::conversation_id.eq(conversations::id))
                    .filter(conversation_participants::user_id.eq(me)),
            ))
            .or(exists(
                contacts::table.filter(contacts::id.eq(conversations::contact_id)).filter(contacts::assignee_id.eq(me)),
            )),
    )
}

/// One visible conversation, locked for the rest of the transaction; 404 otherwise.
pub fn get_for_update(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationRow> {
    // The visibility check reads other tables; lock the row itself separately.
    visible(caller).filter(conversations::id.eq(id)).select(conversations::id).first::<Uuid>(conn)?;
    Ok(conversations::table.find(id).select(ConversationRow::as_select()).for_update().first(conn)?)
}

pub fn get(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationRow> {
    Ok(visible(caller).filter(conversations::id.eq(id)).select(ConversationRow::as_select()).first(conn)?)
}

pub fn participants(conn: &mut PgConnection, conversation_id: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(conversation_participants::table
        .filter(conversation_participants::conversation_id.eq(conversation_id))
        .order(conversation_participants::added_at)
        .select(conversation_participants::user_id)
        .load(conn)?)
}

/// Whether the caller takes part: its owner or an invited colleague.
pub fn takes_part(conn: &mut PgConnection, conv: &ConversationRow, user_id: Uuid) -> ApiResult<bool> {
    Ok(conv.owner_id == Some(user_id) || participants(conn, conv.id)?.contains(&user_id))
}

/// 403 unless the caller is an admin or one of the conversation's operators; `what` ends
/// "Only its operators can …".
pub fn require_operator(
    conn: &mut PgConnection,
    caller: &AuthUser,
    conv: &ConversationRow,
    what: &str,
) -> ApiResult<()> {
    if caller.is_admin() || takes_part(conn, conv, caller.user_id)? {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!("Only its operators can {what}.")))
    }
}

/// Who hears about a change to `conv`: its operators and its contact's assignee (admins
/// always), everyone while it waits in the shared Inbox (the agent alone while it is offered
/// to them), and its visitor when `to_visitor`.
pub fn audience(conn: &mut PgConnection, conv: &ConversationRow, to_visitor: bool) -> ApiResult<Audience> {
    let assignee: Option<Uuid> =
        contacts::table.find(conv.contact_id).select(contacts::assignee_id).first(conn).optional()?.flatten();
    let mut users = participants(conn, conv.id)?;
    users.extend(conv.owner_id);
    users.extend(assignee);
    users.extend(conv.offered_to);
    let mut audience = Audience::users(users);
    audience.everyone = conv.status() == ConversationStatus::Waiting && conv.offered_to.is_none();
    Ok(audience.with_visitor(if to_visitor { conv.visitor_id } else { None }))
}

/// Records `kind` for `conv` with its id and status in the data (plus `extra`).
pub fn announce(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    to_visitor: bool,
    data: impl FnOnce(ConversationRef) -> EventData,
) -> ApiResult<i64> {
    let audience = audience(conn, conv, to_visitor)?;
    announce_to(conn, conv, audience, data)
}

/// Like [`announce`], to a chosen audience.
pub fn announce_to(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    audience: Audience,
    data: impl FnOnce(ConversationRef) -> EventData,
) -> ApiResult<i64> {
    let conversation = ConversationRef { conversation_id: conv.id, status: conv.status() };
    events::record(conn, conv.account_id, audience, data(conversation))
}

pub fn messages_of(conn: &mut PgConnection, conversation_id: Uuid) -> ApiResult<Vec<MessageView>> {
    let rows: Vec<MessageRow> = messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .order(messages::position)
        .select(MessageRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(MessageRow::into_view).collect())
}

/// Appends a message; returns it. Keeps the conversation's last-message and first-response
/// times. The caller announces it.
pub fn add_message(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    sender: MessageSender,
    author_id: Option<Uuid>,
    body: &str,
) -> ApiResult<MessageView> {
    insert_message(conn, conv, sender, author_id, body, None)
}

/// [`add_message`], with a system note's code and parameters beside its text.
pub fn insert_message(
    conn: &mut PgConnection,
    conv: &ConversationRow,
    sender: MessageSender,
    author_id: Option<Uuid>,
    body: &str,
    note: Option<serde_json::Value>,
) -> ApiResult<MessageView> {
    let position: Option<i32> = messages::table
        .filter(messages::conversation_id.eq(conv.id))
        .select(diesel::dsl::max(messages::position))
        .first(conn)?;
    let now = Utc::now();
    let id = Uuid::new_v4();
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(id),
            messages::account_id.eq(conv.account_id),
            messages::conversation_id.eq(conv.id),
            messages::sender.eq(sender.as_str()),
            messages::body.eq(body),
            messages::sent_at.eq(now),
            messages::position.eq(position.map_or(0, |p| p + 1)),
            messages::author_id.eq(author_id),
            messages::note.eq(&note),
        ))
        .execute(conn)?;
    let first_response = (sender == MessageSender::Agent && conv.first_response_at.is_none()).then_some(now);
    diesel::update(conversations::table.find(conv.id))
        .set((
            conversations::last_message_at.eq(now),
            conversations::first_response_at.eq(first_response.or(conv.first_response_at)),
        ))
        .execute(conn)?;
    Ok(MessageView { id, sender, body: body.to_string(), sent_at: now, author_id, note })
}

/// A message event: for the conversation's operators and its visitor (with the operator's
/// first name, as the widget shows it).
pub fn announce_message(conn: &mut PgConnection, conv: &ConversationRow, message: &MessageView) -> ApiResult<i64> {
    let author_name = match message.author_id {
        Some(id) => users::table.find(id).select(users::name).first::<String>(conn).optional()?,
        None => None,
    }
    .map(|name| name.split_whitespace().next().unwrap_or_default().to_string());
    announce(conn, conv, true, |conversation| {
        EventData::MessageCreated(domain::events::MessageCreated {
            conversation,
            message: message.clone(),
            author_name,
        })
    })
}

/// Whether the visitor of `conv` or its address is blocked.
pub fn blocked(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<bool> {
    let token_blocked = match conv.visitor_id {
        Some(v) => crate::platform::blocks::token_blocked(conn, v)?,
        None => None,
    };
    let ip_blocked = match &conv.ip {
        Some(ip) => crate::platform::blocks::address_blocked(conn, conv.account_id, ip)?,
        None => false,
    };
    Ok(token_blocked.unwrap_or(false) || ip_blocked)
}

/// The list form of `rows` as `caller` may see them, with contact labels (what the visitor
/// typed, for a client the caller may not see), site names, participants, last messages and
/// per-conversation stats, in a fixed number of queries.
pub fn summaries(
    conn: &mut PgConnection,
    caller: &AuthUser,
    rows: Vec<ConversationRow>,
) -> ApiResult<Vec<ConversationSummary>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let contact_ids: Vec<Uuid> = rows.iter().map(|r| r.contact_id).collect();
    let site_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.site_id).collect();
    let labels: HashMap<Uuid, Option<String>> = contacts::table
        .filter(contacts::id.eq_any(&contact_ids))
        .select((contacts::id, contacts::assignee_id, contacts::name, contacts::email, contacts::phone))
        .load::<(Uuid, Option<Uuid>, Option<String>, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .filter(|(_, assignee, ..)| domain::contact_visible_to(caller.is_admin(), caller.user_id, *assignee))
        .map(|(id, _, name, email, phone)| (id, domain::text::contact_label(&name, &email, &phone)))
        .collect();
    let site_names: HashMap<Uuid, String> = sites::table
        .filter(sites::id.eq_any(&site_ids))
        .select((sites::id, sites::name))
        .load(conn)?
        .into_iter()
        .collect();
    let mut parts: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (conv, user) in conversation_participants::table
        .filter(conversation_participants::conversation_id.eq_any(&ids))
        .order(conversation_participants::added_at)
        .select((conversation_participants::conversation_id, conversation_participants::user_id))
        .load::<(Uuid, Uuid)>(conn)?
    {
        parts.entry(conv).or_default().push(user);
    }
    let counts = message_counts(conn, &ids)?;
    let last = last_messages(conn, &ids)?;
    let blocked_visitors: Vec<Uuid> = visitors::table
        .filter(visitors::id.eq_any(rows.iter().filter_map(|r| r.visitor_id).collect::<Vec<_>>()))
        .filter(visitors::blocked_at.is_not_null())
        .select(visitors::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (stats, operators) = counts.get(&r.id).cloned().unwrap_or_default();
            let secs = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| match (from, to) {
                (Some(a), Some(b)) => Some((b - a).num_seconds().max(0)),
                _ => None,
            };
            ConversationSummary {
                id: r.id,
                status: r.status(),
                contact_id: r.contact_id,
                contact_label: match labels.get(&r.contact_id) {
                    Some(label) => label.clone(),
                    None => r.visitor_given().label(),
                },
                site_id: r.site_id,
                site_name: r.site_id.and_then(|s| site_names.get(&s).cloned()),
                page_url: r.page_url.clone(),
                owner_id: r.owner_id,
                participant_ids: parts.remove(&r.id).unwrap_or_default(),
                tags: r.tags.clone(),
                started_at: r.started_at,
                waiting_since: r.waiting_since,
                accepted_at: r.accepted_at,
                closed_at: r.closed_at,
                last_message_at: r.last_message_at,
                last_message: last.get(&r.id).map(|(body, _)| body.clone()),
                last_message_from_visitor: last.get(&r.id).is_some_and(|(_, from_visitor)| *from_visitor),
                blocked: r.visitor_id.is_some_and(|v| blocked_visitors.contains(&v)),
                stats: ConversationStats {
                    wait_secs: secs(r.waiting_since, r.accepted_at),
                    first_response_secs: secs(r.waiting_since, r.first_response_at),
                    duration_secs: secs(Some(r.started_at), r.closed_at),
                    operator_ids: operators,
                    ..stats
                },
                sla_due_at: r.sla_due_at,
                sla_breached_at: r.sla_breached_at,
                offered_to: r.offered_to,
                offer_expires_at: r.offer_expires_at,
            }
        })
        .collect())
}

/// Per conversation, the last thing someone said (not the desk's own notes), cut to 140
/// characters, and whether the visitor said it.
pub fn last_messages(conn: &mut PgConnection, ids: &[Uuid]) -> ApiResult<HashMap<Uuid, (String, bool)>> {
    Ok(messages::table
        .filter(messages::conversation_id.eq_any(ids))
        .filter(messages::sender.ne(MessageSender::System.as_str()))
        .distinct_on(messages::conversation_id)
        .order((messages::conversation_id, messages::position.desc()))
        .select((messages::conversation_id, messages::body, messages::sender))
        .load::<(Uuid, String, String)>(conn)?
        .into_iter()
        .map(|(id, body, sender)| (id, (body.chars().take(140).collect(), sender == MessageSender::Visitor.as_str())))
        .collect())
}

/// Messages per sender and the operators who wrote, per conversation.
fn message_counts(conn: &mut PgConnection, ids: &[Uuid]) -> ApiResult<HashMap<Uuid, (ConversationStats, Vec<Uuid>)>> {
    let rows: Vec<(Uuid, String, Option<Uuid>, i64)> = messages::table
        .filter(messages::conversation_id.eq_any(ids))
        .group_by((messages::conversation_id, messages::sender, messages::author_id))
        .select((messages::conversation_id, messages::sender, messages::author_id, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<Uuid, (ConversationStats, Vec<Uuid>)> = HashMap::new();
    for (conv, sender, author, n) in rows {
        let (stats, operators) = out.entry(conv).or_default();
        match MessageSender::parse(&sender) {
            Some(MessageSender::Visitor) => stats.visitor_messages += n,
            Some(MessageSender::Agent) => stats.operator_messages += n,
            Some(MessageSender::Bot) => stats.bot_messages += n,
            _ => {}
        }
        if let Some(author) = author.filter(|a| !operators.contains(a)) {
            operators.push(author);
        }
    }
    Ok(out)
}

/// 422 unless `user_id` is an enabled user of the account.
pub fn check_operator(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid) -> ApiResult<String> {
    users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq(user_id))
        .filter(not(users::disabled))
        .select(users::name)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::field("user_id", "unknown", "is not an active user of this account"))
}
