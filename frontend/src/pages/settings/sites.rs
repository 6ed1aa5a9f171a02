use domain::i18n::Msg;
use domain::{CreateSiteRequest, UpdateSiteRequest};
use leptos::prelude::*;

use super::auto_assign::AutoAssignPanel;
use super::chat::ChatPanel;
use super::routing::RoutingPanel;
use super::sla::SlaPanel;
use super::{confirm, run_then_reload};
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn SitesSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sites = crate::busy::load(api::sites::list);
    let error = RwSignal::new(None::<ApiError>);
    // The site being renamed and its draft name.
    let editing = RwSignal::new(None::<uuid::Uuid>);
    // The site whose auto-assignment panel is open.
    let assigning = RwSignal::new(None::<uuid::Uuid>);
    let chatting = RwSignal::new(None::<uuid::Uuid>);
    let targeting = RwSignal::new(None::<uuid::Uuid>);
    let routing = RwSignal::new(None::<uuid::Uuid>);
    let draft = RwSignal::new(String::new());
    let draft_origins = RwSignal::new(String::new());

    let reload = move || {
        editing.set(None);
        sites.refetch()
    };
    let rename = move |id: uuid::Uuid| {
        let body = UpdateSiteRequest {
            name: Some(draft.get_untracked()),
            allowed_origins: Some(split_origins(&draft_origins.get_untracked())),
            ..Default::default()
        };
        run_then_reload(async move { api::sites::update(id, &body).await }, reload, error)
    };
    let rotate = move |id: uuid::Uuid| {
        if confirm(i18n.t(Msg::ConfirmRotateKey)) {
            run_then_reload(async move { api::sites::rotate_key(id).await }, reload, error)
        }
    };
    let remove = move |id: uuid::Uuid, name: &str| {
        if confirm(&i18n.t(Msg::ConfirmDeleteSite).replace("{name}", name)) {
            run_then_reload(async move { api::sites::delete(id).await }, reload, error);
        }
    };

    let rows = move || {
        sites.get().map(|res| match res {
            Ok(list) if list.items.is_empty() => view! { <tr><td colspan="4" class="muted">{i18n.tr(Msg::NothingYet)}</td></tr> }.into_any(),
            Ok(list) => list
                .items
                .into_iter()
                .map(|s| {
                    let id = s.id;
                    let key = StoredValue::new(s.public_key.clone());
                    let name = s.name.clone();
                    let edit_name = StoredValue::new(s.name.clone());
                    let edit_origins = StoredValue::new(s.allowed_origins.join(" "));
                    let origins = s.allowed_origins.join(" ");
                    let admin = session.is_admin();
                    view! {
                        <tr data-site=s.name.clone()>
                            <td>
                                <Show when=move || editing.get() == Some(id) fallback=move || name.clone()>
                                    <form class="row-form" on:submit=move |ev| { ev.prevent_default(); rename(id); }>
                                        <input name="rename" aria-label=i18n.tr(Msg::Name) bind:value=draft/>
                                        <label class="stacked">{i18n.tr(Msg::AllowedOrigins)}
                                            <input name="allowed_origins" placeholder="https://www.example.com" bind:value=draft_origins/>
                                            <small class="muted">{i18n.tr(Msg::AllowedOriginsHint)}</small>
                                        </label>
                                        <button type="submit">{i18n.tr(Msg::Save)}</button>
                                        <button type="button" class="link" on:click=move |_| editing.set(None)>{i18n.tr(Msg::Cancel)}</button>
                                    </form>
                                    {field_error(error, "name")}
                                    {field_error(error, "allowed_origins")}
                                </Show>
                            </td>
                            <td>
                                {s.url.clone().unwrap_or_default()}
                                <div class="muted small" data-testid="allowed-origins">
                                    {i18n.tr(Msg::AllowedOrigins)}": "
                                    {move || if origins.is_empty() { i18n.t(Msg::AnyOrigin).to_string() } else { origins.clone() }}
                                </div>
                            </td>
                            <td><code class="public-key">{s.public_key.clone()}</code></td>
                            <td class="actions">
                                <Show when=move || admin>
                                    <button class="link" on:click=move |_| { draft.set(edit_name.try_get_value().unwrap_or_default()); draft_origins.set(edit_origins.try_get_value().unwrap_or_default()); editing.set(Some(id)); }>
                                        {i18n.tr(Msg::Edit)}
                                    </button>
                                    <button class="link" on:click=move |_| assigning.update(|a| *a = if *a == Some(id) { None } else { Some(id) })>
                                        {i18n.tr(Msg::AutoAssignment)}
                                    </button>
                                    <button class="link" on:click=move |_| targeting.update(|a| *a = if *a == Some(id) { None } else { Some(id) })>
                                        {i18n.tr(Msg::ResponseTargets)}
                                    </button>
                                    <button class="link" on:click=move |_| routing.update(|a| *a = if *a == Some(id) { None } else { Some(id) })>
                                        {i18n.tr(Msg::Routing)}
                                    </button>
                                    <button class="link" data-testid="chat-settings-toggle" data-site-id=id.to_string() on:click=move |_| chatting.update(|a| *a = if *a == Some(id) { None } else { Some(id) })>
                                        {i18n.tr(Msg::Chat)}
                                    </button>
                                    <button class="link" on:click=move |_| rotate(id)>{i18n.tr(Msg::RotateKey)}</button>
                                    <button class="link danger" on:click=move |_| remove(id, &edit_name.get_value())>{i18n.tr(Msg::Delete)}</button>
                                </Show>
                            </td>
                        </tr>
                        <Show when=move || assigning.get() == Some(id)>
                            <tr class="panel-row"><td colspan="4"><AutoAssignPanel site_id=id on_done=move || assigning.set(None)/></td></tr>
                        </Show>
                        <Show when=move || targeting.get() == Some(id)>
                            <tr class="panel-row"><td colspan="4"><SlaPanel site_id=id on_done=move || targeting.set(None)/></td></tr>
                        </Show>
                        <Show when=move || routing.get() == Some(id)>
                            <tr class="panel-row"><td colspan="4"><RoutingPanel site_id=id on_done=move || routing.set(None)/></td></tr>
                        </Show>
                        <Show when=move || chatting.get() == Some(id)>
                            <tr class="panel-row"><td colspan="4"><ChatPanel site_id=id public_key=key.get_value() on_done=move || chatting.set(None)/></td></tr>
                        </Show>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="4" class="form-error">{e.summary()}</td></tr> }.into_any(),
        })
    };

    view! {
        <h1>{i18n.tr(Msg::Sites)}</h1>
        <Show when=move || !session.is_admin()><p class="muted">{i18n.tr(Msg::AdminsOnly)}</p></Show>
        {form_error(error)}
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="sites-table">
            <thead><tr>
                <th>{i18n.tr(Msg::Name)}</th><th>{i18n.tr(Msg::SiteUrl)}</th>
                <th>{i18n.tr(Msg::PublicKey)}</th><th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>
                <Suspense fallback=move || view! { <tr><td colspan="4">{i18n.tr(Msg::Loading)}</td></tr> }>{rows}</Suspense>
            </tbody>
        </table></div>
        <Show when=move || session.is_admin()>
            <NewSiteForm on_created=move || sites.refetch()/>
        </Show>
    }
}

#[component]
fn NewSiteForm(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = Task::new(move |_: &()| {
        let typed = url.get_untracked();
        let body = CreateSiteRequest {
            name: name.get_untracked(),
            url: (!typed.trim().is_empty()).then_some(typed),
            allowed_origins: Vec::new(),
        };
        async move {
            match api::sites::create(&body).await {
                Ok(_) => {
                    name.set(String::new());
                    url.set(String::new());
                    on_created();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    view! {
        <form class="inline-form" data-testid="new-site" on:submit=move |ev| { ev.prevent_default(); error.set(None); create.dispatch(()); }>
            <h2>{i18n.tr(Msg::NewSite)}</h2>
            <label>{i18n.tr(Msg::Name)}<input name="name" bind:value=name/></label>
            {field_error(error, "name")}
            <label>{i18n.tr(Msg::SiteUrl)}<input name="url" placeholder="https://" bind:value=url/></label>
            {field_error(error, "url")}
            {form_error(error)}
            <button type="submit" disabled=create.pending()>{i18n.tr(Msg::Create)}</button>
        </form>
    }
}

/// Origins typed one after another, separated by spaces, commas or new lines.
fn split_origins(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',').filter(|o| !o.is_empty()).map(str::to_owned).collect()
}
