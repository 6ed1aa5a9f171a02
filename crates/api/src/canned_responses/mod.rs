//! Canned responses: account-level saved replies for the desk's reply box (`/shortcut`).
//! Every user reads them; admins add and remove them.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection.

mod queries;
mod routes;

pub use routes::routes;
