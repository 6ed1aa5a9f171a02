//! Deleting clients for good (admins): one, or a bulk chunk, in the caller's transaction. Their
//! conversations, notes, tasks and change log go with them (foreign keys cascade); their cards
//! stay on their boards without a client, or go too (`delete_cards`). What stays is a
//! tombstone per client in the account's audit (who, when, how many of each), never the
//! client's data: this is how an erasure request is honoured (docs/PRODUCT.md).

use std::collections::HashMap;

use chrono::Utc;
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::events::EventData;
use domain::ContactDeletion;
use uuid::Uuid;

use super::queries::Actor;
use crate::cards::queries::{record, CardRow, Change};
use crate::platform::audit::{self, AuditActor};
use crate::platform::db::schema::{card_attachments, card_labels, card_members, cards, contact_notes, contacts};
use crate::platform::db::schema::{contact_calls, conversations, tasks};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;

/// What a delete did: each client's tombstone, the ids not found, and the storage keys of
/// the deleted clients' and cards' files (to release once committed).
pub struct Removed {
    pub deleted: Vec<ContactDeletion>,
    pub not_found: Vec<Uuid>,
    pub files: Vec<String>,
}

/// Deletes the clients `ids` of the caller's account (an admin's: every client is visible).
pub fn delete_many(conn: &mut PgConnection, caller: &AuthUser, ids: &[Uuid], delete_cards: bool) -> ApiResult<Removed> {
    if !caller.is_admin() {
        return Err(ApiError::Forbidden("Only admins delete clients.".into()));
    }
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let account_id = caller.account_id;
    // Lock order (docs/API.md): the cards first (their link is cleared or they go), in id
    // order; then the clients in id order; the events last.
    let linked: Vec<CardRow> = cards::table
        .filter(cards::account_id.eq(account_id))
        .filter(cards::contact_id.eq_any(&ids))
        .order(cards::id)
        .select(CardRow::as_select())
        .for_update()
        .load(conn)?;
    let found: Vec<Uuid> = contacts::table
        .filter(contacts::account_id.eq(account_id))
        .filter(contacts::id.eq_any(&ids))
        .order(contacts::id)
        .select(contacts::id)
        .for_update()
        .load(conn)?;
    let not_found: Vec<Uuid> = ids.iter().filter(|id| !found.contains(id)).copied().collect();
    // A card linked to a client that is not found belongs to another account's client: none,
    // since both are filtered by account; kept as a guard.
    let linked: Vec<CardRow> =
        linked.into_iter().filter(|c| c.contact_id.is_some_and(|id| found.contains(&id))).collect();

    let per_contact = |rows: Vec<(Uuid, i64)>| rows.into_iter().collect::<HashMap<Uuid, i64>>();
    let conversation_counts = per_contact(
        conversations::table
            .filter(conversations::contact_id.eq_any(&found))
            .group_by(conversations::contact_id)
            .select((conversations::contact_id, count_star()))
            .load(conn)?,
    );
    let note_counts = per_contact(
        contact_notes::table
            .filter(contact_notes::contact_id.eq_any(&found))
            .group_by(contact_notes::contact_id)
            .select((contact_notes::contact_id, count_star()))
            .load(conn)?,
    );
    let call_counts = per_contact(
        contact_calls::table
            .filter(contact_calls::contact_id.eq_any(&found))
            .group_by(contact_calls::contact_id)
            .select((contact_calls::contact_id, count_star()))
            .load(conn)?,
    );
    let task_counts: HashMap<Uuid, i64> = tasks::table
        .filter(tasks::contact_id.eq_any(&found))
        .group_by(tasks::contact_id)
        .select((tasks::contact_id, count_star()))
        .load::<(Option<Uuid>, i64)>(conn)?
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect();

    // The clients' own files: their rows cascade, their objects are released after commit.
    let client_files = super::files::keys_of(conn, &found)?;
    let file_counts = client_files.iter().fold(HashMap::<Uuid, i64>::new(), |mut counts, (id, _)| {
        *counts.entry(*id).or_default() += 1;
        counts
    });
    let mut files: Vec<String> = client_files.into_iter().map(|(_, key)| key).collect();

    let card_ids: Vec<Uuid> = linked.iter().map(|c| c.id).collect();
    if delete_cards {
        files.extend(
            card_attachments::table
                .filter(card_attachments::card_id.eq_any(&card_ids))
                .select(card_attachments::storage_key)
                .load::<String>(conn)?,
        );
        diesel::delete(card_labels::table.filter(card_labels::card_id.eq_any(&card_ids))).execute(conn)?;
        diesel::delete(card_members::table.filter(card_members::card_id.eq_any(&card_ids))).execute(conn)?;
        diesel::delete(cards::table.filter(cards::id.eq_any(&card_ids))).execute(conn)?;
    } else {
        // A new version: an edit made on the old one (If-Match) is refused as stale.
        diesel::update(cards::table.filter(cards::id.eq_any(&card_ids)))
            .set((
                cards::contact_id.eq(None::<Uuid>),
                cards::version.eq(cards::version + 1),
                cards::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
    }
    // Conversations (and their messages), notes, calls, files, tasks, the change log and routing
    // rows cascade; a chat visitor keeps its token without a client.
    diesel::delete(contacts::table.filter(contacts::id.eq_any(&found))).execute(conn)?;

    let cards_of = |id: Uuid| linked.iter().filter(|c| c.contact_id == Some(id)).count() as i64;
    let deleted: Vec<ContactDeletion> = found
        .iter()
        .map(|&id| ContactDeletion {
            contact_id: id,
            conversations: conversation_counts.get(&id).copied().unwrap_or(0),
            notes: note_counts.get(&id).copied().unwrap_or(0),
            calls: call_counts.get(&id).copied().unwrap_or(0),
            files: file_counts.get(&id).copied().unwrap_or(0),
            tasks: task_counts.get(&id).copied().unwrap_or(0),
            cards_unlinked: if delete_cards { 0 } else { cards_of(id) },
            cards_deleted: if delete_cards { cards_of(id) } else { 0 },
        })
        .collect();
    let actor = Actor::user(conn, caller)?;
    let tombstones: Vec<(Uuid, serde_json::Value)> =
        deleted.iter().map(|d| (d.contact_id, serde_json::to_value(d).unwrap_or_default())).collect();
    audit::record_many(
        conn,
        account_id,
        &AuditActor { user_id: actor.user_id, label: &actor.label },
        "contact.deleted",
        &tombstones,
    )?;
    for deletion in &deleted {
        crate::platform::webhooks::publish(conn, account_id, &EventData::ContactDeleted(deletion.clone()))?;
    }
    // Last: the boards' screens hear of each card, under the account's event lock.
    for card in &linked {
        let mut card = card.clone();
        if delete_cards {
            record(conn, caller, &card, EventData::CardDeleted, &[Change::with("deleted", None, None)])?;
        } else {
            let change = Change::field("contact_id", card.contact_id.map(|id| serde_json::json!(id)), None);
            card.version += 1;
            card.contact_id = None;
            record(conn, caller, &card, EventData::CardUpdated, &[change])?;
        }
    }
    Ok(Removed { deleted, not_found, files })
}
