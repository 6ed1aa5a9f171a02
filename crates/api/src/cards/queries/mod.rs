//! Card rows, what the caller may see of them, how they look in the API, and the history and
//! events every change leaves.

pub mod actions;
pub mod attachments;
mod board_pages;
pub mod board_view;
pub mod checklist;
pub mod comments;
pub mod of_contact;
pub mod relations;

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use domain::card_patch::{apply_card_patch, CardFields};
use domain::{CardContact, CardView, CreateCardRequest, Money, UpdateCardRequest};
use serde_json::Value;
use uuid::Uuid;

use crate::contacts::queries::Actor;
use crate::platform::db::schema::{
    board_history, board_labels, board_members, board_stages, boards, card_attachments, card_labels, card_members,
    cards, contacts,
};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::{self, Audience};
use crate::platform::http::extract::AuthUser;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cards, treat_none_as_null = true)]
pub struct CardRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub board_id: Uuid,
    pub stage_id: Uuid,
    pub position: String,
    pub title: String,
    pub description: String,
    pub contact_id: Option<Uuid>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub product: Option<String>,
    pub version: i32,
    pub archived_at: Option<DateTime<Utc>>,
    pub lost_at: Option<DateTime<Utc>>,
    pub lost_reason: Option<String>,
    pub converted_to_client_at: Option<DateTime<Utc>>,
    pub converted_to_service_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// An object: field key → value.
    pub custom_fields: Value,
}

impl CardRow {
    pub fn value(&self) -> Option<Money> {
        match (self.amount_minor, &self.currency) {
            (Some(minor), Some(currency)) => Some(Money::from_minor(minor, currency)),
            _ => None,
        }
    }
}

/// Whether the caller sees board `board_id` (admins: any of their account's; agents: the
/// ones shared with them).
pub fn sees_board(conn: &mut PgConnection, caller: &AuthUser, board_id: Uuid) -> ApiResult<()> {
    crate::boards::visible(caller).filter(boards::id.eq(board_id)).select(boards::id).first::<Uuid>(conn)?;
    Ok(())
}

/// A card the caller may see (404 otherwise), locked for the rest of the transaction when
/// `lock`.
pub fn card_for(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, lock: bool) -> ApiResult<CardRow> {
    let q = cards::table.filter(cards::account_id.eq(caller.account_id)).filter(cards::id.eq(id));
    let card: CardRow = if lock {
        q.select(CardRow::as_select()).for_update().first(conn)?
    } else {
        q.select(CardRow::as_select()).first(conn)?
    };
    if !caller.is_admin() {
        let shared: bool = diesel::select(exists(
            board_members::table
                .filter(board_members::board_id.eq(card.board_id))
                .filter(board_members::user_id.eq(caller.user_id)),
        ))
        .get_result(conn)?;
        if !shared {
            return Err(ApiError::NotFound);
        }
    }
    Ok(card)
}

/// Cards as the API shows them: with their contact, labels, members and whether they are stale.
pub fn views(conn: &mut PgConnection, rows: Vec<CardRow>) -> ApiResult<Vec<CardView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let contact_ids: Vec<Uuid> = rows.iter().filter_map(|c| c.contact_id).collect();
    let mut stage_ids: Vec<Uuid> = rows.iter().map(|c| c.stage_id).collect();
    stage_ids.sort();
    stage_ids.dedup();
    let contacts: HashMap<Uuid, CardContact> = if contact_ids.is_empty() {
        HashMap::new()
    } else {
        contacts::table
            .filter(contacts::id.eq_any(&contact_ids))
            .select((
                contacts::id,
                contacts::name,
                contacts::email,
                contacts::phone,
                contacts::assignee_id,
                contacts::created_at,
            ))
            .load::<(Uuid, Option<String>, Option<String>, Option<String>, Option<Uuid>, DateTime<Utc>)>(conn)?
            .into_iter()
            .map(|(id, name, email, phone, assignee_id, created_at)| {
                (id, CardContact { id, name, email, phone, assignee_id, created_at })
            })
            .collect()
    };
    let stale_days: HashMap<Uuid, Option<i32>> = board_stages::table
        .filter(board_stages::id.eq_any(&stage_ids))
        .select((board_stages::id, board_stages::stale_days))
        .load(conn)?
        .into_iter()
        .collect();
    let mut labels: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (card, label) in card_labels::table
        .inner_join(board_labels::table)
        .filter(card_labels::card_id.eq_any(&ids))
        .order((board_labels::created_at, board_labels::id))
        .select((card_labels::card_id, card_labels::label_id))
        .load::<(Uuid, Uuid)>(conn)?
    {
        labels.entry(card).or_default().push(label);
    }
    let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (card, user) in card_members::table
        .filter(card_members::card_id.eq_any(&ids))
        .order((card_members::card_id, card_members::user_id))
        .select((card_members::card_id, card_members::user_id))
        .load::<(Uuid, Uuid)>(conn)?
    {
        members.entry(card).or_default().push(user);
    }
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|c| {
            let stale = stale_days
                .get(&c.stage_id)
                .copied()
                .flatten()
                .is_some_and(|days| c.updated_at < now - Duration::days(days.into()));
            CardView {
                id: c.id,
                board_id: c.board_id,
                stage_id: c.stage_id,
                contact: c.contact_id.and_then(|id| contacts.get(&id).cloned()),
                value: c.value(),
                label_ids: labels.remove(&c.id).unwrap_or_default(),
                member_ids: members.remove(&c.id).unwrap_or_default(),
                title: c.title,
                description: c.description,
                product: c.product,
                custom_fields: match c.custom_fields {
                    Value::Object(map) => map,
                    _ => Default::default(),
                },
                archived_at: c.archived_at,
                lost_at: c.lost_at,
                lost_reason: c.lost_reason,
                converted_to_client_at: c.converted_to_client_at,
                converted_to_service_at: c.converted_to_service_at,
                stale,
                version: c.version,
                created_by: c.created_by,
                created_at: c.created_at,
                updated_at: c.updated_at,
            }
        })
        .collect())
}

pub fn view(conn: &mut PgConnection, row: CardRow) -> ApiResult<CardView> {
    views(conn, vec![row])?.pop().ok_or(ApiError::NotFound)
}

pub(crate) use crate::boards::check_labels;

/// 422 unless the contact is the caller's to see; 409 naming the card when the board already
/// has one for it.
pub fn check_contact(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    contact_id: Uuid,
    card_id: Uuid,
) -> ApiResult<()> {
    crate::contacts::queries::get(conn, caller, contact_id)
        .map_err(|_| ApiError::field("contact_id", "unknown", "is not a contact you can see"))?;
    let existing: Option<(Uuid, String)> = cards::table
        .filter(cards::board_id.eq(board_id))
        .filter(cards::contact_id.eq(contact_id))
        .filter(cards::id.ne(card_id))
        .select((cards::id, cards::title))
        .first(conn)
        .optional()?;
    match existing {
        Some((id, title)) => Err(contact_taken(id, &title)),
        None => Ok(()),
    }
}

pub fn contact_taken(card_id: Uuid, title: &str) -> ApiError {
    ApiError::conflict_on(
        "contact_id",
        &format!("This contact already has a card on this board: \"{title}\" ({card_id})."),
    )
}

pub fn set_labels(conn: &mut PgConnection, card_id: Uuid, ids: &[Uuid]) -> ApiResult<()> {
    diesel::delete(card_labels::table.filter(card_labels::card_id.eq(card_id))).execute(conn)?;
    let rows: Vec<_> = ids.iter().map(|l| (card_labels::card_id.eq(card_id), card_labels::label_id.eq(*l))).collect();
    diesel::insert_into(card_labels::table).values(rows).execute(conn)?;
    Ok(())
}

pub fn set_members(conn: &mut PgConnection, card_id: Uuid, ids: &[Uuid]) -> ApiResult<()> {
    diesel::delete(card_members::table.filter(card_members::card_id.eq(card_id))).execute(conn)?;
    let rows: Vec<_> = ids.iter().map(|u| (card_members::card_id.eq(card_id), card_members::user_id.eq(*u))).collect();
    diesel::insert_into(card_members::table).values(rows).execute(conn)?;
    Ok(())
}

/// One change, as the board history keeps it.
pub struct Change<'a> {
    pub action: &'a str,
    pub field: Option<Cow<'a, str>>,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

impl<'a> Change<'a> {
    pub fn action(action: &'a str) -> Change<'a> {
        Change { action, field: None, old: None, new: None }
    }

    pub fn field(field: &'a str, old: Option<Value>, new: Option<Value>) -> Change<'a> {
        Change { action: "updated", field: Some(Cow::Borrowed(field)), old, new }
    }

    /// A change of a field whose name is made on the spot (`custom_fields.<key>`).
    pub fn owned_field(field: String, old: Option<Value>, new: Option<Value>) -> Change<'a> {
        Change { action: "updated", field: Some(Cow::Owned(field)), old, new }
    }

    pub fn with(action: &'a str, old: Option<Value>, new: Option<Value>) -> Change<'a> {
        Change { action, field: None, old, new }
    }
}

/// Writes the changes to the board history and announces the card's new state to the board's
/// members (`kind`: `card.created`, `card.updated`, `card.moved`, `card.deleted`), and a won
/// or lost deal to the account's webhooks.
pub fn record(
    conn: &mut PgConnection,
    caller: &AuthUser,
    card: &CardRow,
    kind: fn(domain::events::CardChanged) -> events::EventData,
    changes: &[Change],
) -> ApiResult<()> {
    let actor = Actor::user(conn, caller)?;
    let rows: Vec<_> = changes
        .iter()
        .map(|c| {
            (
                board_history::account_id.eq(card.account_id),
                board_history::board_id.eq(card.board_id),
                board_history::card_id.eq(Some(card.id)),
                board_history::card_title.eq(card.title.clone()),
                board_history::user_id.eq(actor.user_id),
                board_history::actor_label.eq(actor.label.clone()),
                board_history::action.eq(c.action),
                board_history::field.eq(c.field.as_deref()),
                board_history::old_value.eq(c.old.clone()),
                board_history::new_value.eq(c.new.clone()),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(board_history::table).values(rows).execute(conn)?;
    }
    let members: Vec<Uuid> = board_members::table
        .filter(board_members::board_id.eq(card.board_id))
        .select(board_members::user_id)
        .load(conn)?;
    let changed = domain::events::CardChanged {
        board_id: card.board_id,
        card_id: card.id,
        stage_id: card.stage_id,
        version: card.version,
        by: caller.user_id,
    };
    events::record(conn, card.account_id, Audience::users(members), kind(changed.clone()))?;
    // A deal closed either way also goes to webhooks as such (the board's screens follow
    // `card.updated`): `converted` is `card.won`, `lost` is `card.lost`.
    for c in changes {
        let closed = match c.action {
            "converted" => events::EventData::CardWon(changed.clone()),
            "lost" => events::EventData::CardLost(changed.clone()),
            _ => continue,
        };
        crate::platform::webhooks::publish(conn, card.account_id, &closed)?;
    }
    Ok(())
}

/// What an edit did: saved, or refused as stale (the card as it is).
pub enum Edit {
    Saved(CardView),
    Stale(CardView),
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn minor(value: &Option<Money>) -> (Option<i64>, Option<String>) {
    match value {
        Some(m) => (domain::money::to_minor(&m.amount, &m.currency).ok(), Some(m.currency.clone())),
        None => (None, None),
    }
}

/// A unique violation on (board, contact) from a racing create: the same 409 as the check.
fn contact_race(
    conn: &mut PgConnection,
    board_id: Uuid,
    contact_id: Option<Uuid>,
    e: diesel::result::Error,
) -> ApiError {
    use diesel::result::{DatabaseErrorKind, Error};
    if let (Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _), Some(contact)) = (&e, contact_id) {
        if let Ok((id, title)) = cards::table
            .filter(cards::board_id.eq(board_id))
            .filter(cards::contact_id.eq(contact))
            .select((cards::id, cards::title))
            .first::<(Uuid, String)>(conn)
        {
            return contact_taken(id, &title);
        }
    }
    e.into()
}

fn sorted(ids: &[Uuid]) -> Vec<Uuid> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids
}

/// Adds a card last in its stage, with the board's base card (labels, members, fields,
/// checklist, comments, files) under what the request gives.
pub fn create(
    conn: &mut PgConnection,
    caller: &AuthUser,
    board_id: Uuid,
    req: CreateCardRequest,
) -> ApiResult<CardView> {
    sees_board(conn, caller, board_id)?;
    crate::platform::positions::lock_stage(conn, board_id, req.stage_id)
        .map_err(|_| ApiError::field("stage_id", "unknown", "is not a stage of this board"))?;
    let id = Uuid::new_v4();
    let base = crate::boards::base_card(conn, board_id)?;
    let labels = check_labels(conn, board_id, &[req.label_ids, base.label_ids].concat(), "label_ids")?;
    let members = crate::users::queries::check_users(
        conn,
        caller.account_id,
        &[req.member_ids, base.member_ids].concat(),
        "member_ids",
    )?;
    if let Some(contact) = req.contact_id {
        check_contact(conn, caller, board_id, contact, id)?;
    }
    crate::boards::check_values(conn, caller, board_id, &req.custom_fields)?;
    let mut values = base.custom_fields;
    values.extend(req.custom_fields);
    values.retain(|_, v| !v.is_null());
    let description = trimmed(req.description).unwrap_or(base.description);
    let (amount_minor, currency) = minor(&req.value);
    let now = Utc::now();
    let row = CardRow {
        id,
        account_id: caller.account_id,
        board_id,
        stage_id: req.stage_id,
        position: crate::platform::positions::last_in_stage(conn, req.stage_id)?.into_string(),
        title: req.title.trim().to_string(),
        description,
        contact_id: req.contact_id,
        amount_minor,
        currency,
        product: trimmed(req.product),
        version: 1,
        archived_at: None,
        lost_at: None,
        lost_reason: None,
        converted_to_client_at: None,
        converted_to_service_at: None,
        created_by: caller.person_id(),
        created_at: now,
        updated_at: now,
        custom_fields: serde_json::Value::Object(values),
    };
    diesel::insert_into(cards::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| contact_race(conn, board_id, row.contact_id, e))?;
    set_labels(conn, id, &labels)?;
    set_members(conn, id, &members)?;
    checklist::append(conn, id, &base.checklist)?;
    comments::append_base(conn, caller.account_id, id, &base.comments)?;
    attachments::copy_base(conn, board_id, id)?;
    record(conn, caller, &row, crate::platform::events::EventData::CardCreated, &[Change::action("created")])?;
    view(conn, row)
}

/// Applies `req` to card `id` (`domain::card_patch`) unless `expected` (an `If-Match`) is not
/// its version; history and event for what changed.
pub fn update(
    conn: &mut PgConnection,
    caller: &AuthUser,
    id: Uuid,
    req: UpdateCardRequest,
    expected: Option<Option<i32>>,
) -> ApiResult<Edit> {
    let old = card_for(conn, caller, id, true)?;
    if expected.is_some_and(|v| v != Some(old.version)) {
        return Ok(Edit::Stale(view(conn, old)?));
    }
    let before = view(conn, old.clone())?;
    // What needs the database: the contact, custom fields, labels and members exist
    // and may be used. Then the rules (`domain::card_patch`) say what changes.
    if let Some(Some(contact)) = req.contact_id.filter(|c| *c != old.contact_id) {
        check_contact(conn, caller, old.board_id, contact, id)?;
    }
    if let Some(values) = &req.custom_fields {
        crate::boards::check_values(conn, caller, old.board_id, values)?;
    }
    if let Some(ids) = &req.label_ids {
        crate::boards::check_labels(conn, old.board_id, ids, "label_ids")?;
    }
    if let Some(ids) = &req.member_ids {
        crate::users::queries::check_users(conn, caller.account_id, ids, "member_ids")?;
    }
    let was = CardFields {
        title: old.title.clone(),
        description: old.description.clone(),
        contact_id: old.contact_id,
        value: old.value(),
        product: old.product.clone(),
        custom_fields: old.custom_fields.as_object().cloned().unwrap_or_default(),
        label_ids: sorted(&before.label_ids),
        member_ids: sorted(&before.member_ids),
    };
    let (now, field_changes) = apply_card_patch(&was, &req);
    let changes: Vec<Change> =
        field_changes.into_iter().map(|c| Change::owned_field(c.field, Some(c.old), Some(c.new))).collect();
    if changes.is_empty() {
        return Ok(Edit::Saved(before));
    }
    if now.label_ids != was.label_ids {
        set_labels(conn, id, &now.label_ids)?;
    }
    if now.member_ids != was.member_ids {
        set_members(conn, id, &now.member_ids)?;
    }
    let mut new = old.clone();
    (new.title, new.description, new.contact_id, new.product) =
        (now.title, now.description, now.contact_id, now.product);
    (new.amount_minor, new.currency) = minor(&now.value);
    new.custom_fields = Value::Object(now.custom_fields);
    new.version += 1;
    new.updated_at = Utc::now();
    diesel::update(cards::table.find(id))
        .set(&new)
        .execute(conn)
        .map_err(|e| contact_race(conn, old.board_id, new.contact_id, e))?;
    record(conn, caller, &new, crate::platform::events::EventData::CardUpdated, &changes)?;
    Ok(Edit::Saved(view(conn, new)?))
}

/// Removes card `id` (and its contact, `with_contact`, when the caller may); the storage keys
/// of its files, to release once committed.
pub fn delete(conn: &mut PgConnection, caller: &AuthUser, id: Uuid, with_contact: bool) -> ApiResult<Vec<String>> {
    // The lock order of docs/API.md: cards (in id order), then contacts, then tasks;
    // the account's event lock last. Deleting the contact also writes the other cards
    // linked to it (their link is cleared), so those are locked with this one, first.
    let seen = card_for(conn, caller, id, false)?;
    let contact = seen.contact_id.filter(|_| with_contact);
    let linked: Vec<Uuid> = contact.into_iter().collect();
    cards::table
        .filter(cards::account_id.eq(caller.account_id))
        .filter(cards::id.eq(id).or(cards::contact_id.eq_any(&linked)))
        .order(cards::id)
        .select(cards::id)
        .for_update()
        .load::<Uuid>(conn)?;
    // Read again under the lock (visibility was checked above).
    let card: CardRow = cards::table.find(id).select(CardRow::as_select()).first(conn)?;
    if card.contact_id.filter(|_| with_contact) != contact {
        return Err(ApiError::Unavailable("The card changed meanwhile; try again.".into()));
    }
    if let Some(contact) = contact {
        crate::contacts::queries::get_for_update(conn, caller, contact).map_err(|err| match err {
            ApiError::NotFound => ApiError::Forbidden("You may not delete this card's contact.".into()),
            other => other,
        })?;
    }
    let files: Vec<String> = card_attachments::table
        .filter(card_attachments::card_id.eq(id))
        .select(card_attachments::storage_key)
        .load(conn)?;
    diesel::delete(card_labels::table.filter(card_labels::card_id.eq(id))).execute(conn)?;
    diesel::delete(card_members::table.filter(card_members::card_id.eq(id))).execute(conn)?;
    diesel::delete(cards::table.find(id)).execute(conn)?;
    if let Some(contact) = contact {
        diesel::delete(contacts::table.find(contact)).execute(conn)?;
    }
    // Last: it takes the account's event lock.
    record(
        conn,
        caller,
        &card,
        crate::platform::events::EventData::CardDeleted,
        &[Change::with("deleted", None, None)],
    )?;
    Ok(files)
}
