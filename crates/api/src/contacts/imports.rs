//! CSV import: a dry run previews it; a real run is a background job that imports every
//! row in one transaction (or skips the invalid ones when asked) and reports progress.

use std::collections::{BTreeMap, HashSet};

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Channel, ImportCsvParams, ImportJob, ImportPreview, ImportRequest, ImportRowError, ImportStatus, Problem,
};
use uuid::Uuid;
use validator::Validate;

use super::check_site;
use super::counters;
use super::csv_rows::{self, AccountTerms, ImportRow};
use super::import_batch;
use super::queries::{self, Actor};
use super::upsert;
use crate::platform::db::schema::{accounts, contacts, import_jobs, import_slots};
use crate::platform::db::Db;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::http::extract::{is_csv, parse_json, read_body, read_raw_body, AdminUser};
use crate::platform::http::problem_lang::problem_lang;
use crate::AppState;

/// Valid rows whose e-mail or phone is already a contact, or appeared earlier in the file;
/// `seen` carries the keys of earlier batches of the same file.
fn count_updates(
    conn: &mut PgConnection,
    account_id: Uuid,
    rows: &[ImportRow],
    seen: &mut HashSet<String>,
) -> ApiResult<usize> {
    let keys: Vec<(Option<String>, Option<String>)> = rows.iter().map(ImportRow::dedup_keys).collect();
    let emails: Vec<&String> = keys.iter().filter_map(|(e, _)| e.as_ref()).collect();
    let phones: Vec<&String> = keys.iter().filter_map(|(_, p)| p.as_ref()).collect();
    let known: Vec<(Option<String>, Option<String>)> = contacts::table
        .filter(contacts::account_id.eq(account_id))
        .filter(contacts::email.eq_any(&emails).or(contacts::phone.eq_any(&phones)))
        .select((contacts::email, contacts::phone))
        .load(conn)?;
    let known: HashSet<String> = known.into_iter().flat_map(|(e, p)| [e, p]).flatten().collect();
    let mut updates = 0;
    for (email, phone) in keys {
        let row_keys: Vec<String> = [email, phone].into_iter().flatten().collect();
        if row_keys.iter().any(|k| known.contains(k) || seen.contains(k)) {
            updates += 1;
        }
        seen.extend(row_keys);
    }
    Ok(updates)
}

fn sample(rows: &[ImportRow]) -> Vec<BTreeMap<String, String>> {
    rows.iter()
        .take(10)
        .map(|r| {
            let mut out = BTreeMap::new();
            let l = &r.lead;
            let (email, phone) = r.dedup_keys();
            for (k, v) in [("name", l.name.clone()), ("email", email), ("phone", phone), ("source", l.source.clone())] {
                if let Some(v) = v {
                    out.insert(k.to_string(), v);
                }
            }
            if let Some(s) = r.status {
                out.insert("status".into(), s.as_str().into());
            }
            out
        })
        .collect()
}

/// What one pass over the file found, keeping no rows: they are read again when written.
struct Checked {
    total: usize,
    valid: usize,
    /// Rows with at least one problem.
    invalid: usize,
    /// The first problems (a broken file could have millions).
    errors: Vec<ImportRowError>,
    first: Vec<ImportRow>,
}

/// The account's active users and custom fields, which `assignee` and `custom.<key>` columns
/// are read against.
fn account_terms(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<AccountTerms> {
    let people = crate::users::queries::list_users(conn, account_id)?;
    Ok(AccountTerms {
        users: people.into_iter().filter(|u| !u.disabled).map(|u| (u.email.to_lowercase(), u.id)).collect(),
        fields: crate::custom_fields::list(conn, account_id)?,
    })
}

fn check(csv: &[u8], mapping: &BTreeMap<String, String>, terms: &AccountTerms) -> ApiResult<Checked> {
    let mut checked = Checked { total: 0, valid: 0, invalid: 0, errors: Vec::new(), first: Vec::new() };
    for row in csv_rows::rows(csv, mapping, terms)? {
        checked.total += 1;
        match row {
            Ok(row) => {
                checked.valid += 1;
                if checked.first.len() < 10 {
                    checked.first.push(row);
                }
            }
            Err(errors) => {
                checked.invalid += 1;
                let room = 200usize.saturating_sub(checked.errors.len());
                checked.errors.extend(errors.into_iter().take(room));
            }
        }
    }
    Ok(checked)
}

/// The valid rows of a file in batches of `size`, read as they are needed.
fn valid_batches<'a>(
    csv: &'a [u8],
    mapping: &BTreeMap<String, String>,
    terms: &'a AccountTerms,
    size: usize,
) -> ApiResult<impl Iterator<Item = Vec<ImportRow>> + 'a> {
    let mut rows = csv_rows::rows(csv, mapping, terms)?.filter_map(Result::ok).peekable();
    Ok(std::iter::from_fn(move || {
        rows.peek()?;
        Some(rows.by_ref().take(size).collect())
    }))
}

/// The file and its options, from a JSON body or a `text/csv` one.
struct Upload {
    csv: web::Bytes,
    mapping: BTreeMap<String, String>,
    dry_run: bool,
    skip_invalid: bool,
    site_id: Option<Uuid>,
    existing: domain::ExistingClients,
}

async fn upload(state: &AppState, req: &HttpRequest, payload: web::Payload) -> ApiResult<Upload> {
    let mut payload = payload.into_inner();
    // Read (so checked) whatever the body's type: a JSON upload takes its options from the body.
    let params = web::Query::<ImportCsvParams>::from_query(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("Invalid query string: {e}"), Vec::new()))?
        .into_inner();
    if is_csv(req) {
        let body = read_raw_body(req, &mut payload, state.config.import_csv_limit).await?;
        let mapping = params
            .mapping
            .as_deref()
            .ok_or_else(|| {
                ApiError::field("mapping", "required", "send the mapping as a JSON object in the query string")
            })
            .and_then(|m| {
                serde_json::from_str(m).map_err(|_| {
                    ApiError::field("mapping", "json", r#"must be a JSON object of strings, like {"email":"E-mail"}"#)
                })
            })?;
        if body.is_empty() {
            return Err(ApiError::field("csv", "length", "is empty"));
        }
        return Ok(Upload {
            csv: body,
            mapping,
            dry_run: params.dry_run.unwrap_or(false),
            skip_invalid: params.skip_invalid.unwrap_or(false),
            site_id: params.site_id,
            existing: params.existing.unwrap_or_default(),
        });
    }
    let body = read_body(req, &mut payload, state.config.import_limit).await?;
    let request: ImportRequest = parse_json(&body)?;
    request.validate()?;
    Ok(Upload {
        csv: web::Bytes::from(request.csv.into_bytes()),
        mapping: request.mapping,
        dry_run: request.dry_run,
        skip_invalid: request.skip_invalid,
        site_id: request.site_id,
        existing: request.existing,
    })
}

/// Import contacts from CSV (admin only).
///
/// Send the CSV inside JSON (`csv`, up to `IMPORT_LIMIT_BYTES`) or, for big files, as the body
/// itself with `Content-Type: text/csv` (up to `IMPORT_CSV_LIMIT_BYTES`) and the options in
/// the query string. With `dry_run` it answers 200 with a preview and writes nothing.
/// Otherwise, when any row is invalid and `skip_invalid` is false, it answers 422 listing the
/// rows and writes nothing; else it starts a job (202) to poll. Contacts are matched by e-mail
/// or phone: known ones are updated, the rest created with channel `import`.
#[utoipa::path(
    tag = "contacts", operation_id = "import_contacts", security(("bearer" = []), ("api_key" = ["contacts:write"])),
    params(ImportCsvParams),
    request_body(content(
        (ImportRequest = "application/json"),
        (String = "text/csv", example = json!("Nome,E-mail\nMaria,maria@example.com\n")),
    )),
    responses(
        (status = 200, description = "Dry run: what would happen", body = ImportPreview),
        (status = 202, description = "Import started", body = ImportJob),
        (status = 400, description = "Unreadable query string", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The CSV is over the size limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad mapping, too many rows (`IMPORT_MAX_ROWS`), or invalid rows (listed in `errors` as `rows[N].field`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "An import of this account is already running (`IMPORT_MAX_RUNNING`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn import_contacts(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // The cap holds before a byte of the body is read: a dry run reads and checks the whole
    // file on a pooled connection too.
    let slot = ImportSlot::take(&state, caller.account_id).await?;
    let answer = import_in_slot(state.clone(), caller, req, payload, slot.id).await;
    // Given back before the answer, so the client's next import finds it free.
    slot.release().await;
    answer
}

async fn import_in_slot(
    state: web::Data<AppState>,
    caller: crate::platform::http::extract::AuthUser,
    req: HttpRequest,
    payload: web::Payload,
    slot_id: Uuid,
) -> ApiResult<HttpResponse> {
    let Upload { csv, mapping, dry_run, skip_invalid, site_id, existing } = upload(&state, &req, payload).await?;
    let account_id = caller.account_id;
    let terms = std::sync::Arc::new(state.db.run(move |conn| account_terms(conn, account_id)).await?);
    let checked: Checked = {
        let (csv, mapping, terms) = (csv.clone(), mapping.clone(), terms.clone());
        web::block(move || check(&csv, &mapping, &terms)).await.map_err(|e| ApiError::Internal(e.into()))??
    };
    let max_rows = state.config.import_max_rows;
    if checked.total > max_rows {
        let message = format!("has {} rows; one import takes at most {max_rows}", checked.total);
        return Err(ApiError::field("csv", "too_many_rows", &message));
    }

    if dry_run {
        let caller = caller.clone();
        let mut preview = state
            .db
            .transaction(move |conn| {
                if let Some(site) = site_id {
                    check_site(conn, account_id, site)?;
                }
                let mut seen = HashSet::new();
                let mut would_update = 0;
                let mut rows = Vec::new();
                for batch in valid_batches(&csv, &mapping, &terms, import_batch::BATCH)? {
                    would_update += count_updates(conn, account_id, &batch, &mut seen)?;
                    rows.extend(batch);
                }
                let actor = Actor::user(conn, &caller)?;
                let updates = would_change(conn, &import_source(account_id, site_id, &actor, existing), &rows)?;
                Ok(ImportPreview {
                    total_rows: checked.total,
                    valid_rows: checked.valid,
                    would_create: checked.valid - would_update,
                    would_update,
                    sample: sample(&checked.first),
                    errors: checked.errors,
                    updates,
                })
            })
            .await?;
        // The rows' problems read like the response's own (`problem_lang`).
        let lang = problem_lang();
        for error in &mut preview.errors {
            error.message = domain::problem_text::message_in(&error.message, lang);
        }
        return Ok(HttpResponse::Ok().json(preview));
    }
    if !checked.errors.is_empty() && !skip_invalid {
        return Err(row_errors(&checked.errors));
    }
    let job = ImportJob {
        id: Uuid::new_v4(),
        status: ImportStatus::Running,
        total_rows: checked.total as i32,
        processed_rows: 0,
        created: 0,
        updated: 0,
        skipped: checked.invalid as i32,
        error: None,
        created_at: Utc::now(),
        finished_at: None,
    };
    let user_id = caller.user_id;
    let actor = {
        let caller = caller.clone();
        state
            .db
            .transaction(move |conn| {
                if let Some(site) = site_id {
                    check_site(conn, account_id, site)?;
                }
                // The slot becomes the running job: the cap's place passes from one to the other.
                free_slot(conn, slot_id)?;
                diesel::insert_into(import_jobs::table)
                    .values((
                        import_jobs::id.eq(job.id),
                        import_jobs::account_id.eq(account_id),
                        import_jobs::created_by.eq(user_id),
                        import_jobs::status.eq("running"),
                        import_jobs::total_rows.eq(job.total_rows),
                        import_jobs::skipped.eq(job.skipped),
                    ))
                    .execute(conn)?;
                Actor::user(conn, &caller)
            })
            .await?
    };
    let db = state.db.clone();
    let job_id = job.id;
    std::thread::Builder::new()
        .name("csv-import".into())
        .spawn(move || run_job(db, job_id, account_id, site_id, actor, (csv, mapping, terms), (skip_invalid, existing)))
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(HttpResponse::Accepted().json(job))
}

/// A place under the account's import cap (`IMPORT_MAX_RUNNING`), taken before the body is
/// read and given back when the request ends however it ends: `release` before the answer,
/// or, when the client went away mid-request, the drop. A real import hands it to its job.
struct ImportSlot {
    id: Uuid,
    db: crate::platform::db::Db,
    released: bool,
}

/// A slot left by a server that died stops counting after this long.
const SLOT_STALE_MINUTES: i64 = 30;
/// A job left "running" by a server that died stops counting after this long.
const JOB_STALE_HOURS: i64 = 6;

impl ImportSlot {
    async fn take(state: &AppState, account_id: Uuid) -> ApiResult<ImportSlot> {
        let max_running = state.config.import_max_running;
        let id = Uuid::new_v4();
        state
            .db
            .transaction(move |conn| {
                // The account row lock makes the count and the insert one step.
                accounts::table.find(account_id).select(accounts::id).for_update().first::<Uuid>(conn)?;
                let jobs: i64 = import_jobs::table
                    .filter(import_jobs::account_id.eq(account_id))
                    .filter(import_jobs::status.eq("running"))
                    .filter(import_jobs::created_at.gt(Utc::now() - chrono::Duration::hours(JOB_STALE_HOURS)))
                    .count()
                    .get_result(conn)?;
                let slots: i64 = import_slots::table
                    .filter(import_slots::account_id.eq(account_id))
                    .filter(import_slots::taken_at.gt(Utc::now() - chrono::Duration::minutes(SLOT_STALE_MINUTES)))
                    .count()
                    .get_result(conn)?;
                if jobs + slots >= max_running {
                    return Err(ApiError::TooManyRequests { retry_after_secs: 10 });
                }
                diesel::insert_into(import_slots::table)
                    .values((import_slots::id.eq(id), import_slots::account_id.eq(account_id)))
                    .execute(conn)?;
                Ok(())
            })
            .await?;
        Ok(ImportSlot { id, db: state.db.clone(), released: false })
    }

    async fn release(mut self) {
        let id = self.id;
        let freed = self.db.run(move |conn| free_slot(conn, id)).await;
        // On an error the drop tries again.
        self.released = freed.is_ok();
    }
}

fn free_slot(conn: &mut PgConnection, id: Uuid) -> ApiResult<usize> {
    Ok(diesel::delete(import_slots::table.find(id)).execute(conn)?)
}

impl Drop for ImportSlot {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        // Off the async executor, and whether or not one is running (the handler's future
        // may be dropped anywhere).
        let (db, id) = (self.db.clone(), self.id);
        let freed = std::thread::Builder::new().name("import-slot".into()).spawn(move || {
            if let Err(err) = db.run_blocking(|conn| free_slot(conn, id)) {
                tracing::warn!(error = ?err, "import slot not freed; it lapses by itself");
            }
        });
        if let Err(err) = freed {
            tracing::warn!(error = %err, "import slot not freed; it lapses by itself");
        }
    }
}

fn row_errors(errors: &[ImportRowError]) -> ApiError {
    ApiError::Validation(
        errors
            .iter()
            .take(200)
            .map(|e| domain::FieldError::new(format!("rows[{}].{}", e.row, e.field), "invalid", &e.message))
            .collect(),
    )
}

/// Imports every row in one transaction, reporting progress on another connection.
fn run_job(
    db: Db,
    job_id: Uuid,
    account_id: Uuid,
    site_id: Option<Uuid>,
    actor: Actor,
    (csv, mapping, terms): (web::Bytes, BTreeMap<String, String>, std::sync::Arc<AccountTerms>),
    (skip_invalid, existing): (bool, domain::ExistingClients),
) {
    let progress = |values: (i32, i32, i32, i32)| {
        let _ = db.run_blocking(|conn| {
            Ok(diesel::update(import_jobs::table.find(job_id))
                .set((
                    import_jobs::processed_rows.eq(values.0),
                    import_jobs::created.eq(values.1),
                    import_jobs::updated.eq(values.2),
                    import_jobs::skipped.eq(values.3),
                ))
                .execute(conn)?)
        });
    };
    let source = import_source(account_id, site_id, &actor, existing);
    let result: ApiResult<(i32, i32, i32)> = db.run_blocking(|conn| {
        let skipped_before: i32 = import_jobs::table.find(job_id).select(import_jobs::skipped).first(conn)?;
        conn.transaction(|conn| {
            // One counter update per row would make a long import quadratic.
            counters::begin_bulk(conn)?;
            let (mut created, mut updated, mut skipped) = (0, 0, skipped_before);
            let mut done = 0;
            for batch in valid_batches(&csv, &mapping, &terms, import_batch::BATCH)? {
                // A savepoint per batch; a batch that cannot go in whole (a contact written
                // meanwhile by someone else clashes, say) goes again row by row, as a single
                // lead would, so the failing row is skipped on request or named.
                match conn.transaction(|conn| import_batch::write(conn, &source, &batch)) {
                    Ok(written) => {
                        created += written.created;
                        updated += written.updated;
                        skipped += written.kept;
                    }
                    Err(_) => {
                        for row in &batch {
                            match conn.transaction(|conn| one_row(conn, &source, row)) {
                                Ok(Some(true)) => created += 1,
                                Ok(Some(false)) => updated += 1,
                                Ok(None) => skipped += 1,
                                Err(_) if skip_invalid => skipped += 1,
                                Err(e) => return Err(ApiError::Internal(anyhow::anyhow!("row {}: {e}", row.number))),
                            }
                        }
                    }
                }
                done += batch.len() as i32;
                progress((skipped_before + done, created, updated, skipped));
            }
            counters::flush_bulk(conn)?;
            Ok((created, updated, skipped))
        })
    });
    let now = Utc::now();
    let _ = db.run_blocking(|conn| {
        Ok(match result {
            Ok((created, updated, skipped)) => diesel::update(import_jobs::table.find(job_id))
                .set((
                    import_jobs::status.eq("completed"),
                    import_jobs::processed_rows.eq(import_jobs::total_rows),
                    import_jobs::created.eq(created),
                    import_jobs::updated.eq(updated),
                    import_jobs::skipped.eq(skipped),
                    import_jobs::finished_at.eq(now),
                ))
                .execute(conn)?,
            Err(e) => {
                tracing::warn!(%job_id, error = %e, "import failed; rolled back");
                diesel::update(import_jobs::table.find(job_id))
                    .set((
                        import_jobs::status.eq("failed"),
                        import_jobs::created.eq(0),
                        import_jobs::updated.eq(0),
                        import_jobs::error.eq(format!("Nothing was imported: {e}")),
                        import_jobs::finished_at.eq(now),
                    ))
                    .execute(conn)?
            }
        })
    });
}

/// Where an import's rows come from and what they may do to known clients.
fn import_source<'a>(
    account_id: Uuid,
    site_id: Option<Uuid>,
    actor: &'a Actor,
    existing: domain::ExistingClients,
) -> upsert::LeadSource<'a> {
    upsert::LeadSource {
        account_id,
        site_id,
        actor,
        channel: Channel::Import,
        auto_assign: false,
        on_known: existing.into(),
        // Imports assign no one, so they send no e-mail with a link.
        public_url: "",
        // A file's rows keep the location columns they have.
        client_address: None,
        approx_location: None,
    }
}

/// The clients a dry run's rows would change, with each change: the import's own plan,
/// worked out over the whole file at once and never written (the first 100 clients).
fn would_change(
    conn: &mut PgConnection,
    source: &upsert::LeadSource,
    rows: &[ImportRow],
) -> ApiResult<Vec<domain::ImportUpdate>> {
    let plan = import_batch::plan(conn, source, rows)?;
    let text = |v: &Option<serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let mut updates: Vec<domain::ImportUpdate> = Vec::new();
    // A grouped value (the location) is told field by field: `city`, not a JSON object.
    let expanded = plan.log.iter().flat_map(|(contact_id, field, from, to)| {
        let part = |v: &Option<serde_json::Value>, key: &str| v.as_ref().and_then(|v| v.get(key)).cloned();
        match (from, to) {
            (Some(serde_json::Value::Object(a)), Some(serde_json::Value::Object(b))) => a
                .keys()
                .chain(b.keys())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .filter(|k| a.get(*k) != b.get(*k))
                .map(|k| (*contact_id, k.to_string(), part(from, k), part(to, k)))
                .collect::<Vec<_>>(),
            _ => vec![(*contact_id, field.to_string(), from.clone(), to.clone())],
        }
    });
    for (contact_id, field, from, to) in expanded {
        let Some(before) = plan.before.get(&contact_id) else { continue };
        let change = domain::ImportChange { field, from: text(&from), to: text(&to) };
        match updates.iter().position(|u| u.contact_id == contact_id) {
            Some(at) => updates[at].changes.push(change),
            None if updates.len() < 100 => updates.push(domain::ImportUpdate {
                contact_id,
                label: [&before.name, &before.email, &before.phone]
                    .into_iter()
                    .flatten()
                    .next()
                    .cloned()
                    .unwrap_or_default(),
                changes: vec![change],
            }),
            None => {}
        }
    }
    Ok(updates)
}

/// One row as a single lead: the import's fallback when a batch cannot go in whole. Returns
/// whether it created a contact; `None` when it matched one it was told to leave alone.
fn one_row(conn: &mut PgConnection, source: &upsert::LeadSource, row: &ImportRow) -> ApiResult<Option<bool>> {
    let (mut contact, is_new) = upsert::create_or_update(conn, source, &row.lead)?;
    if !is_new && source.on_known == upsert::OnKnownClient::Skip {
        return Ok(None);
    }
    let overwrite = is_new || source.on_known == upsert::OnKnownClient::Update;
    let mut log = Vec::new();
    let mut notes = Vec::new();
    if import_batch::apply_columns(&mut contact, row, overwrite, &mut log, &mut notes) {
        queries::save(conn, &contact)?;
        import_batch::add_notes(conn, source, &notes)?;
        queries::log_many(conn, source.account_id, source.actor, &log)?;
    }
    Ok(Some(is_new))
}

/// Progress and outcome of an import.
///
/// Poll it after `POST /api/v1/contact-imports` answered 202, until `status` is `completed` or
/// `failed`. Admins only.
#[utoipa::path(
    tag = "contacts", operation_id = "get_import", security(("bearer" = []), ("api_key" = ["contacts:read"])),
    params(("id" = Uuid, Path, description = "Import job id")),
    responses(
        (status = 200, description = "The job", body = ImportJob),
        (status = 403, description = "Caller is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such import in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_import(
    state: web::Data<AppState>,
    AdminUser(caller): AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ImportJob>> {
    let id = id.into_inner();
    type Row = (Uuid, String, i32, i32, i32, i32, i32, Option<String>, DateTime<Utc>, Option<DateTime<Utc>>);
    let r: Row = state
        .db
        .run(move |conn| {
            Ok(import_jobs::table
                .filter(import_jobs::account_id.eq(caller.account_id))
                .filter(import_jobs::id.eq(id))
                .select((
                    import_jobs::id,
                    import_jobs::status,
                    import_jobs::total_rows,
                    import_jobs::processed_rows,
                    import_jobs::created,
                    import_jobs::updated,
                    import_jobs::skipped,
                    import_jobs::error,
                    import_jobs::created_at,
                    import_jobs::finished_at,
                ))
                .first(conn)?)
        })
        .await?;
    let status = match r.1.as_str() {
        "completed" => ImportStatus::Completed,
        "failed" => ImportStatus::Failed,
        _ => ImportStatus::Running,
    };
    Ok(web::Json(ImportJob {
        id: r.0,
        status,
        total_rows: r.2,
        processed_rows: r.3,
        created: r.4,
        updated: r.5,
        skipped: r.6,
        error: r.7,
        created_at: r.8,
        finished_at: r.9,
    }))
}
