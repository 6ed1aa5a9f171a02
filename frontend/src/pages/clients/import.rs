//! CSV import: choose a file, map its columns, preview, then import with progress.

use std::collections::BTreeMap;

use domain::i18n::Msg;
use domain::{
    guess_field, CustomFieldView, ImportJob, ImportPreview, ImportRowError, ImportStatus, IMPORT_CUSTOM_PREFIX,
    IMPORT_FIELDS,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::form_error;

/// The header cells of a CSV's first line, with `;` or `,` as the pt-BR/en spreadsheets write them.
fn header_columns(csv: &str) -> Vec<String> {
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    let sep = if header.contains(';') && !header.contains(',') { ';' } else { ',' };
    header.split(sep).map(|h| h.trim().trim_matches('"').to_string()).filter(|h| !h.is_empty()).collect()
}

/// The mapping key a column header names: a contact field, or a custom field by its label or key.
fn guess_column(header: &str, fields: &[CustomFieldView]) -> Option<String> {
    guess_field(header).map(str::to_string).or_else(|| {
        let h = header.trim().to_lowercase();
        fields
            .iter()
            .find(|f| f.label.to_lowercase() == h || f.key == h)
            .map(|f| format!("{IMPORT_CUSTOM_PREFIX}{}", f.key))
    })
}

/// A contact field's name in the mapping, in the UI language.
fn field_msg(field: &str) -> Option<Msg> {
    match field {
        "assignee" => Some(Msg::Assignee),
        "notes" => Some(Msg::Notes),
        other => domain::labels::activity_field_msg(other),
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    // Agents are told at once, not after choosing and mapping a whole file.
    if !crate::session::use_session().is_admin() {
        return view! {
            <h1>{i18n.tr(Msg::ImportClients)}</h1>
            <p class="notice" data-testid="admins-only">{i18n.tr(Msg::ImportAdminsOnly)}</p>
        }
        .into_any();
    }
    let csv = RwSignal::new(String::new());
    let columns = RwSignal::new(Vec::<String>::new());
    let mapping = RwSignal::new(BTreeMap::<String, String>::new());
    let skip_invalid = RwSignal::new(false);
    let existing = RwSignal::new("update".to_string());
    let preview = RwSignal::new(None::<ImportPreview>);
    let job = RwSignal::new(None::<ImportJob>);
    let row_errors = RwSignal::new(Vec::<ImportRowError>::new());
    let error = RwSignal::new(None::<ApiError>);
    // The account's custom fields: each can take a column too.
    let definitions = crate::busy::load(api::settings::custom_fields);
    let custom_fields = move || definitions.get().and_then(Result::ok).map(|l| l.items).unwrap_or_default();

    let reading = Task::new(move |file: &web_sys::File| {
        let file = file.clone();
        async move {
            let Ok(text) = JsFuture::from(file.text()).await else { return };
            let text = text.as_string().unwrap_or_default();
            let cols = header_columns(&text);
            let fields = custom_fields();
            let guessed = cols.iter().filter_map(|c| guess_column(c, &fields).map(|f| (f, c.clone()))).collect();
            mapping.set(guessed);
            columns.set(cols);
            csv.set(text);
            preview.set(None);
            job.set(None);
            row_errors.set(Vec::new());
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        reading.dispatch(file);
    };
    let request = move || {
        let mapping = serde_json::to_string(&mapping.get_untracked()).unwrap_or_default();
        (csv.get_untracked(), mapping, skip_invalid.get_untracked(), existing.get_untracked())
    };
    let previewing = Task::new(move |asked: &(String, String, bool, String)| {
        let asked = asked.clone();
        async move {
            let (body, mapping, skip_invalid, existing) = asked;
            match api::contacts::preview_import(&body, &mapping, skip_invalid, &existing).await {
                Ok(p) => preview.set(Some(p)),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let run_preview = move |_| {
        error.set(None);
        let asked = request();
        previewing.dispatch(asked);
    };
    let importing = Task::new(move |asked: &(String, String, bool, String)| {
        let asked = asked.clone();
        async move {
            let (body, mapping, skip_invalid, existing) = asked;
            match api::contacts::start_import(&body, &mapping, skip_invalid, &existing).await {
                Ok(started) => {
                    job.set(Some(started.clone()));
                    poll(started.id, job).await;
                }
                Err(e) => {
                    // Invalid rows come back as `rows[N].field` problems: list them by row.
                    let rows = e.problem.as_ref().map(|p| {
                        p.errors
                            .iter()
                            .filter_map(|f| {
                                let rest = f.field.strip_prefix("rows[")?;
                                let (n, field) = rest.split_once("].")?;
                                Some(ImportRowError {
                                    row: n.parse().ok()?,
                                    field: field.into(),
                                    message: f.message.clone(),
                                })
                            })
                            .collect::<Vec<_>>()
                    });
                    match rows {
                        Some(rows) if !rows.is_empty() => row_errors.set(rows),
                        _ => error.set(Some(e)),
                    }
                }
            }
        }
    });
    let run_import = move |_| {
        error.set(None);
        row_errors.set(Vec::new());
        let asked = request();
        importing.dispatch(asked);
    };

    let mapping_rows = move || {
        let cols = columns.get();
        let contact_fields = IMPORT_FIELDS.iter().map(|f| (f.to_string(), None));
        let custom = custom_fields().into_iter().map(|f| (format!("{IMPORT_CUSTOM_PREFIX}{}", f.key), Some(f.label)));
        contact_fields
            .chain(custom)
            .map(|(field, label)| {
                let current = mapping.with(|m| m.get(&field).cloned().unwrap_or_default());
                let key = field.clone();
                view! {
                    <label class="map-row">
                        <span>{
                            let field = field.clone();
                            move || label.clone().or_else(|| field_msg(&field).map(|m| i18n.t(m).to_string())).unwrap_or(field.clone())
                        }</span>
                        <select name=format!("map-{field}") on:change:target=move |ev| {
                            let value = ev.target().value();
                            mapping.update(|m| { if value.is_empty() { m.remove(&key); } else { m.insert(key.clone(), value); } });
                        }>
                            <option value="" selected=current.is_empty()>"—"</option>
                            {cols.iter().map(|c| view! { <option value=c.clone() selected=*c == current>{c.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                }
            })
            .collect_view()
    };

    view! {
        <h1>{i18n.tr(Msg::ImportClients)}</h1>
        <p class="muted">{i18n.tr(Msg::ImportHint)}</p>
        <label>{i18n.tr(Msg::CsvFile)}
            <input type="file" accept=".csv,text/csv" data-testid="csv-file" on:change=on_file/></label>
        <Show when=move || !columns.with(Vec::is_empty)>
            <h2>{i18n.tr(Msg::ColumnMapping)}</h2>
            <div class="mapping" data-testid="mapping">{mapping_rows}</div>
            <label class="check"><input type="checkbox" name="skip_invalid" bind:checked=skip_invalid/>{i18n.tr(Msg::SkipInvalid)}</label>
            // A different choice, a different preview: the old one goes.
            <label>{i18n.tr(Msg::ExistingClients)}
                <select name="existing" bind:value=existing on:change=move |_| preview.set(None)>
                    <option value="update">{i18n.tr(Msg::ExistingUpdate)}</option>
                    <option value="fill_empty">{i18n.tr(Msg::ExistingFillEmpty)}</option>
                    <option value="skip">{i18n.tr(Msg::ExistingSkip)}</option>
                </select>
            </label>
            <div class="buttons">
                <button disabled=previewing.pending() class="secondary" on:click=run_preview>{i18n.tr(Msg::Preview)}</button>
                <button on:click=run_import disabled=move || importing.pending().get() || job.with(|j| j.as_ref().is_some_and(|j| j.status == ImportStatus::Running))>
                    {i18n.tr(Msg::Import)}
                </button>
            </div>
        </Show>
        {form_error(error)}
        {move || preview.get().map(|p| view! {
            <div class="preview" data-testid="import-preview">
                <p>
                    {i18n.tr(Msg::Rows)}": "<strong>{p.total_rows}</strong>" · "
                    {i18n.tr(Msg::New)}": "<strong data-testid="would-create">{p.would_create}</strong>" · "
                    {i18n.tr(Msg::Updated)}": "<strong data-testid="would-update">{p.would_update}</strong>" · "
                    {i18n.tr(Msg::Invalid)}": "<strong>{p.errors.len()}</strong>
                </p>
                <UpdatesList updates=p.updates.clone()/>
                <ErrorTable errors=p.errors.clone()/>
            </div>
        })}
        <Show when=move || !row_errors.with(Vec::is_empty)>
            <p class="form-error">{i18n.tr(Msg::ImportBlocked)}</p>
            <ErrorTable errors=row_errors.get()/>
        </Show>
        {move || job.get().map(|j| {
            let pct = if j.total_rows > 0 { 100 * j.processed_rows / j.total_rows } else { 100 };
            view! {
                <div class="job" data-testid="import-job" data-status=format!("{:?}", j.status).to_lowercase()>
                    <progress max="100" value=pct.to_string()></progress>
                    <p>{j.processed_rows}" / "{j.total_rows}" · "
                        {i18n.tr(Msg::New)}": "<strong data-testid="created">{j.created}</strong>" · "
                        {i18n.tr(Msg::Updated)}": "{j.updated}" · "
                        {i18n.tr(Msg::Skipped)}": "{j.skipped}</p>
                    {j.error.map(|e| view! { <p class="form-error">{e}</p> })}
                </div>
            }
        })}
    }
    .into_any()
}

/// Polls a job until it is no longer running.
async fn poll(id: uuid::Uuid, job: RwSignal<Option<ImportJob>>) {
    loop {
        gloo_sleep(400).await;
        match api::contacts::import_job(id).await {
            Ok(now) => {
                let done = now.status != ImportStatus::Running;
                job.set(Some(now));
                if done {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

async fn gloo_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

#[component]
fn ErrorTable(errors: Vec<ImportRowError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <table class="grid errors" data-testid="row-errors">
                <tbody>
                    {errors.into_iter().map(|e| view! { <tr><td>"#"{e.row}</td><td>{e.field}</td><td>{e.message}</td></tr> }).collect_view()}
                </tbody>
            </table>
        }
    })
}

/// The clients the file would change, each with its fields as they are and would be.
#[component]
fn UpdatesList(updates: Vec<domain::ImportUpdate>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = updates.is_empty();
    let field_name = move |field: &str| field_msg(field).map_or_else(|| field.to_string(), |m| i18n.t(m).to_string());
    let rows = updates
        .into_iter()
        .map(|u| {
            let changes = u
                .changes
                .iter()
                .map(|c| {
                    let (from, to) = (c.from.clone().unwrap_or("—".into()), c.to.clone().unwrap_or("—".into()));
                    view! { <li><span class="muted">{field_name(&c.field)}": "</span><del>{from}</del>" → "<ins>{to}</ins></li> }
                })
                .collect_view();
            view! { <li><a href=format!("/clients/{}", u.contact_id)>{u.label}</a><ul>{changes}</ul></li> }
        })
        .collect_view();
    (!empty).then(|| {
        view! {
            <h3>{i18n.tr(Msg::WouldChange)}</h3>
            <ul class="import-updates" data-testid="import-updates">{rows}</ul>
        }
    })
}
