//! What a client's change tells the account's webhooks (`domain::webhooks::contact_event_kinds`):
//! the client as it is now, the change-log entries, and who made them. Called by
//! `queries::log_changes`, so every change that reaches a client's history is announced.
//! Bulk imports (`queries::log_many`) announce nothing per row.

use diesel::prelude::*;
use domain::events::EventData;
use domain::webhooks::{contact_event_kinds, ContactEvent, FieldChange};
use serde_json::Value;
use uuid::Uuid;

use super::queries::{Actor, ContactRow};
use crate::platform::db::schema::contacts;
use crate::platform::error::ApiResult;
use crate::platform::webhooks;

pub fn announce(
    conn: &mut PgConnection,
    account_id: Uuid,
    contact_id: Uuid,
    actor: &Actor,
    changes: &[(&str, Option<Value>, Option<Value>)],
) -> ApiResult<()> {
    let fields: Vec<&str> = changes.iter().map(|(field, ..)| *field).collect();
    let channel = changes.iter().find(|(field, ..)| *field == "created").and_then(|(_, _, new)| new.as_ref());
    let kinds = contact_event_kinds(&fields, channel.and_then(Value::as_str));
    if kinds.is_empty() {
        return Ok(());
    }
    let wanted = webhooks::wanted_kinds(conn, account_id, &kinds)?;
    if wanted.is_empty() {
        return Ok(());
    }
    let row: ContactRow = contacts::table
        .filter(contacts::account_id.eq(account_id))
        .filter(contacts::id.eq(contact_id))
        .select(ContactRow::as_select())
        .first(conn)?;
    let event = ContactEvent {
        contact: row.into_view(),
        changes: changes
            .iter()
            .map(|(field, old, new)| FieldChange { field: field.to_string(), old: old.clone(), new: new.clone() })
            .collect(),
        actor: actor.label.clone(),
    };
    for kind in wanted {
        if let Some(data) = EventData::for_contact(kind, event.clone()) {
            webhooks::publish(conn, account_id, &data)?;
        }
    }
    Ok(())
}
