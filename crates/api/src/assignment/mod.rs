//! Auto-assignment: each site deals its new leads to chosen users in strict rotation, passing
//! by users who cannot take one now (disabled, at a limit, or not online when the site asks
//! for it); leads nobody can take wait in a queue dealt in arrival order when someone can.
//! Every assignment (automatic or manual) notifies the assignee in-app and by e-mail.
//!
//! `routes`: the settings' handlers and their OpenAPI; `queries`: the SQL, on a connection
//! (and [`next_assignee`] and [`announce`], which the lead writers call); the rotation's
//! rules are `domain::next_in_rotation` and friends.

mod queries;
mod routes;

pub use queries::{announce, deal_all_waiting, deal_for_user, deal_waiting, enqueue, next_assignee, Turn};
pub use routes::routes;
