//! Sites: the account's websites, each with a public key for widgets and forms.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, on a connection (and the
//! lookups by public key that the visitor edge and ingest use).

mod queries;
mod routes;

pub use queries::{find_by_public_key, insert_site, SiteRow};
pub use routes::routes;
