//! The widget's rows: the site of a key, the visitor of a token, their conversations, and
//! the writes a visitor may make.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Channel, ConversationStatus, MessageSender, StartChatRequest, StartChatResponse, VisitorChat,
    VisitorDetailsRequest, VisitorMessage,
};
use uuid::Uuid;

use super::routes::VisitorHeaders;
use crate::contacts::queries::ContactRow;
use crate::contacts::transcript::MessageRow;
use crate::conversations::bot;
use crate::conversations::queries::{add_message, announce_message, ConversationRow};
use crate::platform::auth::tokens::{new_secret, sha256_hex};
use crate::platform::db::schema::{conversations, messages, users, visitors};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::rate_limits::{Limit, RateLimits};
use crate::sites::{find_by_public_key, SiteRow};

/// What a visitor token starts with.
const VISITOR_TOKEN_PREFIX: &str = "vt_";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = visitors)]
pub struct VisitorRow {
    pub id: Uuid,
    pub account_id: Uuid,
    /// The visitor's own contact (see conversations::bot); `None` once it went away.
    pub contact_id: Option<Uuid>,
    pub blocked_at: Option<DateTime<Utc>>,
}

/// The site of the key (401 when unknown), after the address check (403 when blocked).
fn site_for(conn: &mut PgConnection, headers: &VisitorHeaders) -> ApiResult<SiteRow> {
    let site = find_by_public_key(conn, &headers.site_key)?
        .ok_or_else(|| ApiError::Unauthorized("Unknown site key.".into()))?;
    if crate::platform::blocks::address_blocked(conn, site.account_id, &headers.ip)? {
        return Err(blocked());
    }
    Ok(site)
}

pub fn blocked() -> ApiError {
    ApiError::Forbidden("This chat is not available.".into())
}

/// The visitor of the token on this site: 401 for a token unknown here, 403 when blocked.
fn visitor_for(conn: &mut PgConnection, site: &SiteRow, token: Option<&str>) -> ApiResult<VisitorRow> {
    let token = token.ok_or_else(|| ApiError::Unauthorized("Send the visitor token as `X-Visitor-Token`.".into()))?;
    let visitor: VisitorRow = visitors::table
        .filter(visitors::token_hash.eq(sha256_hex(token)))
        .filter(visitors::site_id.eq(site.id))
        .select(VisitorRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::Unauthorized("Unknown visitor token; start a new chat.".into()))?;
    if visitor.blocked_at.is_some() {
        return Err(blocked());
    }
    Ok(visitor)
}

/// The site and visitor of the widget's headers (401, 403 as above).
pub fn signed_in(conn: &mut PgConnection, headers: &VisitorHeaders) -> ApiResult<(SiteRow, VisitorRow)> {
    let site = site_for(conn, headers)?;
    let visitor = visitor_for(conn, &site, headers.token.as_deref())?;
    Ok((site, visitor))
}

/// 409 once the conversation is closed: the visitor starts a new one.
fn still_open(conv: &ConversationRow) -> ApiResult<()> {
    if conv.status() == ConversationStatus::Closed {
        return Err(ApiError::Conflict("This chat has ended; start a new one.".into(), Vec::new()));
    }
    Ok(())
}

/// The visitor's conversation `id`, locked; 404 for anyone else's.
fn conversation_for(conn: &mut PgConnection, visitor: &VisitorRow, id: Uuid) -> ApiResult<ConversationRow> {
    Ok(conversations::table
        .filter(conversations::id.eq(id))
        .filter(conversations::visitor_id.eq(visitor.id))
        .select(ConversationRow::as_select())
        .for_update()
        .first(conn)?)
}

/// The conversation as the widget shows it.
fn chat_view(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<VisitorChat> {
    let rows: Vec<(MessageRow, Option<String>)> = messages::table
        .left_join(users::table.on(users::id.nullable().eq(messages::author_id)))
        .filter(messages::conversation_id.eq(conv.id))
        .order(messages::position)
        .select((MessageRow::as_select(), users::name.nullable()))
        .load(conn)?;
    let status = conversations::table.find(conv.id).select(conversations::status).first::<String>(conn)?;
    Ok(VisitorChat {
        conversation_id: conv.id,
        status: ConversationStatus::parse(&status).unwrap_or(ConversationStatus::Closed),
        messages: rows
            .into_iter()
            .map(|(m, author)| {
                let m = m.into_view();
                VisitorMessage {
                    id: m.id,
                    sender: m.sender,
                    body: m.body,
                    sent_at: m.sent_at,
                    author_name: author.map(|a| domain::first_name(&a).to_string()),
                }
            })
            .collect(),
        operators_online: bot::operators_online(conn, conv.account_id)?,
    })
}

fn new_visitor(
    conn: &mut PgConnection,
    site: &SiteRow,
    token_hash: &str,
    client: &VisitorHeaders,
    user_agent: Option<&str>,
    start: &StartChatRequest,
) -> ApiResult<VisitorRow> {
    let ip = client.ip.as_str();
    let contact = anonymous_contact(conn, site, client, start)?;
    Ok(diesel::insert_into(visitors::table)
        .values((
            visitors::id.eq(Uuid::new_v4()),
            visitors::account_id.eq(site.account_id),
            visitors::site_id.eq(site.id),
            visitors::token_hash.eq(token_hash),
            visitors::contact_id.eq(contact),
            visitors::ip.eq(ip),
            visitors::user_agent.eq(user_agent),
        ))
        .returning(VisitorRow::as_returning())
        .get_result(conn)?)
}

/// A visitor's own contact: anonymous, with the page's origin.
fn anonymous_contact(
    conn: &mut PgConnection,
    site: &SiteRow,
    client: &VisitorHeaders,
    start: &StartChatRequest,
) -> ApiResult<Uuid> {
    let mut contact = ContactRow::new(site.account_id, Channel::LiveChat);
    contact.site_id = Some(site.id);
    contact.page_url = start.page_url.clone();
    contact.referrer = start.referrer.clone();
    contact.source = start.utm_source.clone();
    contact.medium = start.utm_medium.clone();
    contact.campaign = start.utm_campaign.clone();
    contact.ip = Some(client.ip.clone()).filter(|ip| !ip.is_empty());
    crate::contacts::upsert::fill_location_from_ip(&mut contact, client.location.as_ref());
    Ok(crate::contacts::queries::insert(conn, &contact)?.id)
}

/// The visitor's own contact, made anew when the last one went away.
fn own_contact_id(
    conn: &mut PgConnection,
    site: &SiteRow,
    visitor: &VisitorRow,
    client: &VisitorHeaders,
    start: &StartChatRequest,
) -> ApiResult<Uuid> {
    if let Some(id) = visitor.contact_id {
        return Ok(id);
    }
    let id = anonymous_contact(conn, site, client, start)?;
    diesel::update(visitors::table.find(visitor.id)).set(visitors::contact_id.eq(id)).execute(conn)?;
    Ok(id)
}

fn new_conversation(
    conn: &mut PgConnection,
    site: &SiteRow,
    visitor: &VisitorRow,
    client: &VisitorHeaders,
    user_agent: Option<&str>,
    start: &StartChatRequest,
) -> ApiResult<ConversationRow> {
    let ip = client.ip.as_str();
    let lang = domain::i18n::Lang::from_tag(start.lang.as_deref().unwrap_or("en"));
    let contact_id = own_contact_id(conn, site, visitor, client, start)?;
    let now = Utc::now();
    Ok(diesel::insert_into(conversations::table)
        .values((
            conversations::id.eq(Uuid::new_v4()),
            conversations::account_id.eq(site.account_id),
            conversations::contact_id.eq(contact_id),
            conversations::site_id.eq(site.id),
            conversations::channel.eq(Channel::LiveChat.as_str()),
            conversations::started_at.eq(now),
            conversations::status.eq(ConversationStatus::Bot.as_str()),
            conversations::visitor_id.eq(visitor.id),
            conversations::lang.eq(lang.code()),
            conversations::page_url.eq(&start.page_url),
            conversations::referrer.eq(&start.referrer),
            conversations::utm_source.eq(&start.utm_source),
            conversations::utm_medium.eq(&start.utm_medium),
            conversations::utm_campaign.eq(&start.utm_campaign),
            conversations::ip.eq(ip),
            conversations::user_agent.eq(user_agent),
            conversations::last_message_at.eq(now),
        ))
        .returning(ConversationRow::as_returning())
        .get_result(conn)?)
}

/// Starts a chat, or returns the visitor's open one (`false`): a new visitor (and token)
/// when the headers carry none.
pub fn start(
    conn: &mut PgConnection,
    headers: &VisitorHeaders,
    user_agent: Option<&str>,
    start: &StartChatRequest,
) -> ApiResult<(bool, StartChatResponse)> {
    let site = site_for(conn, headers)?;
    let (visitor, token) = match headers.token.as_deref() {
        Some(token) => (visitor_for(conn, &site, Some(token))?, None),
        None => {
            let (token, hash) = new_secret(VISITOR_TOKEN_PREFIX);
            (new_visitor(conn, &site, &hash, headers, user_agent, start)?, Some(token))
        }
    };
    let latest: Option<ConversationRow> = conversations::table
        .filter(conversations::visitor_id.eq(visitor.id))
        .order(conversations::started_at.desc())
        .select(ConversationRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(open) = latest.filter(|c| c.status() != ConversationStatus::Closed) {
        return Ok((false, StartChatResponse { visitor_token: token, chat: chat_view(conn, &open)? }));
    }
    let conv = new_conversation(conn, &site, &visitor, headers, user_agent, start)?;
    bot::ask_next(conn, &conv, 0)?;
    Ok((true, StartChatResponse { visitor_token: token, chat: chat_view(conn, &conv)? }))
}

/// Conversation `id` of the signed-in visitor, as the widget shows it.
pub fn chat(conn: &mut PgConnection, headers: &VisitorHeaders, id: Uuid) -> ApiResult<VisitorChat> {
    let (_, visitor) = signed_in(conn, headers)?;
    let conv = conversation_for(conn, &visitor, id)?;
    chat_view(conn, &conv)
}

/// The visitor's message in their open conversation `id` (the bot's answer when it asks).
pub fn send(
    conn: &mut PgConnection,
    limits: &RateLimits,
    headers: &VisitorHeaders,
    id: Uuid,
    text: &str,
) -> ApiResult<VisitorMessage> {
    let (site, visitor) = signed_in(conn, headers)?;
    limits.check(Limit::VisitorMessage, &visitor.id.to_string())?;
    let conv = conversation_for(conn, &visitor, id)?;
    still_open(&conv)?;
    let message = add_message(conn, &conv, MessageSender::Visitor, None, text)?;
    announce_message(conn, &conv, &message)?;
    if conv.status() == ConversationStatus::Bot {
        bot::answer(conn, &conv, text, &site.name)?;
    }
    Ok(VisitorMessage {
        id: message.id,
        sender: message.sender,
        body: message.body,
        sent_at: message.sent_at,
        author_name: None,
    })
}

/// Tells conversation `id`'s operators the visitor is typing (nothing when it is closed).
pub fn typing(conn: &mut PgConnection, limits: &RateLimits, headers: &VisitorHeaders, id: Uuid) -> ApiResult<()> {
    let (_, visitor) = signed_in(conn, headers)?;
    limits.check(Limit::VisitorMessage, &format!("typing:{}", visitor.id))?;
    let conv = conversation_for(conn, &visitor, id)?;
    if conv.status() == ConversationStatus::Closed {
        return Ok(());
    }
    let audience = crate::conversations::queries::audience(conn, &conv, false)?;
    let data = crate::platform::events::EventData::Typing(domain::events::Typing {
        conversation_id: id,
        sender: domain::MessageSender::Visitor,
        user_id: None,
        author_name: None,
    });
    crate::platform::events::announce_passing(conn, conv.account_id, audience, data)
}

/// Writes the visitor's details (and sends their message) in open conversation `id`.
pub fn leave_details(
    conn: &mut PgConnection,
    limits: &RateLimits,
    headers: &VisitorHeaders,
    id: Uuid,
    details: &VisitorDetailsRequest,
) -> ApiResult<VisitorChat> {
    let (site, visitor) = signed_in(conn, headers)?;
    limits.check(Limit::VisitorMessage, &visitor.id.to_string())?;
    let conv = conversation_for(conn, &visitor, id)?;
    still_open(&conv)?;
    let conv = bot::apply_details(conn, &conv, details, None, &site.name)?;
    if let Some(text) = &details.message {
        let message = add_message(conn, &conv, MessageSender::Visitor, None, text)?;
        announce_message(conn, &conv, &message)?;
        if conv.status() == ConversationStatus::Bot {
            bot::enter_inbox(conn, conv.id)?;
        }
    }
    chat_view(conn, &conv)
}
