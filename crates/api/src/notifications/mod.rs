//! In-app notifications of the signed-in user.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection (and
//! [`notify`], which features call to tell a user something).

mod queries;
mod routes;

pub use queries::notify;
pub use routes::routes;
