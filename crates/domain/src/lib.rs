//! Prospecta domain: the types and rules shared by the API server and the SPA.
//!
//! Nothing here performs IO, so the crate compiles for `wasm32-unknown-unknown` and the
//! browser deserialises exactly the structs the server serialises.

pub mod auth;
pub mod board_fields;
pub mod boards;
pub mod calls;
pub mod card_patch;
pub mod cards;
pub mod chat;
pub mod client_cards;
pub mod contact_bulk;
pub mod contact_rules;
pub mod contacts;
pub mod custom_fields;
pub mod desk_rules;
pub mod events;
pub mod export_format;
pub mod i18n;
pub mod imports;
pub mod ingest_rules;
pub mod json_value;
pub mod labels;
pub mod mail_text;
pub mod money;
pub mod phone;
pub mod positions;
pub mod problem;
pub mod problem_text;
pub mod reports;
pub mod routing;
pub mod serde_helpers;
pub mod sites;
pub mod sla;
pub mod task_rules;
pub mod tasks;
pub mod text;
pub mod users;
pub mod webhooks;

pub use auth::*;
pub use board_fields::*;
pub use boards::*;
pub use calls::*;
pub use cards::*;
pub use chat::*;
pub use client_cards::*;
pub use contact_bulk::*;
pub use contacts::*;
pub use custom_fields::*;
pub use events::EventKind;
pub use imports::*;
pub use money::Money;
pub use phone::*;
pub use problem::{FieldError, Problem};
pub use sites::*;
pub use tasks::*;
pub use users::*;
pub use webhooks::*;
