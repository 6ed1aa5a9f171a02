//! Response targets (SLA) per site: a chat's first reply after it reaches the Inbox, and a new
//! lead's first action by a person. The clocks start where the chat enters the Inbox
//! (`conversations.sla_due_at`) and where a lead is created (`lead_sla_clocks`); the watcher
//! (a periodic job) records each breach once, tells the people concerned (in-app and e-mail)
//! and sends `conversation.sla_breached` / `contact.sla_breached`.
//!
//! `routes`: the settings' handlers and their OpenAPI; `queries`: the settings, the lead
//! clocks and the watcher. The clock states are `domain::sla`.

mod queries;
mod routes;

pub use queries::{start_lead_clock, watch};
pub use routes::routes;
