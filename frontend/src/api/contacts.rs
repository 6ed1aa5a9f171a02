//! Clients (contacts), their notes, merges, CSV export and imports.

use domain::{
    BulkResult, ContactCard, ContactDetail, ContactIdList, ContactNeighbors, ContactPage, ContactView,
    CreateContactRequest, CreateNoteRequest, ImportJob, ImportPreview, MergeContactsRequest, NoteView,
    UpdateContactRequest,
};
use uuid::Uuid;

use super::ApiError;

/// A page of the list; `query` is the filter's query string, `cursor` the next page's.
pub async fn list(query: &str, cursor: Option<&str>) -> Result<ContactPage, ApiError> {
    match cursor {
        None => super::get(&format!("/api/v1/contacts?{query}")).await,
        Some(cursor) => super::get(&format!("/api/v1/contacts?{query}&cursor={cursor}")).await,
    }
}

pub async fn get(id: Uuid) -> Result<ContactDetail, ApiError> {
    super::get(&format!("/api/v1/contacts/{id}")).await
}

/// The client's cards on the boards the caller sees.
pub async fn cards(id: Uuid) -> Result<Vec<ContactCard>, ApiError> {
    super::get(&format!("/api/v1/contacts/{id}/cards")).await
}

pub async fn neighbors(id: Uuid, query: &str) -> Result<ContactNeighbors, ApiError> {
    super::get(&format!("/api/v1/contacts/{id}/neighbors?{query}")).await
}

pub async fn create(req: &CreateContactRequest) -> Result<ContactView, ApiError> {
    super::post("/api/v1/contacts", req).await
}

pub async fn update(id: Uuid, req: &UpdateContactRequest) -> Result<ContactView, ApiError> {
    super::patch(&format!("/api/v1/contacts/{id}"), req).await
}

pub async fn add_note(id: Uuid, req: &CreateNoteRequest) -> Result<NoteView, ApiError> {
    super::post(&format!("/api/v1/contacts/{id}/notes"), req).await
}

/// Merges `source_id` into `id`.
pub async fn merge(id: Uuid, source_id: Uuid) -> Result<ContactView, ApiError> {
    super::post(&format!("/api/v1/contacts/{id}/merge"), &MergeContactsRequest { source_id }).await
}

/// Every id matching the list's filter `query`, for "select all".
pub async fn ids(query: &str) -> Result<ContactIdList, ApiError> {
    super::get(&format!("/api/v1/contacts/ids?{query}")).await
}

/// One chunk of a bulk `action` (`assign`, `status`, `tags`, `delete`); `body` has the ids.
pub async fn bulk(action: &str, body: &serde_json::Value) -> Result<BulkResult, ApiError> {
    super::post(&format!("/api/v1/contacts/bulk/{action}"), body).await
}

/// Deletes a client for good (admins).
pub async fn delete(id: Uuid) -> Result<(), ApiError> {
    super::delete(&format!("/api/v1/contacts/{id}")).await
}

/// Saves the list under `query` as `contacts.csv`.
pub async fn export_csv(query: &str) -> Result<(), ApiError> {
    super::download(&format!("/api/v1/contacts/export.csv?{query}"), "contacts.csv").await
}

/// What an import of `csv` with `mapping` (JSON of column → field) would do.
/// `existing`: what rows do to clients already here (`update`, `fill_empty`, `skip`).
pub async fn preview_import(
    csv: &str,
    mapping: &str,
    skip_invalid: bool,
    existing: &str,
) -> Result<ImportPreview, ApiError> {
    super::post_csv(&import_path(mapping, true, skip_invalid, existing), csv).await
}

pub async fn start_import(csv: &str, mapping: &str, skip_invalid: bool, existing: &str) -> Result<ImportJob, ApiError> {
    super::post_csv(&import_path(mapping, false, skip_invalid, existing), csv).await
}

pub async fn import_job(id: Uuid) -> Result<ImportJob, ApiError> {
    super::get(&format!("/api/v1/contact-imports/{id}")).await
}

// The file goes as the body (`text/csv`), its options in the query: no size limit of a JSON
// body, no copy of the file inside a JSON string.
fn import_path(mapping: &str, dry_run: bool, skip_invalid: bool, existing: &str) -> String {
    let mapping = super::encode(mapping);
    format!(
        "/api/v1/contact-imports?mapping={mapping}&dry_run={dry_run}&skip_invalid={skip_invalid}&existing={existing}"
    )
}

/// Logs a call with the client; the screens reread the change log, not the call.
pub async fn log_call(id: Uuid, req: &domain::LogCallRequest) -> Result<(), ApiError> {
    super::post::<serde::de::IgnoredAny>(&format!("/api/v1/contacts/{id}/calls"), req).await.map(|_| ())
}

/// The files kept on the client.
pub fn files(id: Uuid) -> super::files::FilesAt {
    super::files::FilesAt::new(format!("/api/v1/contacts/{id}/files"))
}
