//! Tasks (SPEC §7): "My tasks", and the tasks of a contact, a card or a conversation.
//!
//! Admins see every task of the account; an agent the ones assigned to or created by them,
//! those of cards on boards shared with them and those of contacts assigned to them. The
//! assignee is notified when someone else gives them a task and when it falls due (`due`).
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection; the edit
//! rules are `domain::task_rules`.

pub mod due;
mod queries;
mod routes;

pub use routes::routes;
