//! Integration API keys: created by admins, shown once, stored hashed, scoped, revocable.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection. A request
//! made with a key is authenticated in `platform::auth::keys`.

mod queries;
mod routes;

pub use routes::routes;
