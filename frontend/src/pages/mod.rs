pub mod auth;
pub mod boards;
pub mod clients;
pub mod desk;
pub mod email_links;
pub mod reports;
pub mod settings;
pub mod tasks;

use crate::api::ApiError;
use leptos::prelude::*;

/// The server's message for `field`, under its input.
pub fn field_error(error: RwSignal<Option<ApiError>>, field: &'static str) -> impl IntoView {
    move || {
        error
            .get()
            .and_then(|e| e.field(field))
            .map(|msg| view! { <small class="field-error" data-field=field>{msg}</small> })
    }
}

/// A comma-separated list as typed ("a, b,,c"): trimmed, without blanks.
pub fn comma_list(text: &str) -> Vec<String> {
    text.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect()
}

/// The browser's confirmation dialog; false when it cannot be shown.
pub fn confirm(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
}

/// A form-level error line, when the problem named no field.
pub fn form_error(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.problem.as_ref().is_none_or(|p| p.errors.is_empty()))
            .map(|e| view! { <p class="form-error" role="alert">{e.summary()}</p> })
    }
}
