//! The CSV import's writer. Rows go in batches: one query finds (and locks) the contacts a
//! batch's e-mails and phones already belong to, the rows are applied in file order in memory
//! with the same rules as a single lead (`upsert`), and the batch is written with multi-row
//! statements. So an import costs a few statements per thousand rows, not several per row, and
//! stays linear in its size from a new account's first import on.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use serde_json::{json, Value};
use uuid::Uuid;

use super::csv_rows::ImportRow;
use super::queries::{self, ContactRow};
use super::upsert::{self, LeadSource};
use crate::platform::db::schema::{contact_notes, contacts};
use crate::platform::error::ApiResult;

/// Rows per batch: a multi-row INSERT of this many contacts stays under PostgreSQL's 65,535
/// binds, and the lookup's arrays stay small.
pub const BATCH: usize = 1000;

/// How many contacts a batch created, how many rows updated (or matched) an existing one, and
/// how many matched one that was left alone (`ExistingClients::Skip`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub created: i32,
    pub updated: i32,
    pub kept: i32,
}

struct Entry {
    row: ContactRow,
    new: bool,
    changed: bool,
}

/// The contacts (locked) that a batch's e-mails and phones already belong to, each once.
///
/// One probe of the unique index on `(account_id, email)` or `(account_id, phone)` per distinct
/// key, whatever the statistics say. The import's own rows are uncommitted, so statistics
/// never see them: a new account looks empty, however many rows the import has written.
/// - `email = ANY($2) OR phone = ANY($3)` was planned as a scan of the account's rows with both
///   arrays as a filter: every batch read every row the import had written (20,000 rows took
///   30 times as long as 2,000 on a new database).
/// - A `LATERAL … LIMIT 1` probe with `account_id = $1` still let the planner take a list index
///   on `account_id` alone, estimated at one row for an account it has no statistics for, and
///   filter on the e-mail: a scan per key (100,000 rows in 26 minutes next to a 1M-contact
///   account).
///
/// Here the account comes in beside each key (from `unnest`), so the planner estimates
/// `account_id = k.account_id` as an average account, not as the one it knows nothing of, and
/// only the unique index, exact on both columns, looks cheap.
fn existing(conn: &mut PgConnection, account_id: Uuid, keys: &[upsert::LeadKeys]) -> ApiResult<Vec<ContactRow>> {
    let distinct = |pick: fn(&upsert::LeadKeys) -> Option<&String>| -> Vec<&str> {
        let set: HashSet<&str> = keys.iter().filter_map(|k| pick(k).map(String::as_str)).collect();
        set.into_iter().collect()
    };
    let (emails, phones) = (distinct(|k| k.0.as_ref()), distinct(|k| k.1.as_ref()));
    let rows: Vec<ContactRow> = diesel::sql_query(
        "SELECT c.* FROM unnest(array_fill($1::uuid, ARRAY[cardinality($2::text[])]), $2::text[]) \
           AS k(account_id, email) CROSS JOIN LATERAL \
           (SELECT * FROM contacts WHERE account_id = k.account_id AND email = k.email LIMIT 1 FOR UPDATE) c \
         UNION ALL \
         SELECT c.* FROM unnest(array_fill($1::uuid, ARRAY[cardinality($3::text[])]), $3::text[]) \
           AS k(account_id, phone) CROSS JOIN LATERAL \
           (SELECT * FROM contacts WHERE account_id = k.account_id AND phone = k.phone LIMIT 1 FOR UPDATE) c",
    )
    .bind::<SqlUuid, _>(account_id)
    .bind::<Array<Text>, _>(&emails)
    .bind::<Array<Text>, _>(&phones)
    .load(conn)?;
    // A contact found by both its e-mail and its phone comes back twice.
    let mut seen = HashSet::new();
    Ok(rows.into_iter().filter(|row| seen.insert(row.id)).collect())
}

/// A note the `notes` column adds: (id, contact, body).
pub type NewNote = (Uuid, Uuid, String);

/// Applies a row's columns beyond the lead's own fields (status, assignee, note) to its
/// contact, logging each change; returns whether anything changed. Unless `overwrite`, a known
/// client keeps its status and assignee (a status is never empty).
pub fn apply_columns(
    contact: &mut ContactRow,
    row: &ImportRow,
    overwrite: bool,
    log: &mut Vec<(Uuid, &str, Option<Value>, Option<Value>)>,
    notes: &mut Vec<NewNote>,
) -> bool {
    let mut changed = false;
    if let Some(status) = row.status.filter(|s| s.as_str() != contact.status && overwrite) {
        log.push((contact.id, "status", Some(json!(contact.status)), Some(json!(status))));
        contact.status = status.as_str().to_string();
        changed = true;
    }
    // Assigned quietly: a file of 800 clients sends no 800 e-mails.
    if let Some(user) =
        row.assignee.filter(|u| contact.assignee_id != Some(*u) && (overwrite || contact.assignee_id.is_none()))
    {
        log.push((contact.id, "assignee_id", contact.assignee_id.map(|u| json!(u)), Some(json!(user))));
        contact.assignee_id = Some(user);
        changed = true;
    }
    if let Some(note) = &row.note {
        log.push((contact.id, "note", None, Some(json!(note))));
        contact.notes_text = format!("{}\n{note}", contact.notes_text);
        notes.push((Uuid::new_v4(), contact.id, note.clone()));
        changed = true;
    }
    changed
}

/// Stores the notes of [`apply_columns`], by whoever imports, after their contacts.
pub fn add_notes(conn: &mut PgConnection, source: &LeadSource, notes: &[NewNote]) -> ApiResult<()> {
    if notes.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let rows: Vec<_> = notes
        .iter()
        .map(|(id, contact_id, body)| {
            (
                contact_notes::id.eq(*id),
                contact_notes::account_id.eq(source.account_id),
                contact_notes::contact_id.eq(*contact_id),
                contact_notes::author_id.eq(source.actor.user_id),
                contact_notes::body.eq(body),
                contact_notes::created_at.eq(now),
            )
        })
        .collect();
    // Six binds a note: a batch of 1000 stays far under PostgreSQL's 65,535.
    diesel::insert_into(contact_notes::table).values(&rows).execute(conn)?;
    Ok(())
}

/// What a batch would do, worked out in memory: the contacts it creates or changes, the
/// change log, the notes. `write` stores it; a dry run shows the log.
pub struct Plan<'r> {
    entries: Vec<Entry>,
    pub log: Vec<(Uuid, &'r str, Option<Value>, Option<Value>)>,
    notes: Vec<NewNote>,
    pub written: Written,
    /// The matched clients as they were before the batch, by id.
    pub before: HashMap<Uuid, ContactRow>,
}

/// Writes one batch; on error nothing of it should be kept (run it in a savepoint).
pub fn write(conn: &mut PgConnection, source: &LeadSource, rows: &[ImportRow]) -> ApiResult<Written> {
    let Plan { entries, log, notes, written, .. } = plan(conn, source, rows)?;
    let (new, known): (Vec<Entry>, Vec<Entry>) = entries.into_iter().filter(|e| e.changed).partition(|e| e.new);
    let new: Vec<ContactRow> = new.into_iter().map(|e| e.row).collect();
    if !new.is_empty() {
        diesel::insert_into(contacts::table).values(&new).execute(conn).map_err(queries::dedup_conflict)?;
    }
    // Updates are the rare case of a first import, and each is a different row: one by one.
    for entry in known {
        queries::save(conn, &entry.row)?;
    }
    add_notes(conn, source, &notes)?;
    queries::log_many(conn, source.account_id, source.actor, &log)?;
    Ok(written)
}

/// Works out a batch against the contacts its e-mails and phones already belong to (locked
/// until the transaction ends), as `source.on_known` says.
pub fn plan<'r>(conn: &mut PgConnection, source: &LeadSource, rows: &'r [ImportRow]) -> ApiResult<Plan<'r>> {
    let overwrite = source.on_known == upsert::OnKnownClient::Update;
    let keys = rows.iter().map(|r| upsert::lead_keys(&r.lead)).collect::<ApiResult<Vec<_>>>()?;
    let found = existing(conn, source.account_id, &keys)?;
    let before: HashMap<Uuid, ContactRow> = found.iter().map(|row| (row.id, row.clone())).collect();
    let mut entries: Vec<Entry> = found.into_iter().map(|row| Entry { row, new: false, changed: false }).collect();
    let (mut by_email, mut by_phone) = (HashMap::new(), HashMap::new());
    let index =
        |entry: &Entry, at: usize, by_email: &mut HashMap<String, usize>, by_phone: &mut HashMap<String, usize>| {
            if let Some(e) = &entry.row.email {
                by_email.entry(e.clone()).or_insert(at);
            }
            if let Some(p) = &entry.row.phone {
                by_phone.entry(p.clone()).or_insert(at);
            }
        };
    for (at, entry) in entries.iter().enumerate() {
        index(entry, at, &mut by_email, &mut by_phone);
    }

    let mut log: Vec<(Uuid, &'r str, Option<Value>, Option<Value>)> = Vec::new();
    let mut notes = Vec::new();
    let mut written = Written::default();
    for (row, (email, phone)) in rows.iter().zip(keys) {
        // By e-mail first, as for a single lead: it wins when e-mail and phone disagree.
        let hit = email.as_ref().and_then(|e| by_email.get(e)).or_else(|| phone.as_ref().and_then(|p| by_phone.get(p)));
        let at = match hit.copied() {
            Some(at) => {
                let entry = &mut entries[at];
                // A blocked contact takes nothing from a lead; nor does any when told to skip.
                let skip = source.on_known == upsert::OnKnownClient::Skip && !entry.new;
                if skip {
                    written.kept += 1;
                    continue;
                }
                if !entry.row.blocked {
                    let new = upsert::update_from_lead(
                        entry.row.clone(),
                        &row.lead,
                        source.site_id,
                        email,
                        phone,
                        overwrite || entry.new,
                    );
                    let changes = queries::diff(&entry.row, &new);
                    if !changes.is_empty() {
                        log.extend(changes.into_iter().map(|(f, old, new)| (entry.row.id, f, old, new)));
                        entry.row = new;
                        entry.changed = true;
                    }
                }
                written.updated += 1;
                at
            }
            None => {
                let new = upsert::new_contact(source, &row.lead, email, phone);
                log.push((new.id, "created", None, Some(json!(source.channel))));
                entries.push(Entry { row: new, new: true, changed: true });
                written.created += 1;
                entries.len() - 1
            }
        };
        let entry = &mut entries[at];
        let overwrite = overwrite || entry.new;
        if apply_columns(&mut entry.row, row, overwrite, &mut log, &mut notes) {
            entry.changed = true;
        }
        index(&entries[at], at, &mut by_email, &mut by_phone);
    }
    Ok(Plan { entries, log, notes, written, before })
}
