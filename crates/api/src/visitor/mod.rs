//! The chat widget's API: public, for browsers on a customer's site.
//!
//! A caller shows the site's public key (`X-Site-Key`) and, after starting a chat, the
//! visitor token it was given (`X-Visitor-Token`): random, stored only as a hash, bound to
//! one site. The rules for public callers hold: answers reveal nothing about existing
//! clients, messages are the visitor's with the server's time, starts are rate-limited per
//! site key and client address and messages per visitor, blocked visitors and addresses get
//! 403. CORS for these paths is in `crate::platform::http::cors`.

//!
//! `routes`: the handlers, the widget's credentials (`VisitorHeaders`) and their OpenAPI;
//! `queries`: the SQL, on a connection.

mod queries;
mod routes;

pub use routes::routes;
