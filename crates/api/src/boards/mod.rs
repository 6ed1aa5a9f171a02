//! Kanban boards and their ordered stages. Admins create and change them; agents see the
//! boards shared with them (another account's, or an unshared one, is a 404).
//!
//! Stage order is a `domain::positions` key per stage: moving a stage writes its key only,
//! computed from the neighbours read under a lock on the board row.
//!
//! `routes` (boards and stages), `labels`, `fields` and `base_card`: handlers and their
//! OpenAPI. `queries/`: their SQL, on a connection (boards and stages in `queries/mod.rs`, a
//! file per handler group beside it).

pub mod base_card;
pub mod fields;
pub mod labels;
pub(crate) mod queries;
mod routes;

pub(crate) use queries::base_card::base_card;
pub(crate) use queries::fields::{check_values, definitions};
pub(crate) use queries::labels::check_labels;
pub(crate) use queries::{colour, lock_board, visible, visible_card_ids};
pub use routes::routes;
