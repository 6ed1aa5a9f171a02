//! Users of an account: everyone may list them; only admins change or delete them (and add
//! them, by invitation: see `invitations`).
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection (the user
//! and account rows other features read too).

pub mod queries;
mod routes;

pub use routes::routes;
