//! Server-sent event streams: replay after `Last-Event-ID`, then live events, heartbeats.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use domain::{EventTicket, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::hub::{Hub, Subscription, Viewer};
use super::listener::Listening;
use super::{trimmed_through, Event};
use crate::platform::auth::tokens::{TicketClaims, TicketHolder, TICKET_TTL_SECS};
use crate::platform::db::schema::{event_ticket_uses, events, visitors};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;
use crate::platform::state::AppState;

/// Most events one reconnect replays; a client further behind reloads.
const REPLAY_MAX: i64 = 1000;

/// When a stream refused at a cap may be asked for again.
const STREAM_RETRY_AFTER_SECS: i64 = 30;

/// The instance's realtime machinery.
pub struct Realtime {
    pub hub: Arc<Hub>,
    pub listening: Listening,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// A ticket from the matching `…/tickets` endpoint (valid 60 s).
    #[param(min_length = 1, max_length = 1000)]
    pub ticket: String,
    /// Replay events after this id (what `Last-Event-ID` does on a reconnect).
    #[param(minimum = 0)]
    pub last_event_id: Option<i64>,
}

/// Ticket for the operator event stream.
///
/// A ticket opens `GET /api/v1/events` for 60 seconds: EventSource cannot send an
/// `Authorization` header, and the access token must not travel in a URL.
#[utoipa::path(
    tag = "events", operation_id = "create_event_ticket", security(("bearer" = [])),
    responses(
        (status = 201, description = "A ticket", body = EventTicket),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events/tickets")]
pub async fn create_ticket(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    let ticket = state.tokens.issue_ticket(TicketHolder::Operator, caller.user_id, caller.account_id)?;
    Ok(HttpResponse::Created().json(EventTicket { ticket, expires_in: TICKET_TTL_SECS }))
}

/// The operator event stream (server-sent events).
///
/// `text/event-stream` of the account's events this user may see: conversations entering the
/// Inbox, messages, accepts, transfers, invitations, closes, assignments, notifications.
/// Each has an `id`; a reconnect with `last_event_id` first replays what was missed, or sends
/// `event: reset` when that is no longer kept (reload then). EventSource sends the same as the
/// `Last-Event-ID` header on its own reconnects, which is read too (not listed as a parameter:
/// generated clients would see two arguments of one name). A comment line every
/// `EVENT_HEARTBEAT_SECS` keeps proxies from closing it.
#[utoipa::path(
    tag = "events", operation_id = "stream_events", security(()),
    params(StreamQuery),
    responses(
        (status = 200, description = "The event stream", content_type = "text/event-stream", body = String),
        (status = 401, description = "Unknown, expired or already used ticket (a ticket opens one stream)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The user holds `EVENT_STREAMS_PER_USER` streams, or the instance `EVENT_STREAMS_MAX`; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "This instance is not receiving events right now", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn stream_events(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<StreamQuery>,
) -> ApiResult<HttpResponse> {
    let claims = state.tokens.verify_ticket(&query.ticket, TicketHolder::Operator)?;
    let role = state
        .principals
        .standing(&state.db, claims.acc, claims.sub)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("This session has ended; log in again.".into()))?;
    let viewer = Viewer::Operator { user_id: claims.sub, admin: role == domain::Role::Admin };
    // EventSource sends the browser's languages, not the app's: the one the app last recorded.
    let user_id = claims.sub;
    let lang: String = state
        .db
        .run(move |conn| {
            use crate::platform::db::schema::users;
            Ok(users::table.find(user_id).select(users::lang).first(conn)?)
        })
        .await?;
    let lang = Some(domain::i18n::Lang::from_tag(&lang));
    open(state, &claims, viewer, last_event_id(&req, query.last_event_id), lang).await
}

/// Records that the ticket `jti` opened its stream: 401 when it already did (on any instance).
async fn spend_ticket(state: &AppState, jti: Uuid) -> ApiResult<()> {
    let fresh = state
        .db
        .run(move |conn| {
            Ok(diesel::insert_into(event_ticket_uses::table)
                .values(event_ticket_uses::jti.eq(jti))
                .on_conflict_do_nothing()
                .execute(conn)?)
        })
        .await?;
    if fresh == 0 {
        return Err(ApiError::Unauthorized("This ticket was used already; ask for a new one.".into()));
    }
    Ok(())
}

/// The id to replay after: the `Last-Event-ID` header (a browser's reconnect) wins.
pub fn last_event_id(req: &HttpRequest, from_query: Option<i64>) -> Option<i64> {
    req.headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .or(from_query)
        .filter(|id| *id >= 0)
}

/// Opens a stream of the ticket's account's events for `viewer`: one per ticket, within the
/// holder's and the instance's caps (429 with `Retry-After` beyond).
/// `lang`: an operator's, for the system lines of messages (see [`frame`]).
pub async fn open(
    state: web::Data<AppState>,
    ticket: &TicketClaims,
    viewer: Viewer,
    last_event_id: Option<i64>,
    lang: Option<domain::i18n::Lang>,
) -> ApiResult<HttpResponse> {
    let account_id = ticket.acc;
    let mut listening = state.realtime.listening.clone();
    let ready = tokio::time::timeout(Duration::from_secs(5), listening.wait_for(|ready| *ready)).await;
    if !matches!(ready, Ok(Ok(_))) {
        return Err(ApiError::Unavailable("Realtime events are not available right now; retry shortly.".into()));
    }
    spend_ticket(&state, ticket.jti).await?;
    // Subscribe before reading the backlog, so nothing falls between the two.
    let subscription = state
        .realtime
        .hub
        .subscribe(account_id, viewer)
        .map_err(|_| ApiError::TooManyRequests { retry_after_secs: STREAM_RETRY_AFTER_SECS })?;
    let mut pending: VecDeque<Bytes> = VecDeque::new();
    pending.push_back(Bytes::from_static(b"retry: 3000\n\n"));
    let mut skip_through = last_event_id.unwrap_or(0);
    if let Some(after) = last_event_id {
        let (trimmed, backlog) =
            state.db.run(move |conn| Ok((trimmed_through(conn)?, missed(conn, account_id, viewer, after)?))).await?;
        if after < trimmed || backlog.len() as i64 > REPLAY_MAX {
            pending.push_back(Bytes::from_static(b"event: reset\ndata: {}\n\n"));
            skip_through = 0;
        } else {
            for event in &backlog {
                pending.push_back(frame(viewer, lang, event));
                skip_through = skip_through.max(event.id);
            }
        }
    }
    let heartbeat = Duration::from_secs(state.config.event_heartbeat_secs.max(1));
    let body =
        EventBody { pending, subscription, skip_through, state, account_id, viewer, lang, heartbeat, ended: false };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache, no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body.into_stream()))
}

/// What `viewer` may see of `account_id`'s events after `after` (one more than the replay
/// limit, to tell when it is over).
fn missed(conn: &mut PgConnection, account_id: Uuid, viewer: Viewer, after: i64) -> ApiResult<Vec<Event>> {
    let mut query = events::table
        .filter(events::account_id.eq(account_id))
        .filter(events::id.gt(after))
        .order(events::id.asc())
        .limit(REPLAY_MAX + 1)
        .select(Event::as_select())
        .into_boxed();
    match viewer {
        Viewer::Operator { admin: true, .. } => {}
        Viewer::Operator { user_id, admin: false } => {
            query = query.filter(events::everyone.or(events::user_ids.contains(vec![user_id])));
        }
        Viewer::Visitor { visitor_id } => query = query.filter(events::visitor_id.eq(visitor_id)),
    }
    Ok(query.load(conn)?)
}

/// One event in the wire format, as `viewer` may see it. `data` is compact JSON: it has no
/// line breaks. A passing event (id 0) has no `id:` line, so it leaves the client's
/// `Last-Event-ID` alone. A system line reaches an operator in `lang`.
pub fn frame(viewer: Viewer, lang: Option<domain::i18n::Lang>, event: &Event) -> Bytes {
    let own_data;
    let data = match viewer {
        Viewer::Visitor { .. } => {
            own_data = visitor_view(&event.kind, &event.data);
            &own_data
        }
        Viewer::Operator { .. } => match lang.and_then(|lang| note_in_lang(&event.kind, &event.data, lang)) {
            Some(localized) => {
                own_data = localized;
                &own_data
            }
            None => &event.data,
        },
    };
    if event.id == 0 {
        return Bytes::from(format!("event: {}\ndata: {}\n\n", event.kind, data));
    }
    Bytes::from(format!("id: {}\nevent: {}\ndata: {}\n\n", event.id, event.kind, data))
}

/// A `message.created` whose message is a system note, with the note's text in `lang`; `None`
/// for anything else (sent as stored).
fn note_in_lang(kind: &str, data: &serde_json::Value, lang: domain::i18n::Lang) -> Option<serde_json::Value> {
    if kind != domain::EventKind::MessageCreated.as_str() {
        return None;
    }
    let text = domain::SystemNote::text_of(data.pointer("/message/note")?, lang)?;
    let mut data = data.clone();
    data["message"]["body"] = serde_json::Value::String(text);
    Some(data)
}

/// What a visitor's stream carries of an event's data: `domain::events::VisitorEvent`, what
/// the visitor REST view shows (`GET /visitor/conversations/{id}`) and nothing else.
pub fn visitor_view(kind: &str, data: &serde_json::Value) -> serde_json::Value {
    let seen = domain::EventKind::parse(kind)
        .and_then(|kind| domain::events::EventData::parse(kind, data))
        .map(|data| domain::events::VisitorEvent::of(&data))
        .unwrap_or_default();
    serde_json::to_value(seen).unwrap_or_default()
}

struct EventBody {
    pending: VecDeque<Bytes>,
    subscription: Subscription,
    /// Live events up to this id were replayed already.
    skip_through: i64,
    state: web::Data<AppState>,
    account_id: Uuid,
    viewer: Viewer,
    lang: Option<domain::i18n::Lang>,
    heartbeat: Duration,
    /// The hub let go of this stream; its last frame was sent.
    ended: bool,
}

impl EventBody {
    fn into_stream(self) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
        futures_util::stream::unfold(self, |mut body| async move {
            if let Some(bytes) = body.pending.pop_front() {
                return Some((Ok(bytes), body));
            }
            loop {
                tokio::select! {
                    event = body.subscription.events.recv() => {
                        // None: the hub dropped this stream (too slow, events lost, or the
                        // server stopping): a last hint to reconnect soon, then the end.
                        let Some(event) = event else {
                            if body.ended {
                                return None;
                            }
                            body.ended = true;
                            return Some((Ok(Bytes::from_static(b"retry: 1000\n\n")), body));
                        };
                        if event.id != 0 && event.id <= body.skip_through {
                            continue;
                        }
                        return Some((Ok(frame(body.viewer, body.lang, &event)), body));
                    }
                    _ = tokio::time::sleep(body.heartbeat) => {
                        // A disabled user's stream ends at the next heartbeat.
                        if !body.still_allowed().await {
                            return None;
                        }
                        return Some((Ok(Bytes::from_static(b": ping\n\n")), body));
                    }
                }
            }
        })
    }

    /// Whether the holder may still see what this stream shows: a disabled or deleted user,
    /// a user whose role changed (their stream was opened for the old one: they reconnect with
    /// a new ticket), and a blocked visitor (token or address) lose it.
    async fn still_allowed(&self) -> bool {
        match self.viewer {
            Viewer::Operator { user_id, admin } => {
                let standing = self.state.principals.standing(&self.state.db, self.account_id, user_id).await;
                matches!(standing, Ok(Some(role)) if (role == domain::Role::Admin) == admin)
            }
            Viewer::Visitor { visitor_id } => {
                let blocked = self.state.db.run(move |conn| visitor_blocked(conn, visitor_id)).await;
                matches!(blocked, Ok(false))
            }
        }
    }
}

/// Whether the visitor is gone, or blocked by token or by address.
fn visitor_blocked(conn: &mut PgConnection, visitor_id: Uuid) -> ApiResult<bool> {
    let visitor: Option<(Uuid, Option<String>, bool)> = visitors::table
        .find(visitor_id)
        .select((visitors::account_id, visitors::ip, visitors::blocked_at.is_not_null()))
        .first(conn)
        .optional()?;
    let Some((account_id, ip, token_blocked)) = visitor else { return Ok(true) };
    if token_blocked {
        return Ok(true);
    }
    match ip {
        Some(ip) => crate::platform::blocks::address_blocked(conn, account_id, &ip),
        None => Ok(false),
    }
}
