//! Creating or updating a contact from lead data: the one place both lead ingestion and
//! CSV imports write contacts through, so both dedup, fill and log the same way.

use chrono::Utc;
use diesel::prelude::*;
use domain::{Channel, IngestLeadRequest, Location};
use serde_json::{json, Value};
use uuid::Uuid;

use super::queries::{self, Actor, ContactRow};
use super::{email_field, phone_field};
use crate::assignment;
use crate::platform::db::schema::contacts;
use crate::platform::error::ApiResult;
use domain::contact_rules::normalize_tags;

/// What a lead does to the client it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnKnownClient {
    /// A trusted source (API key, CSV import): its personal data replaces what is there and
    /// its origin fills gaps.
    Update,
    /// An anonymous source (a site's public key): nothing of the client changes; the
    /// submission is logged on it ("submitted again with …") for an agent to review.
    LogOnly,
    /// A CSV import told to fill gaps only: the lead's values go only where the client has
    /// none (tags are still added).
    FillEmpty,
    /// A CSV import told to leave known clients alone.
    Skip,
}

impl From<domain::ExistingClients> for OnKnownClient {
    fn from(existing: domain::ExistingClients) -> OnKnownClient {
        match existing {
            domain::ExistingClients::Update => OnKnownClient::Update,
            domain::ExistingClients::FillEmpty => OnKnownClient::FillEmpty,
            domain::ExistingClients::Skip => OnKnownClient::Skip,
        }
    }
}

/// Where a lead comes from and what it may do.
pub struct LeadSource<'a> {
    pub account_id: Uuid,
    pub site_id: Option<Uuid>,
    pub actor: &'a Actor,
    /// The channel of a new contact.
    pub channel: Channel,
    /// Deal a new contact of an auto-assigning site to its next user.
    pub auto_assign: bool,
    pub on_known: OnKnownClient,
    /// `Config::public_url`, for the link in an assignment e-mail.
    pub public_url: &'a str,
    /// The address a public form was sent from: the contact's `ip` when the lead names none.
    pub client_address: Option<&'a str>,
    /// Where the lead's address places it (`platform::geoip`): fills a location that neither
    /// the lead nor the contact has, marked approximate.
    pub approx_location: Option<&'a Location>,
}

/// Creates a contact from a lead, or deals with the contact with the same e-mail or phone
/// as `source.on_known` says; a blocked contact takes nothing. Returns the contact and
/// whether it is new.
pub fn create_or_update(
    conn: &mut PgConnection,
    source: &LeadSource,
    lead: &IngestLeadRequest,
) -> ApiResult<(ContactRow, bool)> {
    let LeadSource { account_id, site_id, actor, channel, auto_assign, on_known, public_url, approx_location, .. } =
        *source;
    let (email, phone) = lead_keys(lead)?;

    // By e-mail first: it wins when e-mail and phone point at different contacts. Two plain
    // unique-index lookups rather than one `email = … OR phone = …`: PostgreSQL re-plans that
    // one for every lead, which cost more than running it.
    let mine = || contacts::table.filter(contacts::account_id.eq(account_id)).select(ContactRow::as_select());
    let mut existing: Option<ContactRow> = None;
    if let Some(email) = &email {
        existing = mine().filter(contacts::email.eq(email)).for_update().first(conn).optional()?;
    }
    if let (None, Some(phone)) = (&existing, &phone) {
        existing = mine().filter(contacts::phone.eq(phone)).for_update().first(conn).optional()?;
    }

    let (contact, created) = match existing {
        Some(old) if old.blocked || on_known == OnKnownClient::Skip => (old, false),
        Some(old) if on_known == OnKnownClient::LogOnly => {
            let submitted = submitted_fields(lead);
            queries::log_changes(conn, account_id, old.id, actor, &[("submitted_again", None, Some(submitted))])?;
            (old, false)
        }
        Some(old) => {
            let overwrite = on_known != OnKnownClient::FillEmpty;
            let mut new = update_from_lead(old.clone(), lead, site_id, email, phone, overwrite);
            fill_location_from_ip(&mut new, approx_location);
            let changes = queries::diff(&old, &new);
            if changes.is_empty() {
                (old, false)
            } else {
                let saved = queries::save(conn, &new)?;
                queries::log_changes(conn, account_id, saved.id, actor, &changes)?;
                (saved, false)
            }
        }
        None => {
            let mut row = new_contact(source, lead, email, phone);
            let mut waits_at = None;
            if let Some(site) = site_id.filter(|_| auto_assign) {
                match assignment::next_assignee(conn, account_id, site, row.id)? {
                    assignment::Turn::User(user) => row.assignee_id = Some(user),
                    assignment::Turn::Nobody => waits_at = Some(site),
                    assignment::Turn::Off => {}
                }
            }
            let created = queries::insert(conn, &row)?;
            queries::log_changes(conn, account_id, created.id, actor, &[("created", None, Some(json!(channel)))])?;
            if let Some(site) = site_id.filter(|_| auto_assign) {
                crate::sla::start_lead_clock(conn, account_id, site, created.id)?;
            }
            if let Some(site) = waits_at {
                assignment::enqueue(conn, account_id, site, created.id)?;
                assignment::deal_waiting(conn, account_id, site, public_url)?;
            }
            if let Some(user) = created.assignee_id {
                let auto = Actor::system("auto-assignment");
                queries::log_changes(conn, account_id, created.id, &auto, &[("assignee_id", None, Some(json!(user)))])?;
                assignment::announce(conn, &created, user, public_url)?;
            }
            (created, true)
        }
    };
    Ok((contact, created))
}

/// A lead's e-mail and phone as they are stored: what it is matched to a known contact by.
pub type LeadKeys = (Option<String>, Option<String>);

/// The e-mail and phone a lead is matched on, as they are stored.
pub fn lead_keys(lead: &IngestLeadRequest) -> ApiResult<LeadKeys> {
    Ok((email_field(lead.email.as_deref(), "email")?, phone_field(lead.phone.as_deref(), "phone")?))
}

/// A new contact from a lead, neither assigned nor stored yet.
pub fn new_contact(
    source: &LeadSource,
    lead: &IngestLeadRequest,
    email: Option<String>,
    phone: Option<String>,
) -> ContactRow {
    let mut row = ContactRow::new(source.account_id, source.channel);
    row.site_id = source.site_id;
    row.email = email;
    row.phone = phone;
    row = update_from_lead(row, lead, source.site_id, None, None, true);
    if row.ip.is_none() {
        row.ip = source.client_address.map(str::to_string).filter(|a| !a.is_empty());
    }
    fill_location_from_ip(&mut row, source.approx_location);
    row.first_contact_at = lead.first_contact_at.unwrap_or(row.created_at);
    row
}

/// Gives a contact with no location at all the one found from its address, marked approximate.
pub fn fill_location_from_ip(row: &mut ContactRow, approx: Option<&Location>) {
    let Some(found) = approx else { return };
    if row.city.is_none() && row.region.is_none() && row.country.is_none() {
        (row.city, row.region, row.country) = (found.city.clone(), found.region.clone(), found.country.clone());
        row.location_from_ip = true;
    }
}

/// The fields a lead carried, without empty ones, as the change log keeps them.
fn submitted_fields(lead: &IngestLeadRequest) -> Value {
    let mut value = serde_json::to_value(lead).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("transcript");
        map.retain(|_, v| match v {
            Value::Null => false,
            Value::String(s) => !s.trim().is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        });
    }
    value
}

fn set_if_given(slot: &mut Option<String>, value: &Option<String>) {
    if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        *slot = Some(v.to_string());
    }
}

fn fill_if_empty(slot: &mut Option<String>, value: &Option<String>) {
    if slot.is_none() {
        set_if_given(slot, value);
    }
}

/// What a lead changes on a contact: personal data it carries replaces what is there (only
/// fills gaps unless `overwrite`); origin data (site, page, source…) only fills gaps, so the
/// first contact's origin stays.
pub fn update_from_lead(
    mut row: ContactRow,
    lead: &IngestLeadRequest,
    site_id: Option<Uuid>,
    email: Option<String>,
    phone: Option<String>,
    overwrite: bool,
) -> ContactRow {
    let set: fn(&mut Option<String>, &Option<String>) = if overwrite { set_if_given } else { fill_if_empty };
    set(&mut row.name, &lead.name);
    set(&mut row.contact_hours, &lead.contact_hours);
    if let Some(loc) = lead.location.as_ref().filter(|l| !crate::platform::geoip::is_empty(Some(l))) {
        if row.location_from_ip && overwrite {
            // A given location replaces an approximate one whole, not part by part.
            (row.city, row.region, row.country) = (None, None, None);
            row.location_from_ip = false;
        }
        set(&mut row.city, &loc.city);
        set(&mut row.region, &loc.region);
        set(&mut row.country, &loc.country);
    }
    fill_if_empty(&mut row.email, &email);
    fill_if_empty(&mut row.phone, &phone);
    fill_if_empty(&mut row.page_url, &lead.page_url);
    fill_if_empty(&mut row.source, &lead.source);
    fill_if_empty(&mut row.medium, &lead.medium);
    fill_if_empty(&mut row.campaign, &lead.campaign);
    fill_if_empty(&mut row.referrer, &lead.referrer);
    fill_if_empty(&mut row.ip, &lead.ip);
    if row.site_id.is_none() {
        row.site_id = site_id;
    }
    if lead.rating.is_some() && (overwrite || row.rating.is_none()) {
        row.rating = lead.rating;
    }
    let mut tags = row.tags.clone();
    tags.extend(lead.tags.iter().cloned());
    row.tags = normalize_tags(tags);
    if let (Some(into), Some(Value::Object(from))) = (row.custom_fields.as_object_mut(), &lead.custom_fields) {
        for (k, v) in from {
            if overwrite || into.get(k).is_none_or(serde_json::Value::is_null) {
                into.insert(k.clone(), v.clone());
            }
        }
    }
    row.updated_at = Utc::now();
    row
}
