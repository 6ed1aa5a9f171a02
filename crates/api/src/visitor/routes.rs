//! The chat widget's API: public, for browsers on a customer's site.
//!
//! A caller shows the site's public key (`X-Site-Key`) and, after starting a chat, the
//! visitor token it was given (`X-Visitor-Token`): random, stored only as a hash, bound to
//! one site. The rules for public callers hold: answers reveal nothing about existing
//! clients, messages are the visitor's with the server's time, starts are rate-limited per
//! site key and client address and messages per visitor, blocked visitors and addresses get
//! 403. CORS for these paths is in `crate::platform::http::cors`.

use actix_web::dev::Payload;
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Channel, ConversationStatus, EventTicket, MessageSender, Problem, SendMessageRequest, StartChatRequest,
    StartChatResponse, VisitorChat, VisitorDetailsRequest, VisitorMessage,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::contacts::queries::ContactRow;
use crate::contacts::transcript::MessageRow;
use crate::conversations::bot;
use crate::conversations::queries::{add_message, announce_message, ConversationRow};
use crate::platform::auth::tokens::{new_secret, sha256_hex, TicketHolder, TICKET_TTL_SECS};
use crate::platform::db::schema::{conversations, messages, users, visitors};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::hub::Viewer;
use crate::platform::events::stream::{self, StreamQuery};
use crate::platform::http::extract::{client_ip, ValidJson};
use crate::platform::rate_limits::Limit;
use crate::sites::{find_by_public_key, SiteRow};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/visitor")
            .service(start_chat)
            .service(get_chat)
            .service(send_message)
            .service(visitor_typing)
            .service(leave_details)
            .service(create_ticket)
            .service(stream_events),
    );
}

const VISITOR_TOKEN_PREFIX: &str = "vt_";

/// The widget's credentials, as sent.
pub struct VisitorHeaders {
    site_key: String,
    token: Option<String>,
    ip: String,
}

impl FromRequest for VisitorHeaders {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = |name: &str| {
            req.headers().get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
        };
        std::future::ready(match header("x-site-key") {
            None => Err(ApiError::Unauthorized("Send the site's public key as `X-Site-Key`.".into())),
            Some(site_key) => Ok(VisitorHeaders { site_key, token: header("x-visitor-token"), ip: client_ip(req) }),
        })
    }
}

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

fn blocked() -> ApiError {
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
fn signed_in(conn: &mut PgConnection, headers: &VisitorHeaders) -> ApiResult<(SiteRow, VisitorRow)> {
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

/// Start (or resume) a chat.
///
/// With no `X-Visitor-Token`: a new visitor, its token (returned once; keep it, e.g. in
/// `localStorage`) and a new conversation. With a token whose latest conversation is still
/// open: that conversation (200), so a reload resumes it. Otherwise a new conversation for
/// the same visitor. The site's bot asks its first question at once, else the
/// conversation enters the Inbox.
#[utoipa::path(
    tag = "visitor", operation_id = "start_chat", security(("site_key" = []), ("site_key" = [], "visitor_token" = [])),
    request_body = StartChatRequest,
    responses(
        (status = 201, description = "A new conversation (with `visitor_token` for a new visitor)", body = StartChatResponse),
        (status = 200, description = "The visitor's open conversation", body = StartChatResponse),
        (status = 401, description = "Unknown site key, or a visitor token unknown on this site", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The visitor or their address is blocked, or the page's origin is not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many chats from this address (`PUBLIC_RATE_PER_MINUTE`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/conversations")]
pub async fn start_chat(
    state: web::Data<AppState>,
    req: HttpRequest,
    headers: VisitorHeaders,
    body: ValidJson<StartChatRequest>,
) -> ApiResult<HttpResponse> {
    let start = body.0;
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(500).collect::<String>());
    state.rate_limits.check(Limit::PublicSubmission, &format!("{}|{}", headers.site_key, headers.ip))?;
    let (created, response) = state
        .db
        .transaction(move |conn| {
            let site = site_for(conn, &headers)?;
            let (visitor, token) = match headers.token.as_deref() {
                Some(token) => (visitor_for(conn, &site, Some(token))?, None),
                None => {
                    let (token, hash) = new_secret(VISITOR_TOKEN_PREFIX);
                    (new_visitor(conn, &site, &hash, &headers.ip, user_agent.as_deref(), &start)?, Some(token))
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
            let conv = new_conversation(conn, &site, &visitor, &headers.ip, user_agent.as_deref(), &start)?;
            bot::ask_next(conn, &conv, 0)?;
            Ok((true, StartChatResponse { visitor_token: token, chat: chat_view(conn, &conv)? }))
        })
        .await?;
    if created {
        Ok(HttpResponse::Created().json(response))
    } else {
        Ok(HttpResponse::Ok().json(response))
    }
}

fn new_visitor(
    conn: &mut PgConnection,
    site: &SiteRow,
    token_hash: &str,
    ip: &str,
    user_agent: Option<&str>,
    start: &StartChatRequest,
) -> ApiResult<VisitorRow> {
    let contact = anonymous_contact(conn, site, ip, start)?;
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
fn anonymous_contact(conn: &mut PgConnection, site: &SiteRow, ip: &str, start: &StartChatRequest) -> ApiResult<Uuid> {
    let mut contact = ContactRow::new(site.account_id, Channel::LiveChat);
    contact.site_id = Some(site.id);
    contact.page_url = start.page_url.clone();
    contact.referrer = start.referrer.clone();
    contact.source = start.utm_source.clone();
    contact.medium = start.utm_medium.clone();
    contact.campaign = start.utm_campaign.clone();
    contact.ip = Some(ip.to_string()).filter(|ip| !ip.is_empty());
    Ok(crate::contacts::queries::insert(conn, &contact)?.id)
}

/// The visitor's own contact, made anew when the last one went away.
fn own_contact_id(
    conn: &mut PgConnection,
    site: &SiteRow,
    visitor: &VisitorRow,
    ip: &str,
    start: &StartChatRequest,
) -> ApiResult<Uuid> {
    if let Some(id) = visitor.contact_id {
        return Ok(id);
    }
    let id = anonymous_contact(conn, site, ip, start)?;
    diesel::update(visitors::table.find(visitor.id)).set(visitors::contact_id.eq(id)).execute(conn)?;
    Ok(id)
}

fn new_conversation(
    conn: &mut PgConnection,
    site: &SiteRow,
    visitor: &VisitorRow,
    ip: &str,
    user_agent: Option<&str>,
    start: &StartChatRequest,
) -> ApiResult<ConversationRow> {
    let lang = domain::i18n::Lang::from_tag(start.lang.as_deref().unwrap_or("en"));
    let contact_id = own_contact_id(conn, site, visitor, ip, start)?;
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

/// The visitor's conversation.
///
/// Its messages as the widget shows them (operators by first name), its state, and whether
/// an operator is online.
#[utoipa::path(
    tag = "visitor", operation_id = "get_chat", security(("site_key" = [], "visitor_token" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = VisitorChat),
        (status = 401, description = "Unknown site key or visitor token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Blocked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not this visitor's conversation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/conversations/{id}")]
pub async fn get_chat(
    state: web::Data<AppState>,
    headers: VisitorHeaders,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<VisitorChat>> {
    let id = id.into_inner();
    let chat = state
        .db
        .transaction(move |conn| {
            let (_, visitor) = signed_in(conn, &headers)?;
            let conv = conversation_for(conn, &visitor, id)?;
            chat_view(conn, &conv)
        })
        .await?;
    Ok(web::Json(chat))
}

/// Send a message as the visitor.
///
/// While the bot asks, the message is the answer to its question. The server sets the time.
#[utoipa::path(
    tag = "visitor", operation_id = "send_visitor_message", security(("site_key" = [], "visitor_token" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    request_body = SendMessageRequest,
    responses(
        (status = 201, description = "Sent", body = VisitorMessage),
        (status = 401, description = "Unknown site key or visitor token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Blocked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not this visitor's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The conversation is closed: start a new one", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or longer than 5,000 characters", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many messages (`VISITOR_MESSAGES_PER_MINUTE`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    headers: VisitorHeaders,
    id: web::Path<Uuid>,
    body: ValidJson<SendMessageRequest>,
) -> ApiResult<HttpResponse> {
    let (id, text) = (id.into_inner(), body.0.body);
    let limiter = state.clone();
    let message = state
        .db
        .transaction(move |conn| {
            let (site, visitor) = signed_in(conn, &headers)?;
            limiter.rate_limits.check(Limit::VisitorMessage, &visitor.id.to_string())?;
            let conv = conversation_for(conn, &visitor, id)?;
            still_open(&conv)?;
            let message = add_message(conn, &conv, MessageSender::Visitor, None, &text)?;
            announce_message(conn, &conv, &message)?;
            if conv.status() == ConversationStatus::Bot {
                bot::answer(conn, &conv, &text, &site.name)?;
            }
            Ok(VisitorMessage {
                id: message.id,
                sender: message.sender,
                body: message.body,
                sent_at: message.sent_at,
                author_name: None,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

/// Say the visitor is typing.
///
/// The conversation's operators see it for a few seconds. Not stored; the widget sends it at
/// most every few seconds while the visitor types (limited like messages, in a bucket of its own).
#[utoipa::path(
    tag = "visitor", operation_id = "visitor_typing", security(("site_key" = [], "visitor_token" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 204, description = "Announced"),
        (status = 401, description = "Unknown site key or visitor token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Blocked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not this visitor's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many typing notices", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/typing")]
pub async fn visitor_typing(
    state: web::Data<AppState>,
    headers: VisitorHeaders,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let limiter = state.clone();
    state
        .db
        .run(move |conn| {
            let (_, visitor) = signed_in(conn, &headers)?;
            limiter.rate_limits.check(Limit::VisitorMessage, &format!("typing:{}", visitor.id))?;
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
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Leave contact details.
///
/// The offline form, or details given during the chat: written to the visitor's own contact;
/// an e-mail or phone of a known client attaches this conversation to that client and
/// changes nothing of it (see docs/LIVE_CHAT.md). With `message`,
/// that message is sent too, and a conversation still with the bot enters the Inbox. Fields
/// left out (or all of them) change nothing.
#[utoipa::path(
    tag = "visitor", operation_id = "leave_visitor_details", security(("site_key" = [], "visitor_token" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    request_body = VisitorDetailsRequest,
    responses(
        (status = 200, description = "Recorded (the same answer for new and known clients)", body = VisitorChat),
        (status = 401, description = "Unknown site key or visitor token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Blocked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not this visitor's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The conversation is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid e-mail or phone", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/details")]
pub async fn leave_details(
    state: web::Data<AppState>,
    headers: VisitorHeaders,
    id: web::Path<Uuid>,
    body: ValidJson<VisitorDetailsRequest>,
) -> ApiResult<web::Json<VisitorChat>> {
    let (id, details) = (id.into_inner(), body.0);
    let limiter = state.clone();
    let chat = state
        .db
        .transaction(move |conn| {
            let (site, visitor) = signed_in(conn, &headers)?;
            limiter.rate_limits.check(Limit::VisitorMessage, &visitor.id.to_string())?;
            let conv = conversation_for(conn, &visitor, id)?;
            still_open(&conv)?;
            let conv = bot::apply_details(conn, &conv, &details, None, &site.name)?;
            if let Some(text) = &details.message {
                let message = add_message(conn, &conv, MessageSender::Visitor, None, text)?;
                announce_message(conn, &conv, &message)?;
                if conv.status() == ConversationStatus::Bot {
                    bot::enter_inbox(conn, conv.id)?;
                }
            }
            chat_view(conn, &conv)
        })
        .await?;
    Ok(web::Json(chat))
}

/// Ticket for the visitor's event stream.
///
/// Opens `GET /api/v1/visitor/events` for 60 seconds (EventSource cannot send headers).
#[utoipa::path(
    tag = "visitor", operation_id = "create_visitor_ticket", security(("site_key" = [], "visitor_token" = [])),
    responses(
        (status = 201, description = "A ticket", body = EventTicket),
        (status = 401, description = "Unknown site key or visitor token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets")]
pub async fn create_ticket(state: web::Data<AppState>, headers: VisitorHeaders) -> ApiResult<HttpResponse> {
    let visitor = state.db.run(move |conn| Ok(signed_in(conn, &headers)?.1)).await?;
    let ticket = state.tokens.issue_ticket(TicketHolder::Visitor, visitor.id, visitor.account_id)?;
    Ok(HttpResponse::Created().json(EventTicket { ticket, expires_in: TICKET_TTL_SECS }))
}

/// The visitor's event stream (server-sent events).
///
/// Messages of the visitor's conversations (the bot's, the operators', their own from
/// another tab), accepts, transfers and closes, with `Last-Event-ID` replay as on the
/// operator stream.
#[utoipa::path(
    tag = "visitor", operation_id = "stream_visitor_events", security(()),
    params(StreamQuery, ("Last-Event-ID" = Option<i64>, Header, minimum = 0, description = "The last event id received")),
    responses(
        (status = 200, description = "The event stream", content_type = "text/event-stream", body = String),
        (status = 401, description = "Unknown, expired or already used ticket (a ticket opens one stream)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The visitor or their address is blocked", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The visitor holds `EVENT_STREAMS_PER_VISITOR` streams, or the instance `EVENT_STREAMS_MAX`; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "This instance is not receiving events right now", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn stream_events(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<StreamQuery>,
) -> ApiResult<HttpResponse> {
    let claims = state.tokens.verify_ticket(&query.ticket, TicketHolder::Visitor)?;
    let blocked_now = state.db.run(move |conn| crate::platform::blocks::token_blocked(conn, claims.sub)).await?;
    match blocked_now {
        None => return Err(ApiError::Unauthorized("Unknown visitor.".into())),
        Some(true) => return Err(blocked()),
        Some(false) => {}
    }
    let last = stream::last_event_id(&req, query.last_event_id);
    stream::open(state, &claims, Viewer::Visitor { visitor_id: claims.sub }, last).await
}
