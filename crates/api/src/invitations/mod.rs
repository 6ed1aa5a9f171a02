//! Invitations: how admins add users. The invitee gets a link by e-mail and chooses their
//! own password; the user exists from then on. Inviting an address that signs in to another
//! account looks exactly like inviting a new one (only the address's owner is told, by
//! e-mail), so an admin cannot probe which addresses other accounts use.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection.

mod queries;
mod routes;

pub use routes::routes;
