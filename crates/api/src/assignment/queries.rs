//! A site's rotation (locked while a lead takes its turn) and the assignee's announcement.

use diesel::prelude::*;
use domain::AutoAssignment;
use uuid::Uuid;

use crate::contacts::queries::ContactRow;
use crate::notifications;
use crate::platform::db::schema::{sites, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::mailer;

/// The next user in the site's rotation, skipping disabled users, or `None` when the site
/// does not auto-assign. Locks the site row: concurrent leads take turns, so each user's
/// count differs from another's by at most one.
pub fn next_assignee(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<Option<Uuid>> {
    let Some((enabled, user_ids, cursor)) = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((sites::auto_assign_enabled, sites::auto_assign_user_ids, sites::auto_assign_cursor))
        .for_update()
        .first::<(bool, Vec<Uuid>, i64)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    if !enabled || user_ids.is_empty() {
        return Ok(None);
    }
    let active: Vec<Uuid> = users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq_any(&user_ids))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)?;
    let Some(chosen) = domain::next_in_rotation(&user_ids, &active, cursor) else {
        return Ok(None);
    };
    diesel::update(sites::table.find(site_id)).set(sites::auto_assign_cursor.eq(cursor + 1)).execute(conn)?;
    Ok(Some(chosen))
}

/// Tells `assignee` about a contact they were given: an in-app notification and an e-mail
/// in the outbox (linking to the contact under `public_url`), both in the caller's transaction.
pub fn announce(conn: &mut PgConnection, contact: &ContactRow, assignee: Uuid, public_url: &str) -> ApiResult<()> {
    let (email, name): (String, String) = users::table
        .filter(users::account_id.eq(contact.account_id))
        .filter(users::id.eq(assignee))
        .select((users::email, users::name))
        .first(conn)?;
    // Whatever the lead typed is quoted data: short, one line, no live links, never the
    // start of the subject.
    let quoted = |value: &Option<String>| value.as_deref().map(|v| domain::text::quote_lead_text(v, 120));
    let who = contact.name.clone().or(contact.email.clone()).or(contact.phone.clone());
    let title = match &who {
        Some(who) => format!("New lead assigned to you: \"{}\"", domain::text::quote_lead_text(who, 40)),
        None => "New lead assigned to you".to_string(),
    };
    let name = domain::text::quote_lead_text(&name, 60);
    let mut body =
        format!("Hello {name},\n\nA new lead was assigned to you in Prospecta. What the lead sent (unverified):\n");
    for (label, value) in
        [("Name", &contact.name), ("E-mail", &contact.email), ("Phone", &contact.phone), ("Page", &contact.page_url)]
    {
        if let Some(v) = quoted(value) {
            body.push_str(&format!("  {label}: \"{v}\"\n"));
        }
    }
    body.push_str(&format!("\nOpen it in Prospecta: {public_url}/clients/{}\n", contact.id));
    let subject = format!("[Prospecta] {title}");
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

/// Site `site_id`'s auto-assignment: whether it is on and the users in rotation order.
pub fn settings(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<(bool, Vec<Uuid>)> {
    Ok(sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((sites::auto_assign_enabled, sites::auto_assign_user_ids))
        .first::<(bool, Vec<Uuid>)>(conn)?)
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
        .set((sites::auto_assign_enabled.eq(wanted.enabled), sites::auto_assign_user_ids.eq(&wanted.user_ids)))
        .execute(conn)?;
    Ok(wanted)
}
