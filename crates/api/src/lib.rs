//! Prospecta API server.
//!
//! Two kinds of room (`docs/ARCHITECTURE.md` draws them): `platform` holds the mechanisms
//! every feature uses (HTTP, database, events, jobs, storage…) and imports no feature; each
//! other folder is one feature, which registers its own routes. `server` and `openapi` put
//! them together. Conventions (paths, errors, auth, tenancy, tests) are in `docs/API.md`.

pub mod platform;

pub(crate) mod api_keys;
pub(crate) mod assignment;
pub(crate) mod auth;
pub(crate) mod boards;
pub(crate) mod canned_responses;
pub(crate) mod cards;
pub mod contacts;
pub(crate) mod conversations;
pub(crate) mod custom_fields;
pub(crate) mod ingest;
pub(crate) mod invitations;
pub(crate) mod notifications;
pub mod openapi;
pub mod seed;
mod server;
pub(crate) mod sites;
pub mod tasks;
pub(crate) mod users;
pub(crate) mod visitor;
pub(crate) mod widget;

// What `main`, the tests and the benches use.
pub use platform::config::{self, Config};
pub use platform::db::{self, Db};
pub use platform::jobs::janitor;
pub use platform::state::AppState;
pub use platform::{error, mailer, telemetry};
pub use server::{build_server, build_server_with_metrics, configure_api, migrate, Running, Stopper};
