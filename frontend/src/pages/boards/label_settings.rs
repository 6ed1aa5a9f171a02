//! A board's labels in its settings: each row renames and recolours, or deletes the label
//! (cards lose it); a new label is added below.

use domain::i18n::Msg;
use domain::{CreateLabelRequest, LabelView};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::boards as client;
use crate::api::ApiError;
use crate::busy::Busy;
use crate::i18n::use_i18n;
use crate::pages::{confirm, field_error, form_error};

#[component]
pub fn LabelSettings(board_id: Uuid, labels: Vec<LabelView>, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = labels.into_iter().map(|label| view! { <LabelRow board_id label on_changed/> }).collect_view();
    view! {
        <fieldset data-testid="board-labels"><legend>{i18n.tr(Msg::Labels)}</legend>
            <ul class="settings-rows">{rows}</ul>
            <LabelForm board_id label=None on_changed/>
        </fieldset>
    }
}

#[component]
fn LabelRow(board_id: Uuid, label: LabelView, on_changed: Callback<()>) -> impl IntoView {
    let id = label.id.to_string();
    view! {
        <li class="settings-row" data-label-id=id>
            <LabelForm board_id label=Some(label) on_changed/>
        </li>
    }
}

/// A label's name and colour: saves `label` when given, else adds a new one.
#[component]
fn LabelForm(board_id: Uuid, label: Option<LabelView>, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let existing = label.as_ref().map(|l| (l.id, l.name.clone()));
    let name = RwSignal::new(label.as_ref().map(|l| l.name.clone()).unwrap_or_default());
    let colour = RwSignal::new(label.as_ref().map(|l| l.colour.clone()).unwrap_or_else(|| "#7c3aed".into()));
    let error = RwSignal::new(None::<ApiError>);
    let busy = Busy::new();
    let label_id = existing.as_ref().map(|(id, _)| *id);
    let finish = move |result: Result<(), ApiError>| match result {
        Ok(()) => {
            if label_id.is_none() {
                name.set(String::new());
            }
            error.set(None);
            on_changed.try_run(());
        }
        Err(e) => error.set(Some(e)),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateLabelRequest { name: name.get_untracked(), colour: Some(colour.get_untracked()) };
        busy.run(async move {
            let result = match label_id {
                Some(id) => client::update_label(board_id, id, &req).await.map(|_| ()),
                None => client::add_label(board_id, &req).await.map(|_| ()),
            };
            finish(result);
        });
    };
    let delete = existing.map(|(id, title)| {
        let ask = move |_| {
            if confirm(&i18n.t(Msg::ConfirmDeleteLabel).replace("{name}", &title)) {
                busy.run(async move { finish(client::delete_label(board_id, id).await) });
            }
        };
        view! { <button type="button" class="link danger" disabled=busy.pending() on:click=ask>{i18n.tr(Msg::Delete)}</button> }
    });
    let submit = if label_id.is_some() { Msg::Save } else { Msg::AddLabel };
    view! {
        <form class="inline" on:submit=save>
            <input name="label_name" required maxlength="50" placeholder=i18n.tr(Msg::Label) aria-label=i18n.tr(Msg::Label) bind:value=name/>
            <input type="color" name="label_colour" aria-label=i18n.tr(Msg::Colour) bind:value=colour/>
            <button type="submit" class="secondary" disabled=busy.pending()>{i18n.tr(submit)}</button>
            {delete}
        </form>
        {field_error(error, "name")}
        {field_error(error, "colour")}
        {form_error(error)}
    }
}
