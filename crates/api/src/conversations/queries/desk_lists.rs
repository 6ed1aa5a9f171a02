//! The desk's lists (Inbox, Mine, All with totals), their badges and one conversation's
//! detail, on a connection.

use chrono::Utc;
use diesel::dsl::{exists, not, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use domain::{
    ConversationDetail, ConversationList, ConversationQuery, ConversationStatus, ConversationTotals, DeskCounts,
    DeskView,
};
use uuid::Uuid;

use super::{self as queries, summaries, visible, ConversationRow};
use crate::contacts::queries::{decode_cursor, encode_cursor, ContactRow};
use crate::platform::db::schema::{contacts, conversation_ignores, conversation_participants, conversations, messages};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

/// One page of the desk view `f.view` for the caller.
pub fn list(conn: &mut PgConnection, caller: &AuthUser, f: &ConversationQuery) -> ApiResult<ConversationList> {
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

/// The caller's Inbox: waiting and not offered to one agent, minus what they ignored a
/// moment ago.
fn inbox(caller: &AuthUser) -> conversations::BoxedQuery<'static, diesel::pg::Pg> {
    visible(caller)
        .filter(conversations::status.eq(ConversationStatus::Waiting.as_str()))
        .filter(conversations::offered_to.is_null())
        .filter(not(exists(
            conversation_ignores::table
                .filter(conversation_ignores::conversation_id.eq(conversations::id))
                .filter(conversation_ignores::user_id.eq(caller.user_id))
                .filter(conversation_ignores::until.gt(Utc::now())),
        )))
}

/// The caller's open conversations (owned or invited into), and the chats offered to them
/// first (their clients').
fn mine(caller: &AuthUser) -> conversations::BoxedQuery<'static, diesel::pg::Pg> {
    let open = conversations::status.eq(ConversationStatus::Active.as_str()).and(
        conversations::owner_id.eq(caller.user_id).or(exists(
            conversation_participants::table
                .filter(conversation_participants::conversation_id.eq(conversations::id))
                .filter(conversation_participants::user_id.eq(caller.user_id)),
        )),
    );
    // `offered_to = me` is null, so false, for chats offered to nobody.
    let offered = conversations::status
        .eq(ConversationStatus::Waiting.as_str())
        .and(conversations::offered_to.eq(caller.user_id).assume_not_null());
    visible(caller).filter(open.or(offered))
}

/// Closed conversations matching the `all` view's filters.
fn all_filtered(caller: &AuthUser, f: &ConversationQuery) -> conversations::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = visible(caller)
        .filter(conversations::status.eq(ConversationStatus::Closed.as_str()))
        .filter(conversations::closed_at.is_not_null());
    if let Some(site) = f.site_id {
        q = q.filter(conversations::site_id.eq(site));
    }
    // Everyone who took part: the owner, those invited, and whoever wrote in it (an operator
    // who answered and then transferred it is neither owner nor participant any more).
    if let Some(op) = f.operator_id {
        q = q.filter(
            conversations::owner_id
                .eq(op)
                .or(exists(
                    conversation_participants::table
                        .filter(conversation_participants::conversation_id.eq(conversations::id))
                        .filter(conversation_participants::user_id.eq(op)),
                ))
                .or(exists(
                    messages::table
                        .filter(messages::conversation_id.eq(conversations::id))
                        .filter(messages::author_id.eq(op)),
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

pub fn detail(conn: &mut PgConnection, caller: &AuthUser, id: Uuid) -> ApiResult<ConversationDetail> {
    let row = queries::get(conn, caller, id)?;
    let contact: ContactRow = contacts::table.find(row.contact_id).select(ContactRow::as_select()).first(conn)?;
    let contact =
        domain::contact_visible_to(caller.is_admin(), caller.user_id, contact.assignee_id).then(|| contact.into_view());
    let messages = queries::messages_of(conn, row.id)?;
    let visitor_given = row.visitor_given();
    let conversation = summaries(conn, caller, vec![row])?.pop().ok_or(ApiError::NotFound)?;
    Ok(ConversationDetail { conversation, messages, contact, visitor_given, location_attribution: None })
}

/// The navigation's badges: the caller's Inbox, and their open conversations whose last
/// message is the visitor's.
pub fn counts(conn: &mut PgConnection, caller: &AuthUser) -> ApiResult<DeskCounts> {
    // Exact: the Inbox pages past any number, so its badge must not stop at a page.
    let inbox: i64 = inbox(caller).count().get_result(conn)?;
    let mine: Vec<(Uuid, String)> = mine(caller).select((conversations::id, conversations::status)).load(conn)?;
    let offered = mine.iter().filter(|(_, status)| status == ConversationStatus::Waiting.as_str()).count();
    let ids: Vec<Uuid> = mine.into_iter().map(|(id, _)| id).collect();
    let awaiting_reply = queries::last_messages(conn, &ids)?.values().filter(|(_, visitor)| *visitor).count();
    Ok(DeskCounts { inbox, awaiting_reply: (awaiting_reply + offered) as i64 })
}
