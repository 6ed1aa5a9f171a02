//! Merging a duplicate into the client on screen: found by search, then both shown side by
//! side with what the merge leaves (`domain::contact_rules::merge_preview`), merged only
//! when the person confirms with the button that says what goes.

use domain::contact_rules::merge_preview;
use domain::i18n::Msg;
use domain::{ContactDetail, ContactSummary, ContactView};
use leptos::prelude::*;

use super::filter::status_msg;
use super::{phone_text, short, Directory};
use crate::api::{self, ApiError};
use crate::busy::Busy;
use crate::components::client_picker::ClientPicker;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};

#[component]
pub fn MergeDuplicate(keep: ContactView, directory: Directory, on_merged: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = keep.id;
    let error = RwSignal::new(None::<ApiError>);
    // The duplicate chosen, read whole: its fields and what would move with it.
    let other = RwSignal::new(None::<ContactDetail>);
    let reading = Busy::new();
    let pick = Callback::new(move |found: ContactSummary| {
        error.set(None);
        reading.run(async move {
            match api::contacts::get(found.id).await {
                Ok(d) => other.set(Some(d)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let merging = Busy::new();
    let merge = move |source: uuid::Uuid| {
        merging.run(async move {
            match api::contacts::merge(id, source).await {
                Ok(_) => {
                    other.set(None);
                    on_merged.try_run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let keep = StoredValue::new(keep);
    let compare = move |d: ContactDetail| {
        let dup = d.contact;
        let after = merge_preview(&keep.read_value(), &dup);
        let name = dup.name.clone().or(dup.email.clone()).or(dup.phone.as_deref().map(phone_text)).unwrap_or_default();
        let rows = keep.with_value(|keep| {
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            let phone = |c: &ContactView| c.phone.as_deref().map(phone_text).unwrap_or_default();
            let status = |c: &ContactView| i18n.t(status_msg(c.status)).to_string();
            let who = |c: &ContactView| directory.user_name(c.assignee_id);
            let tags = |c: &ContactView| c.tags.join(", ");
            let since = |c: &ContactView| short(c.first_contact_at);
            [
                (Msg::Name, text(&keep.name), text(&dup.name), text(&after.name)),
                (Msg::Email, text(&keep.email), text(&dup.email), text(&after.email)),
                (Msg::Phone, phone(keep), phone(&dup), phone(&after)),
                (Msg::Status, status(keep), status(&dup), status(&after)),
                (Msg::Assignee, who(keep), who(&dup), who(&after)),
                (Msg::Tags, tags(keep), tags(&dup), tags(&after)),
                (Msg::FirstContact, since(keep), since(&dup), since(&after)),
            ]
        });
        let moves = i18n
            .t(Msg::MergeMoves)
            .replace("{conversations}", &d.conversations.len().to_string())
            .replace("{notes}", &d.notes.len().to_string())
            .replace("{files}", &d.files.len().to_string());
        let source = dup.id;
        view! {
            <div class="merge-compare" data-testid="merge-compare">
                <table class="grid">
                    <thead><tr>
                        <th></th><th scope="col">{i18n.tr(Msg::MergeThisClient)}</th>
                        <th scope="col">{name.clone()}</th><th scope="col">{i18n.tr(Msg::MergeResult)}</th>
                    </tr></thead>
                    <tbody>{rows.into_iter().map(|(label, a, b, after)| view! {
                        <tr><th scope="row">{i18n.tr(label)}</th><td>{a}</td><td>{b}</td><td><strong>{after}</strong></td></tr>
                    }).collect_view()}</tbody>
                </table>
                <p>{i18n.t(Msg::ConfirmMerge).replace("{name}", &name)}" "{moves}</p>
                <div class="actions">
                    <button class="danger" data-testid="merge-confirm" disabled=merging.pending() on:click=move |_| merge(source)>
                        {i18n.tr(Msg::MergeNow)}
                    </button>
                    <button class="secondary" on:click=move |_| other.set(None)>{i18n.tr(Msg::Cancel)}</button>
                </div>
            </div>
        }
    };
    view! {
        <details class="merge">
            <summary>{i18n.tr(Msg::Merge)}</summary>
            {move || match other.get() {
                Some(d) => compare(d).into_any(),
                None => view! { <ClientPicker label=Msg::MergeFind on_pick=pick exclude=Some(id)/> }.into_any(),
            }}
            {field_error(error, "source_id")}
            {form_error(error)}
        </details>
    }
}
