//! The calls' SQL, on a connection (or inside the caller's transaction).

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use domain::{CallDirection, CallOutcome, CallView, LogCallRequest};
use serde_json::json;
use uuid::Uuid;

use crate::contacts::queries::{self as contact_queries, Actor};
use crate::platform::db::schema::{contact_calls, contacts, conversation_participants, conversations};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

type Row = (Uuid, Uuid, Option<Uuid>, Option<Uuid>, String, String, Option<i32>, String, DateTime<Utc>);

fn view(r: Row) -> CallView {
    CallView {
        id: r.0,
        contact_id: r.1,
        conversation_id: r.2,
        user_id: r.3,
        direction: CallDirection::parse(&r.4).unwrap_or(CallDirection::Outbound),
        outcome: CallOutcome::parse(&r.5).unwrap_or(CallOutcome::Answered),
        duration_secs: r.6.map(|d| d as u32),
        note: r.7,
        called_at: r.8,
    }
}

/// 404 unless the caller may see the client's calls: an admin (or an integration), the agent
/// the client is assigned to, or, for a client assigned to nobody, an agent owning or taking
/// part in one of its conversations (the desk's rule, `domain::contact_visible_to`: a chat
/// alone grants nothing over another agent's client, since anyone can type its e-mail).
/// Locks the contact when `lock` (a call being logged).
fn check_contact(conn: &mut PgConnection, caller: &AuthUser, contact_id: Uuid, lock: bool) -> ApiResult<()> {
    let mine = contacts::table.filter(contacts::account_id.eq(caller.account_id)).filter(contacts::id.eq(contact_id));
    let assignee: Option<Uuid> = if lock {
        mine.select(contacts::assignee_id).for_update().first(conn)?
    } else {
        mine.select(contacts::assignee_id).first(conn)?
    };
    if caller.is_admin() || assignee == Some(caller.user_id) {
        return Ok(());
    }
    if !domain::contact_visible_to(false, caller.user_id, assignee) {
        return Err(ApiError::NotFound);
    }
    let me = caller.user_id;
    let in_a_chat: bool = diesel::select(exists(
        conversations::table.filter(conversations::contact_id.eq(contact_id)).filter(
            conversations::owner_id.eq(me).or(exists(
                conversation_participants::table
                    .filter(conversation_participants::conversation_id.eq(conversations::id))
                    .filter(conversation_participants::user_id.eq(me)),
            )),
        ),
    ))
    .get_result(conn)?;
    if in_a_chat {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// The client's calls, newest first (at most 200).
pub fn list(conn: &mut PgConnection, caller: &AuthUser, contact_id: Uuid) -> ApiResult<Vec<CallView>> {
    check_contact(conn, caller, contact_id, false)?;
    let rows: Vec<Row> = contact_calls::table
        .filter(contact_calls::account_id.eq(caller.account_id))
        .filter(contact_calls::contact_id.eq(contact_id))
        .order((contact_calls::called_at.desc(), contact_calls::id.desc()))
        .limit(200)
        .select((
            contact_calls::id,
            contact_calls::contact_id,
            contact_calls::conversation_id,
            contact_calls::user_id,
            contact_calls::direction,
            contact_calls::outcome,
            contact_calls::duration_secs,
            contact_calls::note,
            contact_calls::called_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(view).collect())
}

/// Logs a call and writes it into the client's change log.
pub fn log(conn: &mut PgConnection, caller: &AuthUser, contact_id: Uuid, req: &LogCallRequest) -> ApiResult<CallView> {
    check_contact(conn, caller, contact_id, true)?;
    let called_at = domain::call_time(req.called_at, Utc::now()).map_err(|e| ApiError::Validation(vec![e]))?;
    if let Some(conversation) = req.conversation_id {
        let of_client: bool = diesel::select(exists(
            conversations::table
                .filter(conversations::id.eq(conversation))
                .filter(conversations::contact_id.eq(contact_id))
                .filter(conversations::account_id.eq(caller.account_id)),
        ))
        .get_result(conn)?;
        if !of_client {
            return Err(ApiError::field("conversation_id", "unknown", "is not a conversation of this client"));
        }
    }
    let call = CallView {
        id: Uuid::new_v4(),
        contact_id,
        conversation_id: req.conversation_id,
        user_id: caller.person_id(),
        direction: req.direction,
        outcome: req.outcome,
        duration_secs: req.duration_secs,
        note: req.note.trim().to_string(),
        called_at,
    };
    diesel::insert_into(contact_calls::table)
        .values((
            contact_calls::id.eq(call.id),
            contact_calls::account_id.eq(caller.account_id),
            contact_calls::contact_id.eq(contact_id),
            contact_calls::conversation_id.eq(call.conversation_id),
            contact_calls::user_id.eq(call.user_id),
            contact_calls::direction.eq(call.direction.as_str()),
            contact_calls::outcome.eq(call.outcome.as_str()),
            contact_calls::duration_secs.eq(call.duration_secs.map(|d| d as i32)),
            contact_calls::note.eq(&call.note),
            contact_calls::called_at.eq(call.called_at),
        ))
        .execute(conn)?;
    diesel::update(contacts::table.find(contact_id)).set(contacts::updated_at.eq(Utc::now())).execute(conn)?;
    let logged = json!({
        "direction": call.direction,
        "outcome": call.outcome,
        "duration_secs": call.duration_secs,
        "note": call.note,
    });
    let actor = Actor::user(conn, caller)?;
    contact_queries::log_changes(conn, caller.account_id, contact_id, &actor, &[("call", None, Some(logged))])?;
    Ok(call)
}

/// A merge's part: the calls of `from` become `into`'s.
pub fn move_calls(conn: &mut PgConnection, from: Uuid, into: Uuid) -> ApiResult<usize> {
    Ok(diesel::update(contact_calls::table.filter(contact_calls::contact_id.eq(from)))
        .set(contact_calls::contact_id.eq(into))
        .execute(conn)?)
}
