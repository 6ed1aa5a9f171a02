//! The operator desk: Inbox (waiting), My conversations (active, mine) and All (closed,
//! with stats, filters and full-text search), and what operators do to a conversation.
//! The visitor's side is `crate::visitor`; both share [`queries`].
//!
//! `routes` (the desk's lists and counts), `actions`, `moderation` and `settings`: handlers
//! and their OpenAPI; `queries/`: their SQL, on a connection (rows, visibility, messages and
//! events in `queries/mod.rs`, a file per handler group beside it); `bot` and `ignores`: the
//! bot's questions and the ignore window; `routing`: offers to a client's own agent and
//! re-routes of chats nobody answered (their settings are `assignment::routing`).

pub mod actions;
pub mod bot;
pub mod ignores;
pub mod moderation;
pub mod queries;
mod routes;
pub mod routing;
pub mod settings;

pub use routes::routes;
