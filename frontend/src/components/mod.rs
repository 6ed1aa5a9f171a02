//! Widgets more than one screen shows: the client card (client screen, desk panel), a
//! transcript message (client screen, desk), the sites-and-users directory and dates.

pub mod attachments;
pub mod call_log;
pub mod chart;
pub mod client_card;
pub mod client_picker;
mod directory;
pub mod money;
pub mod saved_filters;
pub mod sla_timer;
pub mod transcript;

pub use directory::{user_options, Directory};

/// A date-time in the browser's time zone, written as the UI language writes it.
pub fn short(t: chrono::DateTime<chrono::Utc>) -> String {
    domain::labels::datetime_text(&t.with_timezone(&chrono::Local), crate::i18n::current_lang())
}

/// A stored (E.164) phone for people: national for Brazil, the accounts' country today.
pub fn phone_text(e164: &str) -> String {
    domain::labels::phone_text(e164, domain::DEFAULT_CALLING_CODE)
}
