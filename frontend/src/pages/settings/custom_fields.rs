use domain::i18n::Msg;
use domain::{CreateCustomFieldRequest, CustomFieldKind, CustomFieldView, UpdateCustomFieldRequest};
use leptos::prelude::*;

use super::{confirm, run_then_reload};
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn CustomFieldsSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = crate::busy::load(api::settings::custom_fields);
    let error = RwSignal::new(None::<ApiError>);
    let editing = RwSignal::new(None::<CustomFieldView>);
    let remove = move |id: uuid::Uuid| {
        if confirm(i18n.t(Msg::ConfirmDelete)) {
            run_then_reload(async move { api::settings::delete_custom_field(id).await }, move || list.refetch(), error);
        }
    };
    let rows = move || {
        list.get().map(|res| match res {
            Ok(l) if l.items.is_empty() => view! { <tr><td colspan="5" class="muted">{i18n.tr(Msg::NothingYet)}</td></tr> }.into_any(),
            Ok(l) => l
                .items
                .into_iter()
                .map(|f| {
                    let id = f.id;
                    let field = f.clone();
                    view! {
                        <tr data-key=f.key.clone()>
                            <td><code>{f.key.clone()}</code></td>
                            <td>{f.label.clone()}</td>
                            <td>{ let k = f.kind; move || i18n.t(domain::labels::custom_field_kind_msg(k)) }</td>
                            <td>{f.options.join(", ")}</td>
                            <td class="actions">
                                <Show when=move || session.is_admin()>
                                    <button class="link" data-testid="edit-field" on:click={
                                        let field = field.clone();
                                        move |_| editing.set(Some(field.clone()))
                                    }>{i18n.tr(Msg::Edit)}</button>
                                    " "
                                    <button class="link danger" on:click=move |_| remove(id)>{i18n.tr(Msg::Delete)}</button>
                                </Show>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="5" class="form-error">{e.summary()}</td></tr> }.into_any(),
        })
    };
    view! {
        <h1>{i18n.tr(Msg::CustomFields)}</h1>
        {form_error(error)}
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="custom-fields-table">
            <thead><tr>
                <th>{i18n.tr(Msg::Key)}</th><th>{i18n.tr(Msg::Label)}</th><th>{i18n.tr(Msg::Kind)}</th>
                <th>{i18n.tr(Msg::Options)}</th><th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
        {move || editing.get().map(|field| view! {
            <EditCustomFieldForm field=field on_done=move |saved| {
                editing.set(None);
                if saved {
                    list.refetch();
                }
            }/>
        })}
        <Show when=move || session.is_admin() fallback=move || view! { <p class="muted">{i18n.tr(Msg::AdminsOnly)}</p> }>
            <NewCustomFieldForm on_created=move || list.refetch()/>
        </Show>
    }
}

#[component]
fn NewCustomFieldForm(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let key = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let kind = RwSignal::new("text".to_string());
    let options = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = Task::new(move |_: &()| {
        let body = CreateCustomFieldRequest {
            key: key.get_untracked(),
            label: label.get_untracked(),
            kind: CustomFieldKind::parse(&kind.get_untracked()).unwrap_or(CustomFieldKind::Text),
            options: crate::pages::comma_list(&options.get_untracked()),
        };
        async move {
            match api::settings::create_custom_field(&body).await {
                Ok(_) => {
                    for s in [key, label, options] {
                        s.set(String::new());
                    }
                    on_created();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <form class="inline-form" data-testid="new-custom-field" on:submit=move |ev| { ev.prevent_default(); error.set(None); create.dispatch(()); }>
            <h2>{i18n.tr(Msg::NewCustomField)}</h2>
            <label>{i18n.tr(Msg::Key)}<input name="key" placeholder="plano" bind:value=key/></label>
            {field_error(error, "key")}
            <label>{i18n.tr(Msg::Label)}<input name="label" bind:value=label/></label>
            {field_error(error, "label")}
            <label>{i18n.tr(Msg::Kind)}
                <select name="kind" bind:value=kind>
                    {[CustomFieldKind::Text, CustomFieldKind::Number, CustomFieldKind::Date, CustomFieldKind::Select]
                        .map(|k| view! { <option value=k.as_str()>{move || i18n.t(domain::labels::custom_field_kind_msg(k))}</option> })}
                </select>
            </label>
            <label>{i18n.tr(Msg::Options)}<input name="options" bind:value=options/></label>
            {field_error(error, "options")}
            {form_error(error)}
            <button type="submit">{i18n.tr(Msg::Create)}</button>
        </form>
    }
}

/// Renames a field, and for a select, replaces its options.
#[component]
fn EditCustomFieldForm(field: CustomFieldView, on_done: impl Fn(bool) + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let is_select = field.kind == CustomFieldKind::Select;
    let label = RwSignal::new(field.label.clone());
    let options = RwSignal::new(field.options.join(", "));
    let error = RwSignal::new(None::<ApiError>);
    let id = field.id;
    let save = Task::new(move |_: &()| {
        let body = UpdateCustomFieldRequest {
            label: Some(label.get_untracked()),
            options: is_select.then(|| options.get_untracked().split(',').map(|o| o.trim().to_string()).collect()),
        };
        async move {
            match api::settings::update_custom_field(id, &body).await {
                Ok(_) => on_done(true),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <form class="inline-form" data-testid="edit-custom-field" on:submit=move |ev| { ev.prevent_default(); error.set(None); save.dispatch(()); }>
            <h2>{i18n.tr(Msg::EditCustomField)}" "<code>{field.key.clone()}</code></h2>
            <p class="muted">{i18n.tr(Msg::KeyAndKindFixed)}</p>
            <label>{i18n.tr(Msg::Label)}<input name="label" bind:value=label/></label>
            {field_error(error, "label")}
            <Show when=move || is_select>
                <label>{i18n.tr(Msg::Options)}<input name="options" bind:value=options/></label>
            </Show>
            {field_error(error, "options")}
            {form_error(error)}
            <button type="submit">{i18n.tr(Msg::Save)}</button>
            " "
            <button type="button" class="secondary" on:click=move |_| on_done(false)>{i18n.tr(Msg::Cancel)}</button>
        </form>
    }
}
