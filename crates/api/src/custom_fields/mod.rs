//! Custom contact fields: admins define them; every write of contact values is checked.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection (and
//! [`check_values`], which the contact writers call).

mod queries;
mod routes;

pub use queries::{check_values, list};
pub use routes::routes;
