use domain::i18n::Msg;
use domain::{ApiScope, CreateApiKeyRequest};
use leptos::prelude::*;

use super::{confirm, run_then_reload};
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::clients::short as short_time;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn ApiKeysSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <h1>{i18n.tr(Msg::ApiKeys)}</h1>
        <Show when=move || session.is_admin() fallback=move || view! { <p class="muted">{i18n.tr(Msg::AdminsOnly)}</p> }>
            <ApiKeysAdmin/>
        </Show>
    }
}

#[component]
fn ApiKeysAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let keys = crate::busy::load(api::settings::api_keys);
    let error = RwSignal::new(None::<ApiError>);
    let revoke = move |id: uuid::Uuid| {
        if confirm(i18n.t(Msg::ConfirmRevokeKey)) {
            run_then_reload(async move { api::settings::revoke_api_key(id).await }, move || keys.refetch(), error)
        }
    };

    let rows = move || {
        keys.get().map(|res| match res {
            Ok(list) if list.items.is_empty() => view! { <tr><td colspan="6" class="muted">{i18n.tr(Msg::NothingYet)}</td></tr> }.into_any(),
            Ok(list) => list
                .items
                .into_iter()
                .map(|k| {
                    let id = k.id;
                    let revoked = k.revoked_at.is_some();
                    let scopes = k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                    let last_used = k.last_used_at.map(short_time);
                    view! {
                        <tr data-key=k.name.clone() class:revoked=revoked>
                            <td>{k.name.clone()}</td>
                            <td><code>{k.prefix.clone()}"…"</code></td>
                            <td>{scopes}</td>
                            <td>{move || last_used.clone().unwrap_or_else(|| i18n.t(Msg::Never).to_string())}</td>
                            <td class="status">{move || i18n.t(if revoked { Msg::Revoked } else { Msg::Active })}</td>
                            <td class="actions">
                                <Show when=move || !revoked>
                                    <button class="link danger" on:click=move |_| revoke(id)>{i18n.tr(Msg::Revoke)}</button>
                                </Show>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="6" class="form-error">{e.summary()}</td></tr> }.into_any(),
        })
    };

    view! {
        {form_error(error)}
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="api-keys-table">
            <thead><tr>
                <th>{i18n.tr(Msg::Name)}</th><th>{i18n.tr(Msg::Prefix)}</th><th>{i18n.tr(Msg::Scopes)}</th>
                <th>{i18n.tr(Msg::LastUsed)}</th><th>{i18n.tr(Msg::Status)}</th><th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>
                <Suspense fallback=move || view! { <tr><td colspan="6">{i18n.tr(Msg::Loading)}</td></tr> }>{rows}</Suspense>
            </tbody>
        </table></div>
        <NewApiKeyForm on_created=move || keys.refetch()/>
    }
}

#[component]
fn NewApiKeyForm(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let chosen = ApiScope::ALL.map(|scope| (scope, RwSignal::new(scope == ApiScope::LeadsIngest)));
    let error = RwSignal::new(None::<ApiError>);
    // The new key's secret, shown once.
    let secret = RwSignal::new(None::<String>);
    let create = Task::new(move |_: &()| {
        let scopes = chosen.iter().filter(|(_, on)| on.get_untracked()).map(|(s, _)| *s).collect();
        let body = CreateApiKeyRequest { name: name.get_untracked(), scopes };
        async move {
            match api::settings::create_api_key(&body).await {
                Ok(created) => {
                    name.set(String::new());
                    secret.set(Some(created.secret));
                    on_created();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    view! {
        {move || secret.get().map(|secret| view! {
            <div class="notice" role="status">
                <p>{i18n.tr(Msg::SecretShownOnce)}</p>
                <code class="secret" data-testid="api-key-secret">{secret}</code>
            </div>
        })}
        <form class="inline-form" data-testid="new-api-key" on:submit=move |ev| { ev.prevent_default(); error.set(None); create.dispatch(()); }>
            <h2>{i18n.tr(Msg::NewApiKey)}</h2>
            <label>{i18n.tr(Msg::Name)}<input name="name" bind:value=name/></label>
            {field_error(error, "name")}
            <fieldset>
                <legend>{i18n.tr(Msg::Scopes)}</legend>
                {chosen.map(|(scope, on)| view! {
                    <label class="check"><input type="checkbox" name=scope.as_str() bind:checked=on/>
                        <code>{scope.as_str()}</code>" — "{move || i18n.t(scope_msg(scope))}</label>
                })}
            </fieldset>
            {field_error(error, "scopes")}
            {form_error(error)}
            <button type="submit" disabled=create.pending()>{i18n.tr(Msg::Create)}</button>
        </form>
    }
}

/// What a scope lets a key do, in the reader's language.
fn scope_msg(scope: ApiScope) -> Msg {
    match scope {
        ApiScope::LeadsIngest => Msg::ScopeLeadsIngest,
        ApiScope::ContactsRead => Msg::ScopeContactsRead,
        ApiScope::ContactsWrite => Msg::ScopeContactsWrite,
        ApiScope::ConversationsRead => Msg::ScopeConversationsRead,
        ApiScope::BoardsRead => Msg::ScopeBoardsRead,
        ApiScope::BoardsWrite => Msg::ScopeBoardsWrite,
        ApiScope::TasksRead => Msg::ScopeTasksRead,
        ApiScope::TasksWrite => Msg::ScopeTasksWrite,
        ApiScope::UsersRead => Msg::ScopeUsersRead,
        ApiScope::WebhooksManage => Msg::ScopeWebhooksManage,
    }
}
