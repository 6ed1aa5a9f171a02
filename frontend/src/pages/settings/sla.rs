use domain::i18n::Msg;
use domain::sla::SlaSettings;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::busy::Task;
use crate::i18n::use_i18n;
use crate::pages::{field_error, form_error};

/// A site's response targets: a chat's first reply (seconds), a new lead's first action
/// (minutes); empty for none.
#[component]
pub fn SlaPanel(site_id: uuid::Uuid, on_done: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let chat = RwSignal::new(String::new());
    let lead = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let loaded = crate::busy::load(move || api::sites::sla(site_id));
    Effect::new(move || match loaded.get() {
        Some(Ok(current)) => {
            chat.set(current.chat_first_response_secs.map(|v| v.to_string()).unwrap_or_default());
            lead.set(current.lead_first_contact_minutes.map(|v| v.to_string()).unwrap_or_default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let saving = Task::new(move |body: &SlaSettings| {
        let body = *body;
        async move {
            match api::sites::save_sla(site_id, &body).await {
                Ok(_) => on_done(),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    // Empty is "no target"; anything else goes as typed, for the server to check.
    let number = |text: String| text.trim().parse::<i32>().ok().or_else(|| (!text.trim().is_empty()).then_some(0));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saving.dispatch(SlaSettings {
            chat_first_response_secs: number(chat.get_untracked()),
            lead_first_contact_minutes: number(lead.get_untracked()),
        });
    };
    view! {
        <form class="chat-settings sla-settings" data-testid="sla-settings" on:submit=save>
            <label>{i18n.tr(Msg::SlaChatTarget)}
                <input type="number" name="chat_first_response_secs" min="10" max="86400" inputmode="numeric" bind:value=chat/>
            </label>
            {field_error(error, "chat_first_response_secs")}
            <label>{i18n.tr(Msg::SlaLeadTarget)}
                <input type="number" name="lead_first_contact_minutes" min="1" max="43200" inputmode="numeric" bind:value=lead/>
            </label>
            {field_error(error, "lead_first_contact_minutes")}
            <p class="muted small">{i18n.tr(Msg::SlaHint)}</p>
            {form_error(error)}
            <button type="submit" disabled=saving.pending()>{i18n.tr(Msg::Save)}</button>
        </form>
    }
}
