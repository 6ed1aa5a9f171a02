//! The lead CRM: contact list with status tabs, filters and keyset pages; detail with
//! notes, change log and transcripts; edits; merges. Agents see only their own contacts
//! and only admins assign.
//!
//! `routes`: the contact's own handlers and their OpenAPI; `queries` (rows, reads, the change
//! log) and `writes` (the client screen's edits): the SQL, on a connection; the other files:
//! a flow each (list, import, export, merge, upsert of leads, transcripts, tab counters,
//! `hooks`: what a change tells webhooks).

mod bulk;
pub mod counters;
mod csv_rows;
pub mod export;
pub mod files;
mod hooks;
mod import_batch;
mod imports;
mod list;
mod merge;
pub mod queries;
mod removal;
mod routes;
mod saved_filters;
pub mod transcript;
pub mod upsert;
mod writes;

pub use routes::routes;
pub use writes::{check_site, email_field, phone_field};
