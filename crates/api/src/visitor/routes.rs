//! The widget's handlers, its credentials and their OpenAPI.

use actix_web::dev::Payload;
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use domain::{
    EventTicket, Problem, SendMessageRequest, StartChatRequest, StartChatResponse, VisitorChat, VisitorDetailsRequest,
    VisitorMessage,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::queries;
use crate::platform::auth::tokens::{TicketHolder, TICKET_TTL_SECS};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::hub::Viewer;
use crate::platform::events::stream::{self, StreamQuery};
use crate::platform::http::extract::{client_ip, ValidJson};
use crate::platform::rate_limits::Limit;
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

/// The widget's credentials, as sent.
pub struct VisitorHeaders {
    pub site_key: String,
    pub token: Option<String>,
    pub ip: String,
    /// Where `ip` probably is (`platform::geoip`): looked up only when a chat starts, for a
    /// new visitor's contact.
    pub location: Option<domain::Location>,
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
            Some(site_key) => {
                Ok(VisitorHeaders { site_key, token: header("x-visitor-token"), ip: client_ip(req), location: None })
            }
        })
    }
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
    mut headers: VisitorHeaders,
    body: ValidJson<StartChatRequest>,
) -> ApiResult<HttpResponse> {
    let start = body.0;
    headers.location = state.geoip.locate(&headers.ip);
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(500).collect::<String>());
    state.rate_limits.check(Limit::PublicSubmission, &format!("{}|{}", headers.site_key, headers.ip))?;
    let (created, response) =
        state.db.transaction(move |conn| queries::start(conn, &headers, user_agent.as_deref(), &start)).await?;
    if created {
        Ok(HttpResponse::Created().json(response))
    } else {
        Ok(HttpResponse::Ok().json(response))
    }
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
    let chat = state.db.transaction(move |conn| queries::chat(conn, &headers, id)).await?;
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
    let message =
        state.db.transaction(move |conn| queries::send(conn, &limiter.rate_limits, &headers, id, &text)).await?;
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
    state.db.run(move |conn| queries::typing(conn, &limiter.rate_limits, &headers, id)).await?;
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
        .transaction(move |conn| queries::leave_details(conn, &limiter.rate_limits, &headers, id, &details))
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
    let visitor = state.db.run(move |conn| Ok(queries::signed_in(conn, &headers)?.1)).await?;
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
    params(StreamQuery),
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
        Some(true) => return Err(queries::blocked()),
        Some(false) => {}
    }
    let last = stream::last_event_id(&req, query.last_event_id);
    stream::open(state, &claims, Viewer::Visitor { visitor_id: claims.sub }, last, None).await
}
