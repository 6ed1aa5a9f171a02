//! Routing beyond the rotation (see `domain::routing`): the settings on the site row, the
//! offer made when a returning client's chat reaches the desk, and the pass that re-routes
//! leads nobody touched. Chats' offers and re-routes end in `conversations::routing`.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::routing::{AgentNow, RoutingSettings};
use uuid::Uuid;

use serde_json::json;

use super::queries::{announce, next_other, open_chats, Rerouted};
use crate::contacts::queries::{log_changes, Actor, ContactRow};
use crate::notifications;
use crate::platform::db::schema::{auto_assignments, contacts, sites, users};
use crate::platform::error::{ApiError, ApiResult};

pub fn settings(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<RoutingSettings> {
    let (sticky, chat, lead) = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((sites::sticky_owner_secs, sites::reroute_chat_minutes, sites::reroute_lead_minutes))
        .first::<(Option<i32>, Option<i32>, Option<i32>)>(conn)?;
    Ok(RoutingSettings { sticky_owner_secs: sticky, reroute_chat_minutes: chat, reroute_lead_minutes: lead })
}

pub fn save(
    conn: &mut PgConnection,
    account_id: Uuid,
    site_id: Uuid,
    wanted: RoutingSettings,
) -> ApiResult<RoutingSettings> {
    let saved = diesel::update(sites::table.filter(sites::account_id.eq(account_id)).filter(sites::id.eq(site_id)))
        .set((
            sites::sticky_owner_secs.eq(wanted.sticky_owner_secs),
            sites::reroute_chat_minutes.eq(wanted.reroute_chat_minutes),
            sites::reroute_lead_minutes.eq(wanted.reroute_lead_minutes),
        ))
        .execute(conn)?;
    if saved == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(wanted)
}

/// For a chat of contact `contact_id` on site `site_id` reaching the desk now: the agent it
/// is offered to first and until when, when the site keeps returning clients with their
/// agent and that agent could accept it now (`domain::routing::offer_to_agent`).
pub fn offer_to_agent(
    conn: &mut PgConnection,
    site_id: Option<Uuid>,
    contact_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Option<(Uuid, DateTime<Utc>)>> {
    let Some(site_id) = site_id else { return Ok(None) };
    let secs: Option<i32> = sites::table.find(site_id).select(sites::sticky_owner_secs).first(conn)?;
    let Some(secs) = secs else { return Ok(None) };
    let assignee: Option<Uuid> = contacts::table.find(contact_id).select(contacts::assignee_id).first(conn)?;
    let Some(agent) = assignee else { return Ok(None) };
    let (disabled, presence, max_open_chats) = users::table
        .find(agent)
        .select((users::disabled, users::presence, users::max_open_chats))
        .first::<(bool, String, Option<i32>)>(conn)?;
    let state = AgentNow {
        disabled,
        online: presence == domain::Presence::Online.as_str(),
        open_chats: open_chats(conn, agent)?,
        max_open_chats,
    };
    Ok(domain::routing::offer_to_agent(state).then(|| (agent, now + Duration::seconds(secs.into()))))
}

/// The most leads one pass looks at.
const BATCH: i64 = 200;

/// One pass over the rotation leads whose re-route time came: each still with the agent it
/// was dealt to and untouched by anyone (no `first_action_at`) moves to the next user
/// available in its site's rotation, logged on the client ("re-route"), the new agent told
/// as of any assignment and the old one told it moved. When nobody else is available it is
/// looked at again a minute later. Returns how many moved.
pub fn reroute_leads(conn: &mut PgConnection, public_url: &str) -> ApiResult<usize> {
    let due: Vec<i64> = auto_assignments::table
        .filter(auto_assignments::reroute_due_at.le(Utc::now()))
        .order(auto_assignments::reroute_due_at)
        .limit(BATCH)
        .select(auto_assignments::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    let turns: Vec<(i64, Uuid, Uuid, Uuid)> =
        diesel::update(auto_assignments::table.filter(auto_assignments::id.eq_any(&due)))
            .set(auto_assignments::reroute_due_at.eq(None::<DateTime<Utc>>))
            .returning((
                auto_assignments::id,
                auto_assignments::account_id,
                auto_assignments::user_id,
                auto_assignments::contact_id,
            ))
            .get_results(conn)?;
    let mut moved = 0;
    for (turn, account_id, dealt_to, contact_id) in turns {
        let Some(contact) =
            contacts::table.find(contact_id).select(ContactRow::as_select()).for_update().first(conn).optional()?
        else {
            continue;
        };
        let untouched = contact.assignee_id == Some(dealt_to) && first_action(conn, contact_id)?.is_none();
        let Some(site_id) = contact.site_id.filter(|_| untouched) else { continue };
        let minutes: Option<i32> = sites::table.find(site_id).select(sites::reroute_lead_minutes).first(conn)?;
        let Some(minutes) = minutes else { continue };
        let Some(to) = next_other(conn, account_id, site_id, dealt_to, Rerouted::Lead(contact_id))? else {
            diesel::update(auto_assignments::table.find(turn))
                .set(auto_assignments::reroute_due_at.eq(Utc::now() + Duration::minutes(1)))
                .execute(conn)?;
            continue;
        };
        let saved: ContactRow = diesel::update(contacts::table.find(contact_id))
            .set((contacts::assignee_id.eq(to), contacts::updated_at.eq(Utc::now())))
            .returning(ContactRow::as_returning())
            .get_result(conn)?;
        let actor = Actor::system(&format!("re-route (untouched for {minutes} min)"));
        log_changes(conn, account_id, contact_id, &actor, &[("assignee_id", Some(json!(dealt_to)), Some(json!(to)))])?;
        announce(conn, &saved, to, public_url)?;
        let who = domain::text::contact_label(&saved.name, &saved.email, &saved.phone);
        let title = domain::text::about_client(&format!("Lead passed on, untouched for {minutes} min"), who.as_deref());
        notifications::notify(conn, account_id, dealt_to, "lead_rerouted_away", &title, Some(contact_id))?;
        moved += 1;
    }
    Ok(moved)
}

fn first_action(conn: &mut PgConnection, contact_id: Uuid) -> ApiResult<Option<DateTime<Utc>>> {
    Ok(contacts::table.find(contact_id).select(contacts::first_action_at).first(conn)?)
}
