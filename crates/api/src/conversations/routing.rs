//! Chats' routing beyond the rotation (see `assignment::routing` for the settings and the
//! offer itself): an offer to a returning client's agent ends (its time ran out, the agent
//! went away or passed it on) and the chat goes to the shared Inbox; an accepted chat with no
//! operator reply for the site's minutes moves to the next user available in the rotation.
//! [`watch`] is the periodic pass for both, and for leads (`assignment::routing`).

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{Int4, Uuid as SqlUuid};
use domain::events::{ConversationChanged, ConversationRerouted};
use domain::{first_name, ConversationStatus, DeskNote};
use uuid::Uuid;

use super::queries::actions::{note, reload, user_name};
use super::queries::{announce_to, audience, ConversationRow};
use crate::assignment::{self, Rerouted};
use crate::notifications;
use crate::platform::db::schema::{contacts, conversation_participants, conversations};
use crate::platform::error::ApiResult;
use crate::platform::events::{Audience, EventData};

/// The most chats of each kind one pass looks at.
const BATCH: i64 = 200;

/// One pass: offers that ran out, chats and leads nobody answered. Returns how many moved.
pub fn watch(conn: &mut PgConnection, public_url: &str) -> ApiResult<usize> {
    let ended: Vec<Uuid> = conversations::table
        .filter(conversations::offered_to.is_not_null())
        .filter(conversations::offer_expires_at.le(Utc::now()))
        .order(conversations::offer_expires_at)
        .limit(BATCH)
        .select(conversations::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    let offers = release(conn, &ended)?;
    Ok(offers + reroute_chats(conn)? + assignment::routing::reroute_leads(conn, public_url)?)
}

/// Ends the offers of chats `ids` (locked by the caller): those still waiting go to the shared
/// Inbox, told to everyone. Returns how many.
fn release(conn: &mut PgConnection, ids: &[Uuid]) -> ApiResult<usize> {
    let released: Vec<ConversationRow> = diesel::update(conversations::table.filter(conversations::id.eq_any(ids)))
        .set((
            conversations::offered_to.eq(None::<Uuid>),
            conversations::offer_expires_at.eq(None::<chrono::DateTime<Utc>>),
        ))
        .returning(ConversationRow::as_returning())
        .get_results(conn)?;
    for conv in released.iter().filter(|c| c.status() == ConversationStatus::Waiting) {
        announce_to(conn, conv, Audience::everyone(), |conversation| {
            EventData::ConversationWaiting(ConversationChanged { conversation })
        })?;
    }
    Ok(released.len())
}

/// The chat `conv` (locked) leaves its offer now: its agent passed it on.
pub fn release_offer(conn: &mut PgConnection, conv: &ConversationRow) -> ApiResult<()> {
    release(conn, &[conv.id]).map(|_| ())
}

/// Every chat offered to `user_id` goes to the shared Inbox (they went away or offline).
pub fn release_offers_of(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid) -> ApiResult<usize> {
    let ids: Vec<Uuid> = conversations::table
        .filter(conversations::account_id.eq(account_id))
        .filter(conversations::offered_to.eq(user_id))
        .select(conversations::id)
        .for_update()
        .load(conn)?;
    release(conn, &ids)
}

#[derive(QueryableByName)]
struct Unanswered {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Int4)]
    minutes: i32,
}

/// Accepted chats with no operator reply for their site's minutes, each moved to the next
/// user available in the site's rotation; when nobody else is, it stays for the next pass.
fn reroute_chats(conn: &mut PgConnection) -> ApiResult<usize> {
    let due: Vec<Unanswered> = diesel::sql_query(
        "SELECT c.id, s.reroute_chat_minutes AS minutes
           FROM conversations c JOIN sites s ON s.id = c.site_id
          WHERE c.status = 'active' AND c.first_response_at IS NULL AND c.owner_since IS NOT NULL
            AND s.reroute_chat_minutes IS NOT NULL AND s.auto_assign_enabled
            AND c.owner_since <= now() - make_interval(mins => s.reroute_chat_minutes)
          ORDER BY c.owner_since
          LIMIT $1
          FOR UPDATE OF c SKIP LOCKED",
    )
    .bind::<diesel::sql_types::BigInt, _>(BATCH)
    .load(conn)?;
    let mut moved = 0;
    for Unanswered { id, minutes } in due {
        let conv = reload(conn, id)?;
        let (Some(from), Some(site_id)) = (conv.owner_id, conv.site_id) else { continue };
        let Some(to) = assignment::next_other(conn, conv.account_id, site_id, from, Rerouted::Chat)? else {
            continue;
        };
        reroute(conn, &conv, from, to, minutes)?;
        moved += 1;
    }
    Ok(moved)
}

/// Hands chat `conv` from `from` to `to`: the transcript says why, both are told.
fn reroute(conn: &mut PgConnection, conv: &ConversationRow, from: Uuid, to: Uuid, minutes: i32) -> ApiResult<()> {
    diesel::update(conversations::table.find(conv.id))
        .set((conversations::owner_id.eq(to), conversations::owner_since.eq(Utc::now())))
        .execute(conn)?;
    diesel::delete(
        conversation_participants::table
            .filter(conversation_participants::conversation_id.eq(conv.id))
            .filter(conversation_participants::user_id.eq(to)),
    )
    .execute(conn)?;
    let moved = reload(conn, conv.id)?;
    let mut told = audience(conn, &moved, true)?;
    told.user_ids.push(from);
    announce_to(conn, &moved, told, |conversation| {
        EventData::ConversationRerouted(ConversationRerouted { conversation, from, to, after_minutes: minutes })
    })?;
    let to_name = user_name(conn, to)?;
    note(conn, &moved, DeskNote::Rerouted { to: first_name(&to_name), minutes })?;
    let (name, email, phone) = contacts::table
        .find(conv.contact_id)
        .select((contacts::name, contacts::email, contacts::phone))
        .first::<(Option<String>, Option<String>, Option<String>)>(conn)?;
    let who = domain::text::contact_label(&name, &email, &phone);
    let title = |what: String| domain::text::about_client(&what, who.as_deref());
    let (account, contact) = (conv.account_id, Some(conv.contact_id));
    let passed = title(format!("Chat passed to you, no reply in {minutes} min"));
    notifications::notify(conn, account, to, "chat_rerouted_to_you", &passed, contact)?;
    let lost = title(format!("Chat passed on, no reply in {minutes} min"));
    notifications::notify(conn, account, from, "chat_rerouted_away", &lost, contact)?;
    Ok(())
}
