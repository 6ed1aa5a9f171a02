//! The operator desk: Inbox (waiting), My conversations (active, mine) and All (closed,
//! with stats, filters and full-text search), and what operators do to a conversation.
//! The visitor's side is `crate::visitor`; both share [`queries`].
//!
//! `routes`: the desk's own handlers and their OpenAPI; `queries` (rows, visibility, messages,
//! events) and `desk_lists`: the SQL, on a connection; `actions`, `moderation`, `settings`:
//! a handler group each; `bot` and `ignores`: the bot's questions and the ignore window.

pub mod actions;
pub mod bot;
mod desk_lists;
pub mod ignores;
pub mod moderation;
pub mod queries;
mod routes;
pub mod settings;

pub use routes::routes;
