use domain::i18n::Msg;
use domain::routing::RoutingSettings;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};

/// A site's routing: how long a returning client's chat waits for their own agent, and after
/// how long an unanswered chat or untouched lead is passed on; empty for off.
#[component]
pub fn RoutingPanel(site_id: uuid::Uuid, on_done: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let sticky = RwSignal::new(String::new());
    let chat = RwSignal::new(String::new());
    let lead = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let loaded = crate::busy::load(move || api::sites::routing(site_id));
    let shown = |value: Option<i32>| value.map(|v| v.to_string()).unwrap_or_default();
    Effect::new(move || match loaded.get() {
        Some(Ok(current)) => {
            sticky.set(shown(current.sticky_owner_secs));
            chat.set(shown(current.reroute_chat_minutes));
            lead.set(shown(current.reroute_lead_minutes));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let saving = Task::new(move |body: &RoutingSettings| {
        let body = *body;
        async move {
            match api::sites::save_routing(site_id, &body).await {
                Ok(_) => on_done(),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    // Empty is "off"; anything else goes as typed, for the server to check.
    let number = |text: String| text.trim().parse::<i32>().ok().or_else(|| (!text.trim().is_empty()).then_some(0));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saving.dispatch(RoutingSettings {
            sticky_owner_secs: number(sticky.get_untracked()),
            reroute_chat_minutes: number(chat.get_untracked()),
            reroute_lead_minutes: number(lead.get_untracked()),
        });
    };
    view! {
        <form class="chat-settings routing-settings" data-testid="routing-settings" on:submit=save>
            <label>{i18n.tr(Msg::StickyOwnerSecs)}
                <input type="number" name="sticky_owner_secs" min="5" max="3600" inputmode="numeric" bind:value=sticky/>
            </label>
            {field_error(error, "sticky_owner_secs")}
            <label>{i18n.tr(Msg::RerouteChatMinutes)}
                <input type="number" name="reroute_chat_minutes" min="1" max="1440" inputmode="numeric" bind:value=chat/>
            </label>
            {field_error(error, "reroute_chat_minutes")}
            <label>{i18n.tr(Msg::RerouteLeadMinutes)}
                <input type="number" name="reroute_lead_minutes" min="1" max="43200" inputmode="numeric" bind:value=lead/>
            </label>
            {field_error(error, "reroute_lead_minutes")}
            <p class="muted small">{i18n.tr(Msg::RoutingHint)}</p>
            {form_error(error)}
            <button type="submit" disabled=saving.pending()>{i18n.tr(Msg::Save)}</button>
        </form>
    }
}
