//! Cards on a board: created in a stage, edited with `If-Match` against their version, moved
//! between stages (`actions`), commented on (`comments`), listed per stage under the board
//! view's filters (`board_view`).
//!
//! Agents work the cards of the boards shared with them; admins every board of the account.
//!
//! `routes`: the card's own handlers; `queries`: card rows and their writes, on a
//! connection; the other files: a handler group each, with its SQL.

pub mod actions;
pub mod attachments;
mod board_pages;
pub mod board_view;
pub mod checklist;
pub mod comments;
pub mod queries;
pub mod relations;
mod routes;

pub use routes::{card_response, routes};
