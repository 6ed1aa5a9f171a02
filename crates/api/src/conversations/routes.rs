//! The operator desk: Inbox (waiting), My conversations (active, mine) and All (closed,
//! with stats, filters and full-text search), and what operators do to a conversation.
//! The visitor's side is `crate::visitor`; both share [`queries`].

pub mod actions;
pub mod bot;
pub mod ignores;
pub mod moderation;
pub mod queries;
pub mod settings;

use actix_web::{get, web};
use chrono::Utc;
use diesel::dsl::{exists, not, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use domain::{
    ConversationDetail, ConversationList, ConversationQuery, ConversationStatus, ConversationTotals, DeskCounts,
    DeskView, Problem,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::contacts::queries::{decode_cursor, encode_cursor, ContactRow};
use crate::platform::db::schema::{contacts, conversation_ignores, conversation_participants, conversations};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;
use crate::AppState;
use queries::{summaries, visible, ConversationRow};

pub fn routes(cfg: &mut ServiceConfig) {
    // A site's chat settings: whole paths under `/sites`, so registered before sites' scope.
    cfg.service(settings::get_chat_settings).service(settings::update_chat_settings).service(
        utoipa_actix_web::scope("/conversations")
            .service(list_conversations)
            .service(desk_counts)
            .service(get_conversation)
            .service(actions::accept)
            .service(actions::ignore)
            .service(actions::reply)
            .service(actions::typing)
            .service(actions::close)
            .service(actions::join)
            .service(actions::transfer)
            .service(actions::invite)
            .service(moderation::add_tag)
            .service(moderation::remove_tag)
            .service(moderation::block)
            .service(moderation::unblock),
    );
}

/// The desk's lists.
///
/// `view=inbox`: conversations waiting for an operator, oldest first, except those the caller
/// ignored a moment ago. `view=mine`: open conversations the caller owns or was invited to,
/// latest activity first. `view=all`: closed conversations the caller may see, newest first,
/// with stats and totals; filter by site, operator, dates, tag, the contact's rating, and
/// words in the messages (`q`, PostgreSQL full-text in Portuguese and English).
#[utoipa::path(
    tag = "conversations", operation_id = "list_conversations", security(("bearer" = [])),
    params(ConversationQuery),
    responses(
        (status = 200, description = "One page", body = ConversationList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ConversationQuery>,
) -> ApiResult<web::Json<ConversationList>> {
    let query = query.into_inner();
    validator::Validate::validate(&query)?;
    let list = state.db.run(move |conn| list(conn, &caller, &query)).await?;
    Ok(web::Json(list))
}

fn list(conn: &mut PgConnection, caller: &AuthUser, f: &ConversationQuery) -> ApiResult<ConversationList> {
    let limit = f.limit.unwrap_or(50);
    // Checked in every view (`inbox` and `all` page), so a bad one is always a 422.
    let cursor = f.cursor.as_deref().map(decode_cursor).transpose()?;
    match f.view {
        DeskView::Inbox => {
            // Oldest first, in pages: (waiting_since, id) after the cursor.
            let mut q = inbox(caller).select(ConversationRow::as_select());
            if let Some((ts, id)) = cursor {
                q = q.filter(
                    conversations::waiting_since
                        .gt(ts)
                        .or(conversations::waiting_since.eq(ts).and(conversations::id.gt(id))),
                );
            }
            let mut rows: Vec<ConversationRow> =
                q.order((conversations::waiting_since.asc(), conversations::id.asc())).limit(limit + 1).load(conn)?;
            let next_cursor = page_end(&mut rows, limit, |r| r.waiting_since);
            Ok(ConversationList { items: summaries(conn, caller, rows)?, totals: None, next_cursor })
        }
        DeskView::Mine => {
            let rows = mine(caller)
                .select(ConversationRow::as_select())
                .order((conversations::last_message_at.desc().nulls_last(), conversations::id.desc()))
                .limit(limit)
                .load(conn)?;
            Ok(ConversationList { items: summaries(conn, caller, rows)?, totals: None, next_cursor: None })
        }
        DeskView::All => {
            let filtered = || all_filtered(caller, f);
            let totals = totals(conn, filtered())?;
            let mut q = filtered().select(ConversationRow::as_select());
            if let Some((ts, id)) = cursor {
                q = q.filter(
                    conversations::closed_at.lt(ts).or(conversations::closed_at.eq(ts).and(conversations::id.lt(id))),
                );
            }
            let mut rows: Vec<ConversationRow> =
                q.order((conversations::closed_at.desc(), conversations::id.desc())).limit(limit + 1).load(conn)?;
            let next_cursor = page_end(&mut rows, limit, |r| r.closed_at);
            Ok(ConversationList { items: summaries(conn, caller, rows)?, totals: Some(totals), next_cursor })
        }
    }
}

/// Cuts `rows` (one more than `limit` was loaded) to the page and returns the cursor after
/// its last row (keyed by `at` and id), or none on the last page.
fn page_end(
    rows: &mut Vec<ConversationRow>,
    limit: i64,
    at: impl Fn(&ConversationRow) -> Option<chrono::DateTime<Utc>>,
) -> Option<String> {
    if rows.len() as i64 <= limit {
        return None;
    }
    rows.truncate(limit as usize);
    rows.last().and_then(|r| at(r).map(|t| encode_cursor((t, r.id))))
}

/// The caller's Inbox: waiting, minus what they ignored a moment ago.
fn inbox(caller: &AuthUser) -> conversations::BoxedQuery<'static, diesel::pg::Pg> {
    visible(caller).filter(conversations::status.eq(ConversationStatus::Waiting.as_str())).filter(not(exists(
        conversation_ignores::table
            .filter(conversation_ignores::conversation_id.eq(conversations::id))
            .filter(conversation_ignores::user_id.eq(caller.user_id))
            .filter(conversation_ignores::until.gt(Utc::now())),
    )))
}

/// The caller's open conversations: owned or invited into.
fn mine(caller: &AuthUser) -> conversations::BoxedQuery<'static, diesel::pg::Pg> {
    visible(caller).filter(conversations::status.eq(ConversationStatus::Active.as_str())).filter(
        conversations::owner_id.eq(caller.user_id).or(exists(
            conversation_participants::table
                .filter(conversation_participants::conversation_id.eq(conversations::id))
                .filter(conversation_participants::user_id.eq(caller.user_id)),
        )),
    )
}

/// Closed conversations matching the `all` view's filters.
fn all_filtered(caller: &AuthUser, f: &ConversationQuery) -> conversations::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = visible(caller)
        .filter(conversations::status.eq(ConversationStatus::Closed.as_str()))
        .filter(conversations::closed_at.is_not_null());
    if let Some(site) = f.site_id {
        q = q.filter(conversations::site_id.eq(site));
    }
    if let Some(op) = f.operator_id {
        q = q.filter(
            conversations::owner_id.eq(op).or(exists(
                conversation_participants::table
                    .filter(conversation_participants::conversation_id.eq(conversations::id))
                    .filter(conversation_participants::user_id.eq(op)),
            )),
        );
    }
    if let Some(from) = f.from {
        q = q.filter(conversations::started_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(conversations::started_at.lt(to));
    }
    if let Some(tag) = &f.tag {
        q = q.filter(conversations::tags.contains(vec![tag.trim().to_string()]));
    }
    if let Some(rating) = f.rating {
        q = q.filter(exists(
            contacts::table.filter(contacts::id.eq(conversations::contact_id)).filter(contacts::rating.eq(rating)),
        ));
    }
    if let Some(words) = f.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        // Both stemmings, as the index holds both (see the migration).
        q = q.filter(
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND m.search @@ \
                 (websearch_to_tsquery('portuguese', ",
            )
            .bind::<Text, _>(words.to_string())
            .sql(") || websearch_to_tsquery('english', ")
            .bind::<Text, _>(words.to_string())
            .sql(")))"),
        );
    }
    q
}

fn totals(
    conn: &mut PgConnection,
    q: conversations::BoxedQuery<'static, diesel::pg::Pg>,
) -> ApiResult<ConversationTotals> {
    let avg = |expr: &'static str| sql::<Nullable<BigInt>>(expr);
    let (conversations, wait, first, duration, messages): (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>) = q
        .select((
            diesel::dsl::count_star(),
            avg("round(avg(extract(epoch FROM accepted_at - waiting_since)))::int8"),
            avg("round(avg(extract(epoch FROM first_response_at - waiting_since)))::int8"),
            avg("round(avg(extract(epoch FROM closed_at - started_at)))::int8"),
            avg("sum((SELECT count(*) FROM messages m WHERE m.conversation_id = conversations.id))::int8"),
        ))
        .first(conn)?;
    Ok(ConversationTotals {
        conversations,
        avg_wait_secs: wait,
        avg_first_response_secs: first,
        avg_duration_secs: duration,
        messages: messages.unwrap_or(0),
    })
}

/// Get a conversation.
///
/// Its transcript and client, for the desk's conversation view.
#[utoipa::path(
    tag = "conversations", operation_id = "get_conversation", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationDetail),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ConversationDetail>> {
    let id = id.into_inner();
    let detail = state.db.run(move |conn| detail(conn, &caller, id)).await?;
    Ok(web::Json(detail))
}

pub fn detail(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationDetail> {
    let row = queries::get(conn, caller, id)?;
    let contact: ContactRow = contacts::table.find(row.contact_id).select(ContactRow::as_select()).first(conn)?;
    let contact =
        domain::contact_visible_to(caller.is_admin(), caller.user_id, contact.assignee_id).then(|| contact.into_view());
    let messages = queries::messages_of(conn, row.id)?;
    let visitor_given = row.visitor_given();
    let conversation = summaries(conn, caller, vec![row])?.pop().ok_or(ApiError::NotFound)?;
    Ok(ConversationDetail { conversation, messages, contact, visitor_given })
}

/// Counts for the navigation.
///
/// Conversations waiting in the caller's Inbox, and the caller's open conversations whose
/// last message is the visitor's.
#[utoipa::path(
    tag = "conversations", operation_id = "desk_counts", security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts", body = DeskCounts),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/counts")]
pub async fn desk_counts(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<web::Json<DeskCounts>> {
    let counts = state
        .db
        .run(move |conn| {
            // Exact: the Inbox pages past any number, so its badge must not stop at a page.
            let inbox: i64 = inbox(&caller).count().get_result(conn)?;
            let mine: Vec<Uuid> = mine(&caller).select(conversations::id).load(conn)?;
            let awaiting_reply = queries::last_messages(conn, &mine)?.values().filter(|(_, visitor)| *visitor).count();
            Ok(DeskCounts { inbox, awaiting_reply: awaiting_reply as i64 })
        })
        .await?;
    Ok(web::Json(counts))
}
