//! Cards on a board: created in a stage, edited with `If-Match` against their version, moved
//! between stages (`actions`), commented on (`comments`), listed per stage under the board
//! view's filters (`board_view`).
//!
//! Agents work the cards of the boards shared with them; admins every board of the account.
//!
//! `routes` (the card itself) and a file per handler group (`actions`, `comments`,
//! `checklist`, `attachments`, `relations`, `board_view`): handlers and their OpenAPI.
//! `queries/`: their SQL, on a connection (card rows, views, history and events in
//! `queries/mod.rs`, a file per handler group beside it).

pub mod actions;
pub mod attachments;
pub mod board_view;
pub mod checklist;
pub mod comments;
pub mod queries;
pub mod relations;
mod routes;

pub use routes::{card_response, routes};
