//! The client list's bulk actions: what is selected (ticked rows, or every client matching
//! the filter), and the bar that assigns, sets the status, tags or deletes them, 200 at a
//! time with its progress.

use domain::i18n::Msg;
use domain::ContactStatus;
use leptos::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::filter::status_msg;
use super::Directory;
use crate::api::{self, ApiError};
use crate::i18n::{fill, use_i18n};
use crate::pages::{confirm, form_error};
use crate::session::use_session;

/// Clients per request: a chunk is one transaction on the server.
const CHUNK: usize = 200;

/// The ticked rows, or "all matching" (the ids are fetched when an action runs).
#[derive(Clone, Copy)]
pub struct Selection {
    pub ids: RwSignal<Vec<Uuid>>,
    pub all_matching: RwSignal<bool>,
}

impl Selection {
    pub fn new() -> Selection {
        Selection { ids: RwSignal::new(Vec::new()), all_matching: RwSignal::new(false) }
    }

    pub fn clear(&self) {
        self.ids.set(Vec::new());
        self.all_matching.set(false);
    }

    pub fn toggle(&self, id: Uuid) {
        self.all_matching.set(false);
        self.ids.update(|ids| match ids.iter().position(|i| *i == id) {
            Some(at) => {
                ids.remove(at);
            }
            None => ids.push(id),
        });
    }
}

/// The bar over the list while something is selected. `matching` is how many clients the
/// filter matches; `query` the list's API query; `done` reloads the list.
#[component]
pub fn BulkBar(
    selection: Selection,
    directory: Directory,
    matching: Signal<i64>,
    query: Memo<String>,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = RwSignal::new(None::<ApiError>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let (status, assignee, tag, with_deals) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let count =
        move || if selection.all_matching.get() { matching.get() as usize } else { selection.ids.with(Vec::len) };
    let toasts = crate::toast::use_toasts();
    let running = crate::busy::Busy::new();
    let go = move |action: &'static str, extra: serde_json::Value| {
        running.run(async move {
            error.set(None);
            let ids = if selection.all_matching.get_untracked() {
                match api::contacts::ids(&query.get_untracked()).await {
                    Ok(list) => list.ids,
                    Err(e) => return error.set(Some(e)),
                }
            } else {
                selection.ids.get_untracked()
            };
            let (mut changed, mut skipped, mut failed) = (0, 0, None);
            progress.set(Some((0, ids.len())));
            for (i, chunk) in ids.chunks(CHUNK).enumerate() {
                let mut body = extra.clone();
                body["ids"] = json!(chunk);
                match api::contacts::bulk(action, &body).await {
                    Ok(r) => {
                        changed += r.changed as usize;
                        skipped += r.not_found.len();
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
                progress.set(Some(((i * CHUNK + chunk.len()), ids.len())));
            }
            progress.set(None);
            let text = fill(i18n.t(Msg::BulkDone), &[("{changed}", changed), ("{skipped}", skipped)]);
            match failed {
                // Refused: the bar and its selection stay, saying why (clearing the selection
                // took the bar, and the message with it, away). Earlier chunks did change.
                Some(e) => {
                    if changed > 0 {
                        toasts.show(text, None);
                        done.try_run(());
                    }
                    error.set(Some(e));
                }
                None => {
                    toasts.show(text, None);
                    selection.clear();
                    done.try_run(());
                }
            }
        })
    };
    let busy = move || running.pending().get();
    let delete = move |_| {
        let question = fill(i18n.t(Msg::ConfirmDeleteClients), &[("{n}", count())]);
        if confirm(&question) {
            go("delete", json!({"delete_cards": with_deals.get_untracked()}));
        }
    };
    let tag_action = move |action: &'static str| {
        let name = tag.get_untracked().trim().to_string();
        if !name.is_empty() {
            go("tags", json!({ action: [name] }));
        }
    };
    let page_is_all = move || !selection.all_matching.get() && (selection.ids.with(Vec::len) as i64) < matching.get();

    view! {
        <div class="bulk-bar" data-testid="bulk-bar" role="region" aria-label=i18n.tr(Msg::BulkActions)>
            <strong data-testid="selected-count">{move || fill(i18n.t(Msg::SelectedCount), &[("{n}", count())])}</strong>
            <Show when=page_is_all>
                <button class="link" data-testid="select-all-matching" on:click=move |_| selection.all_matching.set(true)>
                    {move || fill(i18n.t(Msg::SelectAllMatching), &[("{n}", matching.get() as usize)])}
                </button>
            </Show>
            <button class="link" on:click=move |_| selection.clear()>{i18n.tr(Msg::ClearSelection)}</button>
            <span class="bulk-group">
                <select aria-label=i18n.tr(Msg::Status) bind:value=status>
                    <option value="">{i18n.tr(Msg::Status)}</option>
                    {ContactStatus::ALL.map(|s| view! { <option value=s.as_str()>{move || i18n.t(status_msg(s))}</option> })}
                </select>
                <button class="secondary" disabled=move || busy() || status.with(String::is_empty)
                    on:click=move |_| go("status", json!({"status": status.get_untracked()}))>{i18n.tr(Msg::Apply)}</button>
            </span>
            <span class="bulk-group">
                <input aria-label=i18n.tr(Msg::Tag) placeholder=i18n.tr(Msg::Tag) maxlength="50" bind:value=tag/>
                <button class="secondary" disabled=busy on:click=move |_| tag_action("add")>{i18n.tr(Msg::AddTag)}</button>
                <button class="secondary" disabled=busy on:click=move |_| tag_action("remove")>{i18n.tr(Msg::RemoveTag)}</button>
            </span>
            <Show when=move || session.is_admin()>
                <span class="bulk-group">
                    <select aria-label=i18n.tr(Msg::Assignee) bind:value=assignee>
                        <option value="">{i18n.tr(Msg::Assignee)}</option>
                        <option value="none">{i18n.tr(Msg::Unassigned)}</option>
                        {directory.user_options()}
                    </select>
                    <button class="secondary" disabled=move || busy() || assignee.with(String::is_empty) on:click=move |_| {
                        let to = assignee.get_untracked();
                        go("assign", json!({"assignee_id": (to != "none").then_some(to)}));
                    }>{i18n.tr(Msg::Assign)}</button>
                </span>
                <span class="bulk-group">
                    <label class="check"><input type="checkbox" bind:checked=with_deals/>{i18n.tr(Msg::AlsoDeleteDeals)}</label>
                    <button class="secondary danger" data-testid="bulk-delete" disabled=busy on:click=delete>{i18n.tr(Msg::Delete)}</button>
                </span>
            </Show>
            {move || progress.get().map(|(done, of)| view! {
                <progress max=of value=done aria-label=i18n.tr(Msg::BulkActions)></progress>
                <span>{fill(i18n.t(Msg::BulkProgress), &[("{done}", done), ("{n}", of)])}</span>
            })}
            {form_error(error)}
        </div>
    }
}
