//! A site's rotation (locked while a lead takes its turn), the queue of leads nobody could
//! take yet, and the assignee's announcement.

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Uuid as SqlUuid};
use domain::AutoAssignment;
use serde_json::json;
use uuid::Uuid;

use crate::contacts::queries::{log_changes, Actor, ContactRow};
use crate::notifications;
use crate::platform::db::schema::{assignment_queue, auto_assignments, contacts, sites, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::mailer;

/// Whose turn it is for a site's new lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// The site does not auto-assign.
    Off,
    /// It does, but nobody in the rotation can take a lead now: the lead waits in the queue.
    Nobody,
    User(Uuid),
}

/// The site's rotation, locked: concurrent leads (and deals from the queue) take turns.
struct Rotation {
    enabled: bool,
    user_ids: Vec<Uuid>,
    cursor: i64,
    online_only: bool,
    /// The site's lead re-route time: each lead it deals starts that clock.
    reroute_lead_minutes: Option<i32>,
}

fn lock_rotation(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<Option<Rotation>> {
    Ok(sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((
            sites::auto_assign_enabled,
            sites::auto_assign_user_ids,
            sites::auto_assign_cursor,
            sites::auto_assign_online_only,
            sites::reroute_lead_minutes,
        ))
        .for_update()
        .first::<(bool, Vec<Uuid>, i64, bool, Option<i32>)>(conn)
        .optional()?
        .map(|(enabled, user_ids, cursor, online_only, reroute_lead_minutes)| Rotation {
            enabled,
            user_ids,
            cursor,
            online_only,
            reroute_lead_minutes,
        }))
}

/// Of `user_ids`, those who can take a lead now: enabled, online when the site asks for it,
/// under their open chats and under their rotation leads of the last 24 hours.
fn available(conn: &mut PgConnection, account_id: Uuid, user_ids: &[Uuid], online_only: bool) -> ApiResult<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT u.id FROM users u
          WHERE u.account_id = $1 AND u.id = ANY($2) AND NOT u.disabled
            AND (NOT $3 OR u.presence = 'online')
            AND (u.max_new_leads_per_day IS NULL OR u.max_new_leads_per_day >
                 (SELECT count(*) FROM auto_assignments a
                   WHERE a.user_id = u.id AND a.assigned_at > now() - interval '24 hours'))
            AND (u.max_open_chats IS NULL OR u.max_open_chats >
                 (SELECT count(*) FROM conversations c WHERE c.owner_id = u.id AND c.status = 'active'))",
    )
    .bind::<SqlUuid, _>(account_id)
    .bind::<Array<SqlUuid>, _>(user_ids)
    .bind::<Bool, _>(online_only)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// How many chats `user_id` has open (owns, active): what `max_open_chats` limits. The
/// rotation's own check is the same count, in SQL, in [`available`].
pub fn open_chats(conn: &mut PgConnection, user_id: Uuid) -> ApiResult<i64> {
    use crate::platform::db::schema::conversations;
    Ok(conversations::table
        .filter(conversations::owner_id.eq(user_id))
        .filter(conversations::status.eq(domain::ConversationStatus::Active.as_str()))
        .count()
        .get_result(conn)?)
}

/// Gives contact `contact_id` (a new lead of site `site_id`) to the next available user in the
/// site's rotation, and records it against their daily limit; the caller stores the assignee,
/// or on [`Turn::Nobody`] puts the lead in the queue ([`enqueue`]) and deals it ([`deal_waiting`]).
/// Locks the site row: concurrent leads take turns, so the counts of users available
/// throughout differ by at most one.
pub fn next_assignee(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid, contact_id: Uuid) -> ApiResult<Turn> {
    let Some(rotation) = lock_rotation(conn, account_id, site_id)? else {
        return Ok(Turn::Off);
    };
    // Leads already waiting go first: this one joins them (the caller deals the queue).
    if rotation.enabled && has_waiting(conn, site_id)? {
        return Ok(Turn::Nobody);
    }
    take_turn(conn, account_id, site_id, &rotation, contact_id)
}

fn take_turn(
    conn: &mut PgConnection,
    account_id: Uuid,
    site_id: Uuid,
    rotation: &Rotation,
    contact_id: Uuid,
) -> ApiResult<Turn> {
    if !rotation.enabled || rotation.user_ids.is_empty() {
        return Ok(Turn::Off);
    }
    let ready = available(conn, account_id, &rotation.user_ids, rotation.online_only)?;
    let Some(chosen) = domain::next_in_rotation(&rotation.user_ids, &ready, rotation.cursor) else {
        return Ok(Turn::Nobody);
    };
    diesel::update(sites::table.find(site_id)).set(sites::auto_assign_cursor.eq(rotation.cursor + 1)).execute(conn)?;
    record_turn(conn, account_id, rotation, chosen, contact_id)?;
    Ok(Turn::User(chosen))
}

/// Logs a lead dealt to `user` (what the daily limit counts), with its re-route clock when
/// the site re-routes untouched leads.
fn record_turn(
    conn: &mut PgConnection,
    account_id: Uuid,
    rotation: &Rotation,
    user: Uuid,
    contact_id: Uuid,
) -> ApiResult<()> {
    let reroute_due = rotation.reroute_lead_minutes.map(|m| Utc::now() + chrono::Duration::minutes(m.into()));
    diesel::insert_into(auto_assignments::table)
        .values((
            auto_assignments::account_id.eq(account_id),
            auto_assignments::user_id.eq(user),
            auto_assignments::contact_id.eq(contact_id),
            auto_assignments::reroute_due_at.eq(reroute_due),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a re-route moves.
#[derive(Debug, Clone, Copy)]
pub enum Rerouted {
    Chat,
    /// A lead (its contact): the turn counts against the new agent's daily limit and starts
    /// its own re-route clock.
    Lead(Uuid),
}

/// For a re-route away from `current`: the next user available in site `site_id`'s rotation
/// other than them (the rotation locked, its cursor moved on); `None` when the site does not
/// rotate or nobody else is available now.
pub fn next_other(
    conn: &mut PgConnection,
    account_id: Uuid,
    site_id: Uuid,
    current: Uuid,
    what: Rerouted,
) -> ApiResult<Option<Uuid>> {
    let Some(rotation) = lock_rotation(conn, account_id, site_id)? else { return Ok(None) };
    if !rotation.enabled {
        return Ok(None);
    }
    let ready = available(conn, account_id, &rotation.user_ids, rotation.online_only)?;
    let Some(chosen) = domain::routing::reroute_target(&rotation.user_ids, &ready, rotation.cursor, current) else {
        return Ok(None);
    };
    diesel::update(sites::table.find(site_id)).set(sites::auto_assign_cursor.eq(rotation.cursor + 1)).execute(conn)?;
    if let Rerouted::Lead(contact_id) = what {
        record_turn(conn, account_id, &rotation, chosen, contact_id)?;
    }
    Ok(Some(chosen))
}

/// Whether site `site_id` has leads waiting for someone.
fn has_waiting(conn: &mut PgConnection, site_id: Uuid) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(assignment_queue::table.filter(assignment_queue::site_id.eq(site_id))))
        .get_result(conn)?)
}

/// Puts a new lead nobody could take at the back of its site's queue.
pub fn enqueue(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid, contact_id: Uuid) -> ApiResult<()> {
    diesel::insert_into(assignment_queue::table)
        .values((
            assignment_queue::account_id.eq(account_id),
            assignment_queue::site_id.eq(site_id),
            assignment_queue::contact_id.eq(contact_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// The most leads one deal hands out, so one call stays short; the next trigger (or the
/// periodic pass) goes on.
const DEAL_BATCH: usize = 500;

/// Deals site `site_id`'s waiting leads, in arrival order, to whoever can take them now, until
/// nobody can or none wait. Each is logged (by "auto-assignment") and announced as a new
/// lead is. A lead already given to someone by hand just leaves the queue; when the site no
/// longer rotates, the queue is emptied (its leads stay unassigned). Returns how many it gave.
pub fn deal_waiting(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid, public_url: &str) -> ApiResult<usize> {
    let Some(rotation) = lock_rotation(conn, account_id, site_id)? else {
        return Ok(0);
    };
    let mut rotation = rotation;
    let mut dealt = 0;
    while dealt < DEAL_BATCH {
        let Some((seq, contact_id)) = assignment_queue::table
            .filter(assignment_queue::site_id.eq(site_id))
            .order(assignment_queue::seq)
            .select((assignment_queue::seq, assignment_queue::contact_id))
            .first::<(i64, Uuid)>(conn)
            .optional()?
        else {
            break;
        };
        let contact: ContactRow =
            contacts::table.find(contact_id).select(ContactRow::as_select()).for_update().first(conn)?;
        if contact.assignee_id.is_some() {
            diesel::delete(assignment_queue::table.find(seq)).execute(conn)?;
            continue;
        }
        match take_turn(conn, account_id, site_id, &rotation, contact_id)? {
            Turn::Off => {
                diesel::delete(assignment_queue::table.filter(assignment_queue::site_id.eq(site_id))).execute(conn)?;
                break;
            }
            Turn::Nobody => break,
            Turn::User(user) => {
                rotation.cursor += 1;
                diesel::delete(assignment_queue::table.find(seq)).execute(conn)?;
                let saved: ContactRow = diesel::update(contacts::table.find(contact_id))
                    .set((contacts::assignee_id.eq(user), contacts::updated_at.eq(Utc::now())))
                    .returning(ContactRow::as_returning())
                    .get_result(conn)?;
                let auto = Actor::system("auto-assignment");
                log_changes(conn, account_id, contact_id, &auto, &[("assignee_id", None, Some(json!(user)))])?;
                announce(conn, &saved, user, public_url)?;
                dealt += 1;
            }
        }
    }
    Ok(dealt)
}

/// Deals the waiting leads of every site whose rotation includes `user_id` (who just came
/// online, or freed capacity, or got a higher limit).
pub fn deal_for_user(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid, public_url: &str) -> ApiResult<usize> {
    let site_ids: Vec<Uuid> = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::auto_assign_enabled.eq(true))
        .filter(sites::auto_assign_user_ids.contains(vec![user_id]))
        .filter(diesel::dsl::exists(assignment_queue::table.filter(assignment_queue::site_id.eq(sites::id))))
        .order(sites::id)
        .select(sites::id)
        .load(conn)?;
    let mut dealt = 0;
    for site_id in site_ids {
        dealt += deal_waiting(conn, account_id, site_id, public_url)?;
    }
    Ok(dealt)
}

/// The periodic pass: deals every site's waiting leads (limits of "the last 24 hours" free up
/// with time alone). Returns how many it gave.
pub fn deal_all_waiting(conn: &mut PgConnection, public_url: &str) -> ApiResult<usize> {
    let waiting: Vec<(Uuid, Uuid)> = assignment_queue::table
        .select((assignment_queue::account_id, assignment_queue::site_id))
        .distinct()
        .load(conn)?;
    let mut dealt = 0;
    for (account_id, site_id) in waiting {
        dealt += deal_waiting(conn, account_id, site_id, public_url)?;
    }
    Ok(dealt)
}

/// Tells `assignee` about a contact they were given: an in-app notification and an e-mail
/// in the outbox (linking to the contact under `public_url`), both in the caller's transaction.
pub fn announce(conn: &mut PgConnection, contact: &ContactRow, assignee: Uuid, public_url: &str) -> ApiResult<()> {
    let (email, name, lang): (String, String, String) = users::table
        .filter(users::account_id.eq(contact.account_id))
        .filter(users::id.eq(assignee))
        .select((users::email, users::name, users::lang))
        .first(conn)?;
    let lang = domain::i18n::Lang::from_tag(&lang);
    // Whatever the lead typed is quoted data: short, one line, no live links, never the
    // start of the subject.
    let quoted = |value: &Option<String>| value.as_deref().map(|v| domain::text::quote_lead_text(v, 120));
    let who = domain::text::contact_label(&contact.name, &contact.email, &contact.phone);
    // The bell's title stays in English: the app shows notifications by their kind.
    let title = domain::mail_text::lead_assigned_title(domain::i18n::Lang::En, who.as_deref());
    let name = domain::text::quote_lead_text(&name, 60);
    let fields: Vec<(&str, String)> =
        [("Name", &contact.name), ("E-mail", &contact.email), ("Phone", &contact.phone), ("Page", &contact.page_url)]
            .into_iter()
            .filter_map(|(label, value)| quoted(value).map(|v| (label, v)))
            .collect();
    let link = format!("{public_url}/clients/{}", contact.id);
    let (subject, body) = domain::mail_text::lead_assigned(lang, &name, who.as_deref(), &fields, &link);
    mailer::enqueue(conn, contact.account_id, &email, &subject, &body)?;
    notifications::notify(conn, contact.account_id, assignee, "contact_assigned", &title, Some(contact.id))?;
    Ok(())
}

/// 404 unless the account has site `site_id`.
fn site_exists(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<()> {
    sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select(sites::id)
        .first::<Uuid>(conn)?;
    Ok(())
}

/// Site `site_id`'s auto-assignment: whether it is on, the users in rotation order, and
/// whether it deals only to users online.
pub fn settings(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<AutoAssignment> {
    let (enabled, user_ids, online_only) = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((sites::auto_assign_enabled, sites::auto_assign_user_ids, sites::auto_assign_online_only))
        .first::<(bool, Vec<Uuid>, bool)>(conn)?;
    Ok(AutoAssignment { enabled, user_ids, online_only })
}

/// Saves site `site_id`'s auto-assignment; 422 naming each `user_ids[i]` that is not a user
/// of the account.
pub fn save(
    conn: &mut PgConnection,
    account_id: Uuid,
    site_id: Uuid,
    wanted: AutoAssignment,
) -> ApiResult<AutoAssignment> {
    site_exists(conn, account_id, site_id)?;
    let known: Vec<Uuid> = users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq_any(&wanted.user_ids))
        .select(users::id)
        .load(conn)?;
    let unknown = domain::unknown_users(&wanted.user_ids, &known);
    if !unknown.is_empty() {
        return Err(ApiError::Validation(unknown));
    }
    diesel::update(sites::table.find(site_id))
        .set((
            sites::auto_assign_enabled.eq(wanted.enabled),
            sites::auto_assign_user_ids.eq(&wanted.user_ids),
            sites::auto_assign_online_only.eq(wanted.online_only),
        ))
        .execute(conn)?;
    Ok(wanted)
}
