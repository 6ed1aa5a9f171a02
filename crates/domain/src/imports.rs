//! CSV import of contacts: column mapping, dry run, per-row errors, background jobs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// Contact fields a CSV column can be mapped to; besides these, `custom.<key>` for each of
/// the account's custom fields.
/// `assignee` takes a user's e-mail; `notes` becomes a note on the client by the importer.
pub const IMPORT_FIELDS: [&str; 19] = [
    "name",
    "email",
    "phone",
    "contact_hours",
    "city",
    "region",
    "country",
    "page_url",
    "source",
    "medium",
    "campaign",
    "referrer",
    "ip",
    "rating",
    "tags",
    "first_contact_at",
    "status",
    "assignee",
    "notes",
];

/// A mapping key naming a custom field: `custom.<key>`.
pub const IMPORT_CUSTOM_PREFIX: &str = "custom.";

/// The header names (lower-cased, English and Portuguese) a field is guessed from.
pub fn guess_field(header: &str) -> Option<&'static str> {
    let h = header.trim().to_lowercase();
    let field = match h.as_str() {
        "name" | "nome" | "full name" | "nome completo" | "cliente" => "name",
        "email" | "e-mail" | "mail" => "email",
        "phone" | "telefone" | "celular" | "whatsapp" | "fone" | "mobile" => "phone",
        "contact hours" | "horário de contato" | "horario de contato" => "contact_hours",
        "city" | "cidade" => "city",
        "region" | "state" | "estado" | "uf" => "region",
        "country" | "país" | "pais" => "country",
        "page" | "page url" | "url" | "página" | "pagina" | "gerado em" => "page_url",
        "source" | "origem" | "fonte" | "utm_source" => "source",
        "medium" | "meio" | "utm_medium" => "medium",
        "campaign" | "campanha" | "utm_campaign" => "campaign",
        "referrer" | "referência" | "referencia" => "referrer",
        "ip" => "ip",
        "rating" | "avaliação" | "avaliacao" | "nota" => "rating",
        "tags" | "etiquetas" => "tags",
        "first contact" | "first_contact_at" | "primeiro contato" | "data" | "date" => "first_contact_at",
        "status" | "estado do cliente" | "situação" | "situacao" => "status",
        "assignee" | "owner" | "responsável" | "responsavel" | "vendedor" | "atendente" => "assignee",
        "notes" | "note" | "notas" | "observações" | "observacoes" | "anotações" | "anotacoes" => "notes",
        other if IMPORT_FIELDS.contains(&other) => return IMPORT_FIELDS.iter().copied().find(|f| *f == other),
        _ => return None,
    };
    Some(field)
}

/// What an import does to a client that a row matches (by e-mail, then phone).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExistingClients {
    /// The row's name, contact hours, location, rating, custom fields, status and assignee
    /// replace the client's; origin fields only fill gaps; tags and notes are added.
    #[default]
    Update,
    /// Only the client's empty fields take the row's values; tags and notes are added.
    FillEmpty,
    /// The client is left as it is; the row is counted as skipped.
    Skip,
}

/// A CSV import. Send the file's text; map contact fields to its column headers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "csv": "Nome,E-mail,Telefone\nMaria,maria@example.com,(11) 98765-4321\n",
    "mapping": {"name": "Nome", "email": "E-mail", "phone": "Telefone"},
    "dry_run": true, "skip_invalid": false, "site_id": null
}))]
pub struct ImportRequest {
    /// The CSV text, with a header row; `,` or `;` separated.
    #[validate(length(min = 1, message = "is empty"))]
    #[schema(min_length = 1)]
    pub csv: String,
    /// Contact field (or `custom.<key>`) → CSV column header.
    pub mapping: BTreeMap<String, String>,
    /// Only check and preview; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Import the valid rows and skip the others; otherwise any invalid row stops it all.
    #[serde(default)]
    pub skip_invalid: bool,
    /// The site the imported contacts came from.
    pub site_id: Option<Uuid>,
    /// What a row does to a client it matches.
    #[serde(default)]
    pub existing: ExistingClients,
}

/// The options of a CSV import sent as the body itself (`Content-Type: text/csv`), the way
/// to send big files: the same as [`ImportRequest`]'s, in the query string.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportCsvParams {
    /// Contact field → CSV column header, as a JSON object, e.g.
    /// `{"name":"Nome","email":"E-mail"}`. Required with a `text/csv` body.
    pub mapping: Option<String>,
    #[serde(default)]
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub skip_invalid: Option<bool>,
    pub site_id: Option<Uuid>,
    #[param(inline)]
    pub existing: Option<ExistingClients>,
}

/// A problem with one row (numbered from 1 after the header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportRowError {
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// What an import would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportPreview {
    pub total_rows: usize,
    pub valid_rows: usize,
    /// Rows that would create a contact / update an existing one (valid rows only).
    pub would_create: usize,
    pub would_update: usize,
    /// The first rows as they would be stored.
    pub sample: Vec<BTreeMap<String, String>>,
    /// The first 200 problems.
    pub errors: Vec<ImportRowError>,
    /// The clients the file would change, with what changes (the first 100), as `existing`
    /// says; a client whose fields stay as they are is not listed.
    #[serde(default)]
    pub updates: Vec<ImportUpdate>,
}

/// A client an import would change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportUpdate {
    pub contact_id: Uuid,
    /// The client's name, e-mail or phone as it is now.
    pub label: String,
    pub changes: Vec<ImportChange>,
}

/// One field an import would change: its value now and after (as text; `null`: empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Running,
    Completed,
    /// Nothing was imported.
    Failed,
}

/// A running or finished import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportJob {
    pub id: Uuid,
    pub status: ImportStatus,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub created: i32,
    pub updated: i32,
    pub skipped: i32,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_english_and_portuguese_are_recognised() {
        assert_eq!(guess_field("Nome"), Some("name"));
        assert_eq!(guess_field(" E-mail "), Some("email"));
        assert_eq!(guess_field("Telefone"), Some("phone"));
        assert_eq!(guess_field("utm_source"), Some("source"));
        assert_eq!(guess_field("first_contact_at"), Some("first_contact_at"));
        assert_eq!(guess_field("Responsável"), Some("assignee"));
        assert_eq!(guess_field("Observações"), Some("notes"));
        assert_eq!(guess_field("Favourite colour"), None);
    }
}
