//! Card rows, what the caller may see of them, how they look in the API, and the history and
//! events every change leaves.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use domain::{CardContact, CardView, Money};
use serde_json::Value;
use uuid::Uuid;

use crate::contacts::queries::Actor;
use crate::platform::db::schema::{
    board_history, board_labels, board_members, board_stages, boards, card_labels, card_members, cards, contacts,
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

pub use crate::boards::labels::check_labels;

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
/// members (`kind`: `card.created`, `card.updated`, `card.moved`, `card.deleted`).
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
    events::record(
        conn,
        card.account_id,
        Audience::users(members),
        kind(domain::events::CardChanged {
            board_id: card.board_id,
            card_id: card.id,
            stage_id: card.stage_id,
            version: card.version,
            by: caller.user_id,
        }),
    )?;
    Ok(())
}
