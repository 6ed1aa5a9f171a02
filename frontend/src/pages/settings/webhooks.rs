//! Settings → Webhooks: subscriptions (URL, events, on/off), their secret shown once, a test
//! event, and a webhook's delivery log with "Send again".

use domain::events::EventKind;
use domain::i18n::Msg;
use domain::webhooks::{webhook_kinds, CreateWebhookRequest, DeliveryStatus, UpdateWebhookRequest, WebhookView};
use leptos::prelude::*;
use uuid::Uuid;

use super::{confirm, run_then_reload};
use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::clients::short as short_time;
use crate::pages::{field_error, form_error};
use crate::session::use_session;

#[component]
pub fn WebhooksSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <h1>{i18n.tr(Msg::Webhooks)}</h1>
        <p class="muted">{i18n.tr(Msg::WebhooksIntro)}</p>
        <Show when=move || session.is_admin() fallback=move || view! { <p class="muted">{i18n.tr(Msg::AdminsOnly)}</p> }>
            <WebhooksAdmin/>
        </Show>
    }
}

#[component]
fn WebhooksAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let hooks = crate::busy::load(api::webhooks::list);
    let error = RwSignal::new(None::<ApiError>);
    // The secret of the last creation or rotation, shown once.
    let secret = RwSignal::new(None::<String>);
    // The webhook whose delivery log is open, and a counter that reloads it.
    let open = RwSignal::new(None::<Uuid>);
    let log_version = RwSignal::new(0u32);
    let reload = move || {
        hooks.refetch();
        log_version.update(|v| *v += 1);
    };

    let row = move |hook: WebhookView| {
        let id = hook.id;
        let enabled = hook.enabled;
        let failing = hook.failing_since.is_some();
        let events = if hook.event_types.is_empty() { None } else { Some(hook.event_types.join(", ")) };
        let reason = hook.disabled_reason.clone();
        let toggle = move |_| {
            let req = UpdateWebhookRequest { enabled: Some(!enabled), ..Default::default() };
            run_then_reload(async move { api::webhooks::update(id, &req).await }, reload, error)
        };
        let test = move |_| {
            open.set(Some(id));
            run_then_reload(async move { api::webhooks::send_test(id).await }, reload, error)
        };
        let rotate = move |_| {
            if confirm(i18n.t(Msg::ConfirmRotateSecret)) {
                error.set(None);
                leptos::task::spawn_local(async move {
                    match api::webhooks::rotate_secret(id).await {
                        Ok(rotated) => secret.set(Some(rotated.secret)),
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        };
        let remove = move |_| {
            if confirm(i18n.t(Msg::ConfirmDeleteWebhook)) {
                if open.get_untracked() == Some(id) {
                    open.set(None);
                }
                run_then_reload(async move { api::webhooks::delete(id).await }, reload, error)
            }
        };
        let state = move || match (enabled, failing) {
            (false, _) => i18n.t(Msg::Disabled),
            (true, true) => i18n.t(Msg::Failing),
            (true, false) => i18n.t(Msg::Active),
        };
        view! {
            <tr data-webhook=hook.url.clone() class:revoked=!enabled>
                <td><code>{hook.url.clone()}</code>
                    {(!hook.description.is_empty()).then(|| view! { <br/><small>{hook.description.clone()}</small> })}</td>
                <td>{move || events.clone().unwrap_or_else(|| i18n.t(Msg::AllEvents).to_string())}</td>
                <td class="status">{state}{reason.map(|r| view! { <br/><small class="form-error">{r}</small> })}</td>
                <td class="actions">
                    <button class="link" on:click=test disabled=!enabled>{i18n.tr(Msg::SendTest)}</button>
                    <button class="link" aria-expanded=move || (open.get() == Some(id)).to_string()
                        on:click=move |_| open.update(|o| *o = if *o == Some(id) { None } else { Some(id) })>{i18n.tr(Msg::Deliveries)}</button>
                    <button class="link" on:click=rotate>{i18n.tr(Msg::RotateSecret)}</button>
                    <button class="link" on:click=toggle>{move || i18n.t(if enabled { Msg::TurnOff } else { Msg::TurnOn })}</button>
                    <button class="link danger" on:click=remove>{i18n.tr(Msg::Delete)}</button>
                </td>
            </tr>
        }
    };
    let rows = move || {
        hooks.get().map(|res| match res {
            Ok(list) if list.items.is_empty() => {
                view! { <tr><td colspan="4" class="muted">{i18n.tr(Msg::NothingYet)}</td></tr> }.into_any()
            }
            Ok(list) => list.items.into_iter().map(row).collect_view().into_any(),
            Err(e) => view! { <tr><td colspan="4" class="form-error">{e.summary()}</td></tr> }.into_any(),
        })
    };

    view! {
        {form_error(error)}
        {move || secret.get().map(|s| view! {
            <div class="notice" role="status">
                <p>{i18n.tr(Msg::WebhookSecretShownOnce)}</p>
                <code class="secret" data-testid="webhook-secret">{s}</code>
            </div>
        })}
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="webhooks-table">
            <thead><tr>
                <th>{i18n.tr(Msg::EndpointUrl)}</th><th>{i18n.tr(Msg::Events)}</th>
                <th>{i18n.tr(Msg::Status)}</th><th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>
                <Suspense fallback=move || view! { <tr><td colspan="4">{i18n.tr(Msg::Loading)}</td></tr> }>{rows}</Suspense>
            </tbody>
        </table></div>
        {move || open.get().map(|id| view! { <DeliveryLog id=id version=log_version error=error/> })}
        <NewWebhookForm on_created=move |s| { secret.set(Some(s)); hooks.refetch(); }/>
    }
}

/// One webhook's latest deliveries, newest first; a failed or delivered one can be sent again.
#[component]
fn DeliveryLog(id: Uuid, version: RwSignal<u32>, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let page = crate::busy::load(move || {
        version.track();
        api::webhooks::deliveries(id)
    });
    let status_msg = |s: DeliveryStatus| match s {
        DeliveryStatus::Pending => Msg::DeliveryPending,
        DeliveryStatus::Delivered => Msg::DeliveryDelivered,
        DeliveryStatus::Failed => Msg::DeliveryFailed,
    };
    let rows = move || {
        page.get().map(|res| match res {
            Ok(p) if p.items.is_empty() => {
                view! { <tr><td colspan="6" class="muted">{i18n.tr(Msg::NothingYet)}</td></tr> }.into_any()
            }
            Ok(p) => p
                .items
                .into_iter()
                .map(|d| {
                    let delivery_id = d.id;
                    let answer = match (d.response_status, d.error.clone()) {
                        (Some(code), _) => format!("HTTP {code}"),
                        (None, Some(e)) => e,
                        (None, None) => "—".into(),
                    };
                    let again = move |_| {
                        run_then_reload(
                            async move { api::webhooks::redeliver(id, delivery_id).await },
                            move || version.update(|v| *v += 1),
                            error,
                        )
                    };
                    let pending = d.status == DeliveryStatus::Pending;
                    view! {
                        <tr data-delivery=d.message_id.clone()>
                            <td><code>{d.event_type.clone()}</code></td>
                            <td class="status">{move || i18n.t(status_msg(d.status))}</td>
                            <td>{d.attempts}</td>
                            <td>{answer}</td>
                            <td>{short_time(d.created_at)}</td>
                            <td class="actions"><Show when=move || !pending>
                                <button class="link" on:click=again>{i18n.tr(Msg::Redeliver)}</button>
                            </Show></td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="6" class="form-error">{e.summary()}</td></tr> }.into_any(),
        })
    };
    view! {
        <h2>{i18n.tr(Msg::Deliveries)}</h2>
        <div class="table-scroll" tabindex="0"><table class="grid" data-testid="webhook-deliveries">
            <thead><tr>
                <th>{i18n.tr(Msg::Event)}</th><th>{i18n.tr(Msg::Status)}</th><th>{i18n.tr(Msg::Attempts)}</th>
                <th>{i18n.tr(Msg::Answer)}</th><th>{i18n.tr(Msg::ActivityCreated)}</th><th><span class="sr-only">{i18n.tr(Msg::Actions)}</span></th>
            </tr></thead>
            <tbody>
                <Suspense fallback=move || view! { <tr><td colspan="6">{i18n.tr(Msg::Loading)}</td></tr> }>{rows}</Suspense>
            </tbody>
        </table></div>
    }
}

#[component]
fn NewWebhookForm(on_created: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    // "Send test" sends `webhook.test` whatever is chosen: no box for it.
    let chosen: Vec<(&'static str, RwSignal<bool>)> = webhook_kinds()
        .into_iter()
        .filter(|k| *k != EventKind::WebhookTest)
        .map(|k| (k.as_str(), RwSignal::new(false)))
        .collect();
    let picked = chosen.clone();
    let error = RwSignal::new(None::<ApiError>);
    let create = Task::new(move |_: &()| {
        let body = CreateWebhookRequest {
            url: url.get_untracked(),
            description: Some(description.get_untracked()).filter(|d| !d.trim().is_empty()),
            event_types: picked.iter().filter(|(_, on)| on.get_untracked()).map(|(k, _)| k.to_string()).collect(),
        };
        async move {
            match api::webhooks::create(&body).await {
                Ok(created) => {
                    url.set(String::new());
                    description.set(String::new());
                    on_created(created.secret);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <form class="inline-form" data-testid="new-webhook" on:submit=move |ev| { ev.prevent_default(); error.set(None); create.dispatch(()); }>
            <h2>{i18n.tr(Msg::NewWebhook)}</h2>
            <label>{i18n.tr(Msg::EndpointUrl)}<input name="url" type="url" placeholder="https://" bind:value=url/></label>
            {field_error(error, "url")}
            <label>{i18n.tr(Msg::Description)}<input name="description" bind:value=description/></label>
            {field_error(error, "description")}
            <fieldset class="event-kinds">
                <legend>{i18n.tr(Msg::Events)}</legend>
                <p class="muted">{i18n.tr(Msg::AllEventsHint)}</p>
                {chosen.into_iter().map(|(kind, on)| view! {
                    <label class="check"><input type="checkbox" name=kind bind:checked=on/><code>{kind}</code></label>
                }).collect_view()}
            </fieldset>
            {field_error(error, "event_types")}
            {form_error(error)}
            <button type="submit" disabled=create.pending()>{i18n.tr(Msg::Create)}</button>
        </form>
    }
}
