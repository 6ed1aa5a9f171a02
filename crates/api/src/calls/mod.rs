//! Calls: phone calls with a client, logged by hand from the client screen or from one of
//! the client's conversations (the desk seed lists calls beside chats).
//!
//! Who may log and read them: admins; the agent the client is assigned to; for a client
//! assigned to nobody, an agent who owns or takes part in one of its conversations (the
//! desk's client panel shows such a client). Each call
//! goes into the client's change log, and counts in the desk report per user.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection; the rules
//! are `domain::calls`.

mod queries;
mod routes;

pub use queries::move_calls;
pub use routes::routes;
