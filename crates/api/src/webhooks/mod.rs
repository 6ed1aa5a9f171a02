//! Webhook subscriptions: an account's endpoints, their secrets, test events, delivery log
//! and redelivery. Admins, or API keys with `webhooks:manage`.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection. What is
//! sent and how lives in `platform::webhooks`.

mod queries;
mod routes;

pub use routes::routes;
