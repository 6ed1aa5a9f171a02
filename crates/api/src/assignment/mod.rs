//! Auto-assignment: each site deals its new leads to chosen users in strict rotation, and
//! every assignment (automatic or manual) notifies the assignee in-app and by e-mail.
//!
//! `routes`: the settings' handlers and their OpenAPI; `queries`: the SQL, on a connection
//! (and [`next_assignee`] and [`announce`], which the lead writers call); the rotation's
//! rules are `domain::next_in_rotation` and friends.

mod queries;
mod routes;

pub use queries::{announce, next_assignee};
pub use routes::routes;
