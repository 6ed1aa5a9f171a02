//! Reading an import CSV: header mapping, then each row checked as a lead would be.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use domain::{
    ContactStatus, CustomFieldView, FieldError, ImportRowError, IngestLeadRequest, Location, IMPORT_CUSTOM_PREFIX,
    IMPORT_FIELDS,
};
use serde_json::{Map, Value};
use uuid::Uuid;
use validator::Validate;

use crate::platform::error::{ApiError, ApiResult};

/// One valid row, ready to store.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// 1-based, after the header.
    pub number: usize,
    pub lead: IngestLeadRequest,
    pub status: Option<ContactStatus>,
    /// The user the `assignee` column named by e-mail.
    pub assignee: Option<Uuid>,
    /// The `notes` column: a note on the client, by whoever imports.
    pub note: Option<String>,
}

/// What a row's columns are checked against in the account: its users (for `assignee`,
/// by lower-cased e-mail, enabled ones only) and its custom fields (for `custom.<key>`).
#[derive(Debug, Default, Clone)]
pub struct AccountTerms {
    pub users: std::collections::HashMap<String, Uuid>,
    pub fields: Vec<CustomFieldView>,
}

/// A mapped column: a contact field, or one of the account's custom fields (by its index in
/// [`AccountTerms::fields`]).
#[derive(Debug, Clone, Copy)]
enum Column {
    Field(&'static str),
    Custom(usize),
}

impl ImportRow {
    /// The e-mail and phone as stored, which is what contacts are matched on.
    pub fn dedup_keys(&self) -> (Option<String>, Option<String>) {
        let email = self.lead.email.as_deref().map(domain::normalize_email);
        let phone =
            self.lead.phone.as_deref().and_then(|p| domain::Phone::parse(p).ok()).map(domain::Phone::into_string);
        (email, phone)
    }
}

#[cfg(test)]
pub struct ParsedCsv {
    pub total: usize,
    pub rows: Vec<ImportRow>,
    pub errors: Vec<ImportRowError>,
}

/// `;` when the header uses it and has no `,` (spreadsheets in pt-BR locales), else `,`.
fn delimiter(csv: &[u8]) -> u8 {
    let header = csv.split(|b| *b == b'\n').next().unwrap_or(b"");
    if header.contains(&b';') && !header.contains(&b',') {
        b';'
    } else {
        b','
    }
}

/// The rows of a CSV, one at a time, each checked: an import holds the file's bytes, never all
/// its parsed rows. Blank lines are skipped and not counted.
pub struct Rows<'a> {
    records: csv::StringRecordsIntoIter<&'a [u8]>,
    columns: Vec<(Column, usize)>,
    terms: &'a AccountTerms,
    number: usize,
}

impl Iterator for Rows<'_> {
    type Item = Result<ImportRow, Vec<ImportRowError>>;

    fn next(&mut self) -> Option<Self::Item> {
        for record in self.records.by_ref() {
            // Numbered as the file's lines after the header, blank ones included.
            self.number += 1;
            let number = self.number;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    return Some(Err(vec![ImportRowError {
                        row: number,
                        field: "csv".into(),
                        message: e.to_string(),
                    }]));
                }
            };
            let values: Vec<(Column, &str)> = self
                .columns
                .iter()
                .map(|(column, idx)| (*column, record.get(*idx).unwrap_or("")))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            if values.is_empty() {
                continue;
            }
            return Some(row(number, &values, self.terms));
        }
        None
    }
}

/// Reads the header and checks the mapping against it (a 422 for the whole request); the
/// rows follow from the returned iterator.
pub fn rows<'a>(csv: &'a [u8], mapping: &BTreeMap<String, String>, terms: &'a AccountTerms) -> ApiResult<Rows<'a>> {
    let csv = csv.strip_prefix("\u{feff}".as_bytes()).unwrap_or(csv);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter(csv)).flexible(true).trim(csv::Trim::All).from_reader(csv);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::field("csv", "csv", &format!("cannot read the header row: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();

    let mut columns: Vec<(Column, usize)> = Vec::new();
    let mut problems = Vec::new();
    for (field, header) in mapping {
        let custom = field.strip_prefix(IMPORT_CUSTOM_PREFIX).map(|key| terms.fields.iter().position(|f| f.key == key));
        let column = match (IMPORT_FIELDS.iter().copied().find(|f| f == field), custom) {
            (Some(known), _) => Column::Field(known),
            (None, Some(Some(index))) => Column::Custom(index),
            (None, Some(None)) => {
                problems.push(FieldError::new(
                    format!("mapping.{field}"),
                    "unknown",
                    "is not a custom field of this account",
                ));
                continue;
            }
            (None, None) => {
                problems.push(FieldError::new(format!("mapping.{field}"), "unknown", "is not a contact field"));
                continue;
            }
        };
        match headers.iter().position(|h| h.eq_ignore_ascii_case(header.trim())) {
            Some(index) => columns.push((column, index)),
            None => problems.push(FieldError::new(
                format!("mapping.{field}"),
                "missing",
                format!("the CSV has no column \"{header}\""),
            )),
        }
    }
    if !mapping.contains_key("email") && !mapping.contains_key("phone") {
        problems.push(FieldError::new("mapping", "required", "map an e-mail or a phone column"));
    }
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    Ok(Rows { records: reader.into_records(), columns, terms, number: 0 })
}

/// A whole CSV read at once.
#[cfg(test)]
pub fn parse(csv: &str, mapping: &BTreeMap<String, String>, terms: &AccountTerms) -> ApiResult<ParsedCsv> {
    let mut parsed = ParsedCsv { total: 0, rows: Vec::new(), errors: Vec::new() };
    for row in rows(csv.as_bytes(), mapping, terms)? {
        parsed.total += 1;
        match row {
            Ok(r) => parsed.rows.push(r),
            Err(errs) => parsed.errors.extend(errs),
        }
    }
    Ok(parsed)
}

fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").ok().map(|t| t.and_utc()))
        .or_else(|| NaiveDateTime::parse_from_str(v, "%d/%m/%Y %H:%M").ok().map(|t| t.and_utc()))
        .or_else(|| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
        })
        .or_else(|| {
            NaiveDate::parse_from_str(v, "%d/%m/%Y").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
        })
}

fn parse_status(v: &str) -> Option<ContactStatus> {
    let v = v.trim().to_lowercase();
    ContactStatus::parse(&v.replace(' ', "_")).or(match v.as_str() {
        "a contatar" | "to contact" => Some(ContactStatus::ToContact),
        "em progresso" | "em andamento" => Some(ContactStatus::InProgress),
        "com venda" | "venda" | "sale" => Some(ContactStatus::Won),
        "sem venda" | "no sale" => Some(ContactStatus::Lost),
        _ => None,
    })
}

fn row(number: usize, values: &[(Column, &str)], terms: &AccountTerms) -> Result<ImportRow, Vec<ImportRowError>> {
    let mut lead = IngestLeadRequest::default();
    let mut location = Location::default();
    let (mut status, mut assignee, mut note) = (None, None, None);
    let mut custom = Map::new();
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| {
        errors.push(ImportRowError { row: number, field: field.into(), message: message.into() })
    };
    for (column, value) in values {
        let field = match column {
            Column::Field(field) => *field,
            Column::Custom(index) => {
                let def = &terms.fields[*index];
                match domain::custom_value_from_text(def.kind, &def.options, value) {
                    Ok(v) => {
                        custom.insert(def.key.clone(), v);
                    }
                    Err(message) => err(&format!("{IMPORT_CUSTOM_PREFIX}{}", def.key), &message),
                }
                continue;
            }
        };
        let v = Some(value.to_string());
        match field {
            "name" => lead.name = v,
            "email" => lead.email = v,
            "phone" => lead.phone = v,
            "contact_hours" => lead.contact_hours = v,
            "city" => location.city = v,
            "region" => location.region = v,
            "country" => location.country = v,
            "page_url" => lead.page_url = v,
            "source" => lead.source = v,
            "medium" => lead.medium = v,
            "campaign" => lead.campaign = v,
            "referrer" => lead.referrer = v,
            "ip" => lead.ip = v,
            "rating" => match value.parse::<i16>() {
                Ok(r) => lead.rating = Some(r),
                Err(_) => err("rating", "must be a whole number from 1 to 5"),
            },
            "tags" => {
                lead.tags =
                    value.split([';', ',', '|']).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
            }
            "first_contact_at" => match parse_time(value) {
                Some(t) => lead.first_contact_at = Some(t),
                None => err("first_contact_at", "must be a date such as 2026-01-31 or 31/01/2026"),
            },
            "status" => match parse_status(value) {
                Some(s) => status = Some(s),
                None => err("status", "must be to_contact, in_progress, won or lost"),
            },
            "assignee" => match terms.users.get(&value.trim().to_lowercase()) {
                Some(user) => assignee = Some(*user),
                None => err("assignee", "is not the e-mail of an active user of this account"),
            },
            "notes" if value.chars().count() > 5000 => err("notes", "must be at most 5000 characters"),
            "notes" => note = Some(value.trim().to_string()).filter(|n| !n.is_empty()),
            _ => {}
        }
    }
    if location != Location::default() {
        lead.location = Some(location);
    }
    if !custom.is_empty() {
        lead.custom_fields = Some(Value::Object(custom));
    }
    if let Err(e) = lead.validate() {
        for (field, list) in e.field_errors() {
            let message = list
                .first()
                .and_then(|v| v.message.as_ref())
                .map(|m| m.to_string())
                .unwrap_or_else(|| "is invalid".into());
            err(&field, &message);
        }
    }
    if !lead.has_contact_point() {
        err("email", "an e-mail or a phone is required");
    }
    if let Some(phone) = &lead.phone {
        if let Err(msg) = domain::Phone::parse(phone) {
            err("phone", msg);
        }
    }
    if errors.is_empty() {
        Ok(ImportRow { number, lead, status, assignee, note })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn rows_are_checked_one_by_one() {
        let csv = "Nome;E-mail;Telefone;Situação;Data\n\
                   Ana;ana@x.test;(11) 98765-4321;com venda;31/01/2026\n\
                   Bia;not-an-email;;a contatar;2026-02-01\n\
                   ;;;;\n\
                   Caio;;12;sei lá;ontem\n";
        let map = mapping(&[
            ("name", "Nome"),
            ("email", "E-mail"),
            ("phone", "Telefone"),
            ("status", "Situação"),
            ("first_contact_at", "Data"),
        ]);
        let parsed = parse(csv, &map, &AccountTerms::default()).unwrap();
        assert_eq!(parsed.total, 3, "blank lines do not count");
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].status, Some(ContactStatus::Won));
        let bad: Vec<(usize, &str)> = parsed.errors.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert!(bad.contains(&(2, "email")));
        assert!(bad.contains(&(4, "phone")));
        assert!(bad.contains(&(4, "status")));
        assert!(bad.contains(&(4, "first_contact_at")));
    }

    #[test]
    fn mapping_mistakes_are_named() {
        let map = mapping(&[("email", "E-mail"), ("colour", "a"), ("custom.cpf", "a")]);
        let err = parse("a,b\n1,2\n", &map, &AccountTerms::default()).err().unwrap();
        let ApiError::Validation(fields) = err else { panic!("not a validation error") };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["mapping.colour", "mapping.custom.cpf", "mapping.email"]);
    }

    #[test]
    fn assignee_notes_and_custom_fields_are_read_against_the_account() {
        let ana = Uuid::new_v4();
        let field = |key: &str, kind, options: &[&str]| CustomFieldView {
            id: Uuid::new_v4(),
            key: key.into(),
            label: key.into(),
            kind,
            options: options.iter().map(|o| o.to_string()).collect(),
            created_at: Utc::now(),
        };
        let terms = AccountTerms {
            users: [("ana@x.test".to_string(), ana)].into(),
            fields: vec![
                field("plan", domain::CustomFieldKind::Select, &["Gold", "Silver"]),
                field("budget", domain::CustomFieldKind::Number, &[]),
            ],
        };
        let csv = "E-mail;Responsável;Obs;Plano;Verba\n\
                   a@x.test;ANA@x.test;Ligar cedo;gold;1.500,50\n\
                   b@x.test;zed@x.test;;Bronze;muito\n";
        let map = mapping(&[
            ("email", "E-mail"),
            ("assignee", "Responsável"),
            ("notes", "Obs"),
            ("custom.plan", "Plano"),
            ("custom.budget", "Verba"),
        ]);
        let parsed = parse(csv, &map, &terms).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let first = &parsed.rows[0];
        assert_eq!(first.assignee, Some(ana));
        assert_eq!(first.note.as_deref(), Some("Ligar cedo"));
        assert_eq!(first.lead.custom_fields, Some(serde_json::json!({"plan": "Gold", "budget": 1500.5})));
        let mut bad: Vec<&str> = parsed.errors.iter().map(|e| e.field.as_str()).collect();
        bad.sort();
        assert_eq!(bad, ["assignee", "custom.budget", "custom.plan"]);
    }
}
