//! Auto-assignment: each site deals its new leads to chosen users in strict rotation, passing
//! by users who cannot take one now (disabled, at a limit, or not online when the site asks
//! for it); leads nobody can take wait in a queue dealt in arrival order when someone can.
//! Every assignment (automatic or manual) notifies the assignee in-app and by e-mail.
//!
//! Routing beyond the rotation, per site (`routing`, off until an admin sets a time): a
//! returning client's chat is offered to their agent first, and a chat or rotation lead
//! nobody answers moves on to the next user available (see `domain::routing`).
//!
//! `routes`: the settings' handlers and their OpenAPI; `queries`: the SQL, on a connection
//! (and [`next_assignee`] and [`announce`], which the lead writers call); `routing`: the
//! routing settings, the chat offer and the lead re-route pass (chats' own passes are in
//! `conversations::routing`); the rules are `domain::next_in_rotation`, `domain::routing`.

mod queries;
mod routes;
pub mod routing;

pub use queries::{
    announce, deal_all_waiting, deal_for_user, deal_waiting, enqueue, next_assignee, next_other, open_chats, Rerouted,
    Turn,
};
pub use routes::routes;
