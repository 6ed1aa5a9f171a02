//! Account settings: users, sites (with their chat), canned responses, custom fields and
//! integration API keys and webhooks.

mod api_keys;
mod auto_assign;
mod chat;
mod custom_fields;
mod routing;
mod sites;
mod sla;
mod user_boards;
mod users;
mod webhooks;

pub use api_keys::ApiKeysSettings;
pub use chat::CannedResponsesSettings;
pub use custom_fields::CustomFieldsSettings;
pub use sites::SitesSettings;
pub use users::UsersSettings;
pub use webhooks::WebhooksSettings;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// Runs a row action (revoke a key, disable a user…), then reloads the list or shows the
/// error. One helper for fourteen row buttons, each a single request whose list reload is
/// its only feedback; a form's submit is an `Action` instead (its button waits on it).
fn run_then_reload<T: 'static>(
    fut: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
    reload: impl Fn() + 'static,
    error: RwSignal<Option<ApiError>>,
) {
    error.set(None);
    spawn_local(async move {
        let result = fut.await;
        // The screen may be gone by the time the answer comes (the user moved on).
        if error.is_disposed() {
            return;
        }
        match result {
            Ok(_) => reload(),
            Err(e) => error.set(Some(e)),
        }
    });
}

use crate::pages::confirm;
