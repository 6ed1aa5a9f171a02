//! Integration API keys: created by admins, shown once, stored hashed, scoped, revocable.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection; `caller`:
//! the extractor for a request made with a key.

mod caller;
mod queries;
mod routes;

pub use queries::caller_for_secret;
pub use routes::routes;
