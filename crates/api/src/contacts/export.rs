//! Streamed CSV export of the filtered contact list.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use domain::export_format::ExportFormat;
use domain::{ContactFilter, Problem};
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

use super::queries;
use crate::platform::db::schema::{contacts, sites, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::AuthUser;
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

/// The columns the file has, and no more (not the custom fields or notes a contact row has).
#[derive(Queryable, Selectable)]
#[diesel(table_name = contacts, check_for_backend(Pg))]
struct ExportRow {
    id: Uuid,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    status: String,
    assignee_id: Option<Uuid>,
    site_id: Option<Uuid>,
    channel: String,
    source: Option<String>,
    medium: Option<String>,
    campaign: Option<String>,
    referrer: Option<String>,
    page_url: Option<String>,
    ip: Option<String>,
    city: Option<String>,
    region: Option<String>,
    country: Option<String>,
    contact_hours: Option<String>,
    rating: Option<i16>,
    tags: Vec<String>,
    first_contact_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

/// One page of the file's rows, in list order, and the cursor of the next.
fn export_page(
    conn: &mut PgConnection,
    caller: &AuthUser,
    filter: &ContactFilter,
    cursor: Option<&str>,
    limit: i64,
) -> ApiResult<(Vec<ExportRow>, Option<String>)> {
    let query = queries::page_query(caller, filter, cursor)?.select(ExportRow::as_select());
    // Row by row (libpq's single-row mode): rows are decoded as PostgreSQL sends them, not after
    // the whole page has arrived, so the database and this thread work at the same time.
    let rows = crate::platform::db::literal_limit(query, limit as u32 + 1)
        .load_iter::<ExportRow, diesel::pg::PgRowByRowLoadingMode>(conn)?
        .collect::<QueryResult<Vec<ExportRow>>>()?;
    Ok(queries::split_page(rows, limit, |r: &ExportRow| (r.first_contact_at, r.id)))
}

fn name_of(names: &HashMap<Uuid, String>, id: Option<Uuid>) -> &str {
    id.and_then(|i| names.get(&i)).map_or("", String::as_str)
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Writes one contact's cells, each neutralised, borrowing the row's text rather than copying it.
fn write_record<W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    c: &ExportRow,
    users: &HashMap<Uuid, String>,
    sites: &HashMap<Uuid, String>,
    format: &ExportFormat,
) -> csv::Result<()> {
    let mut uuid = Uuid::encode_buffer();
    writer.write_field(c.id.hyphenated().encode_lower(&mut uuid))?;
    let (assignee, site) = (name_of(users, c.assignee_id), name_of(sites, c.site_id));
    let mut rating = itoa::Buffer::new();
    let rating = c.rating.map_or("", |r| rating.format(r));
    let tags = format.tags(&c.tags);
    let (mut first, mut created) = ([0u8; 36], [0u8; 36]);
    let (first, created) =
        (date_cell(format, &c.first_contact_at, &mut first), date_cell(format, &c.created_at, &mut created));
    let (status, channel) = (format.status(&c.status), format.channel(&c.channel));
    let cells = [
        text(&c.name),
        text(&c.email),
        text(&c.phone),
        &status,
        assignee,
        site,
        &channel,
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
        rating,
        &tags,
        &first,
        &created,
    ];
    for cell in cells {
        writer.write_field(domain::text::neutralise_formula(cell).as_bytes())?;
    }
    writer.write_record(None::<&[u8]>)
}

/// A time in the export's date format, ISO 8601 by the fast path below.
fn date_cell<'b>(format: &ExportFormat, t: &DateTime<Utc>, buf: &'b mut [u8; 36]) -> Cow<'b, str> {
    match format.date(t) {
        Some(text) => Cow::Owned(text),
        None => rfc3339_cell(t, buf),
    }
}

/// `t.to_rfc3339()` (`2026-11-27T04:05:06.000007+00:00`) without `core::fmt`, which was the
/// export thread's largest cost after the CSV writer (two timestamps a row).
fn rfc3339_cell<'b>(t: &DateTime<Utc>, buf: &'b mut [u8; 36]) -> Cow<'b, str> {
    let mut utc = [0u8; 30];
    let Some(text) = domain::serde_helpers::format_utc_rfc3339(t, &mut utc) else {
        return Cow::Owned(t.to_rfc3339());
    };
    // The same text with the offset written out instead of `Z`.
    let stem = &text.as_bytes()[..text.len() - 1];
    buf[..stem.len()].copy_from_slice(stem);
    buf[stem.len()..stem.len() + 6].copy_from_slice(b"+00:00");
    Cow::Borrowed(std::str::from_utf8(&buf[..stem.len() + 6]).expect("ASCII"))
}

/// Hands a chunk to the response, waiting at most `timeout` for a slow client. False when
/// the client went away or stopped reading: the export then ends.
fn send_within(
    tx: &tokio::sync::mpsc::Sender<Result<web::Bytes, ApiError>>,
    chunk: web::Bytes,
    timeout: std::time::Duration,
) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    let mut item = Ok(chunk);
    loop {
        match tx.try_send(item) {
            Ok(()) => return true,
            Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => return false,
            Err(tokio::sync::mpsc::error::TrySendError::Full(back)) => {
                if std::time::Instant::now() >= deadline {
                    tracing::info!("CSV export stopped: the client did not read for {timeout:?}");
                    return false;
                }
                item = back;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }
}

/// Download contacts as CSV.
///
/// The contacts under the same filter as the list, in list order, streamed a page at a time so
/// that the file's size is not bounded by memory. Agents export only their own contacts. Each
/// page is read on a pooled connection that is given back before the page is sent, so a slow
/// client holds no database connection; a client that reads nothing for
/// `EXPORT_SEND_TIMEOUT_SECS` is cut off. At most `EXPORT_MAX_PER_ACCOUNT` exports of one
/// account run at once (429 beyond).
///
/// The format (`separator`, `bom`, `lang`, `dates`, `utc_offset`) defaults to a file for
/// programs: `,`, no byte-order mark, column keys and codes, ISO 8601 in UTC. For Brazilian
/// Excel: `separator=semicolon&bom=true&lang=pt-BR&dates=dmy&utc_offset=-180`.
#[utoipa::path(
    tag = "contacts", operation_id = "export_contacts", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(ContactFilter, ExportFormat),
    responses(
        (status = 200, description = "CSV with a header row", content_type = "text/csv", body = String),
        (status = 400, description = "Malformed query (an unknown separator or date format)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown language or an offset out of range", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many exports of this account are running", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export.csv")]
pub async fn export_contacts(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<ContactFilter>,
    format: web::Query<ExportFormat>,
) -> ApiResult<HttpResponse> {
    let (filter, format) = (filter.into_inner(), format.into_inner());
    validator::Validate::validate(&filter)?;
    validator::Validate::validate(&format)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<web::Bytes, ApiError>>(4);
    let slot = state.export_slots.take(caller.account_id).ok_or(ApiError::TooManyRequests { retry_after_secs: 5 })?;
    let (lagging, send_timeout) = (state.lagging.clone(), state.config.export_send_timeout);
    // 5,000 by default: 1,000 took 10% longer on 1M contacts (a round trip and a plan each).
    let page_rows = state.config.export_page_rows;
    std::thread::Builder::new()
        .name("csv-export".into())
        .spawn(move || {
            // The slot is given back when this thread ends, however it ends.
            let _slot = slot;
            let account = caller.account_id;
            let (db, served) = lagging.pin_blocking();
            tracing::debug!(?served, "CSV export");
            let names = db.run_blocking(|conn| {
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
                Ok((users, sites))
            });
            let (users, sites) = match names {
                Ok(names) => names,
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            };
            // Reading and writing overlap: one thread reads the next page from the database
            // while this one turns the last into CSV (in turn each would leave a core idle).
            let (pages_tx, pages_rx) = std::sync::mpsc::sync_channel::<ApiResult<Vec<ExportRow>>>(2);
            let reader = std::thread::Builder::new().name("csv-read".into()).spawn(move || {
                let mut cursor: Option<String> = None;
                loop {
                    // The connection goes back to the pool before the page is handed on.
                    let page =
                        db.run_blocking(|conn| export_page(conn, &caller, &filter, cursor.as_deref(), page_rows));
                    let (rows, next) = match page {
                        Ok(page) => page,
                        Err(e) => {
                            let _ = pages_tx.send(Err(e));
                            return;
                        }
                    };
                    // The writer stopped (the client went away): so does the reading.
                    if pages_tx.send(Ok(rows)).is_err() {
                        return;
                    }
                    match next {
                        Some(c) => cursor = Some(c),
                        None => return,
                    }
                }
            });
            if let Err(e) = reader {
                let _ = tx.blocking_send(Err(ApiError::Internal(e.into())));
                return;
            }
            let mut first = true;
            for page in pages_rx {
                let rows = match page {
                    Ok(rows) => rows,
                    Err(e) => {
                        tracing::error!(error = ?e, "CSV export failed midway");
                        let _ = tx.blocking_send(Err(e));
                        return;
                    }
                };
                // One writer per page: each page becomes one chunk of the body.
                let mut body = Vec::with_capacity(256 * rows.len() + 256);
                if first && format.bom == Some(true) {
                    body.extend_from_slice("\u{feff}".as_bytes());
                }
                let separator = format.separator.unwrap_or_default().byte();
                let mut writer = csv::WriterBuilder::new().delimiter(separator).from_writer(body);
                let header = if first { writer.write_record(COLUMNS.map(|c| format.header(c))) } else { Ok(()) };
                first = false;
                let written = header.and_then(|()| {
                    rows.iter().try_for_each(|row| write_record(&mut writer, row, &users, &sites, &format))
                });
                let chunk = match written
                    .map_err(|e| anyhow::anyhow!("csv: {e}"))
                    .and_then(|()| writer.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}")))
                {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        let _ = tx.blocking_send(Err(ApiError::Internal(e)));
                        return;
                    }
                };
                if !send_within(&tx, web::Bytes::from(chunk), send_timeout) {
                    return;
                }
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
    #[test]
    fn timestamps_are_written_as_chrono_writes_them() {
        use chrono::TimeZone;
        let base = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 4, 5, 6).unwrap();
        for nanos in [0, 1, 1_000, 7_000, 562_000_000, 123_456_789, 999_999_999] {
            let t = base + chrono::Duration::nanoseconds(nanos);
            assert_eq!(super::rfc3339_cell(&t, &mut [0; 36]), t.to_rfc3339(), "{nanos}");
        }
        let far = chrono::Utc.with_ymd_and_hms(12_345, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(super::rfc3339_cell(&far, &mut [0; 36]), far.to_rfc3339());
    }
}
