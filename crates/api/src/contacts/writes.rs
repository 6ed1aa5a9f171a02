//! A contact's writes from the client screen and the New client form, on a connection:
//! each checks what the database knows (site, assignee, custom fields), applies the rules of
//! `domain::contact_rules`, and logs what changed.

use chrono::Utc;
use diesel::prelude::*;
use domain::contact_rules::apply_contact_patch;
use domain::{CreateNoteRequest, Email, NoteView, Phone, UpdateContactRequest};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, Actor, ContactRow};
use crate::assignment;
use crate::platform::db::schema::{contact_notes, contacts, sites, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

/// An optional phone field as stored (E.164), or 422 naming `field`.
pub fn phone_field(raw: Option<&str>, field: &str) -> ApiResult<Option<String>> {
    Ok(Phone::parse_field(raw, field)?.map(Phone::into_string))
}

/// An optional e-mail field as stored (trimmed, lower-case), or 422 naming `field`.
pub fn email_field(raw: Option<&str>, field: &str) -> ApiResult<Option<String>> {
    Ok(Email::parse_field(raw, field)?.map(Email::into_string))
}

/// 422 unless `site_id` is a site of the account.
pub fn check_site(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<()> {
    sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select(sites::id)
        .first::<Uuid>(conn)
        .optional()?
        .map(|_| ())
        .ok_or_else(|| ApiError::field("site_id", "unknown", "is not a site of this account"))
}

/// 422 unless `user_id` is an enabled user of the account.
fn check_assignee(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid) -> ApiResult<()> {
    users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq(user_id))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .first::<Uuid>(conn)
        .optional()?
        .map(|_| ())
        .ok_or_else(|| ApiError::field("assignee_id", "unknown", "is not an active user of this account"))
}

/// `row` with a patch applied (`domain::contact_rules::apply_contact_patch`).
fn apply(row: ContactRow, req: UpdateContactRequest) -> ApiResult<ContactRow> {
    let edited = apply_contact_patch(row.view(), req)?;
    Ok(ContactRow {
        name: edited.name,
        email: edited.email,
        phone: edited.phone,
        contact_hours: edited.contact_hours,
        city: edited.location.city,
        region: edited.location.region,
        country: edited.location.country,
        location_from_ip: edited.location_from_ip,
        rating: edited.rating,
        status: edited.status.as_str().to_string(),
        assignee_id: edited.assignee_id,
        tags: edited.tags,
        custom_fields: edited.custom_fields,
        blocked: edited.blocked,
        ..row
    })
}

/// Adds a contact typed in by `caller` (its site and assignee checked), logs it, and tells
/// an assignee other than the caller.
pub fn create(conn: &mut PgConnection, caller: &AuthUser, row: ContactRow, public_url: &str) -> ApiResult<ContactRow> {
    if let Some(site) = row.site_id {
        check_site(conn, caller.account_id, site)?;
    }
    if let Some(user) = row.assignee_id {
        check_assignee(conn, caller.account_id, user)?;
    }
    let created = queries::insert(conn, &row)?;
    let actor = Actor::user(conn, caller)?;
    queries::log_changes(conn, caller.account_id, created.id, &actor, &[("created", None, Some(json!("manual")))])?;
    if let Some(user) = created.assignee_id.filter(|u| *u != caller.user_id) {
        assignment::announce(conn, &created, user, public_url)?;
    }
    Ok(created)
}

/// Applies `body` to contact `id` (`domain::contact_rules`), logs each change, and tells a
/// new assignee.
pub fn update(
    conn: &mut PgConnection,
    caller: &AuthUser,
    id: Uuid,
    body: UpdateContactRequest,
    public_url: &str,
) -> ApiResult<ContactRow> {
    let old = queries::get_for_update(conn, caller, id)?;
    if let Some(values) = &body.custom_fields {
        crate::custom_fields::check_values(conn, caller.account_id, values, false)?;
    }
    let mut new = apply(old.clone(), body)?;
    if new.assignee_id != old.assignee_id {
        if let Some(user) = new.assignee_id {
            check_assignee(conn, caller.account_id, user)?;
        }
    }
    let changes = queries::diff(&old, &new);
    if changes.is_empty() {
        return Ok(old);
    }
    new.updated_at = Utc::now();
    let saved = queries::save(conn, &new)?;
    let actor = Actor::user(conn, caller)?;
    queries::log_changes(conn, caller.account_id, id, &actor, &changes)?;
    if let Some(user) = saved.assignee_id.filter(|_| saved.assignee_id != old.assignee_id) {
        assignment::announce(conn, &saved, user, public_url)?;
    }
    Ok(saved)
}

/// Adds a note to contact `id`, searchable and logged.
pub fn add_note(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, body: &CreateNoteRequest) -> ApiResult<NoteView> {
    let contact = queries::get_for_update(conn, caller, id)?;
    let note = NoteView {
        id: Uuid::new_v4(),
        author_id: caller.person_id(),
        body: body.body.trim().to_string(),
        created_at: Utc::now(),
    };
    diesel::insert_into(contact_notes::table)
        .values((
            contact_notes::id.eq(note.id),
            contact_notes::account_id.eq(caller.account_id),
            contact_notes::contact_id.eq(id),
            contact_notes::author_id.eq(note.author_id),
            contact_notes::body.eq(&note.body),
            contact_notes::created_at.eq(note.created_at),
        ))
        .execute(conn)?;
    diesel::update(contacts::table.find(id))
        .set((
            contacts::notes_text.eq(format!("{}\n{}", contact.notes_text, note.body)),
            contacts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    let actor = Actor::user(conn, caller)?;
    queries::log_changes(conn, caller.account_id, id, &actor, &[("note", None, Some(json!(note.body)))])?;
    Ok(note)
}
