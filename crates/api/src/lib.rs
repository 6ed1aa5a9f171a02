//! Prospecta API server.
//!
//! Two kinds of room (`docs/ARCHITECTURE.md` draws them): `platform` holds the mechanisms
//! every feature uses (HTTP, database, events, jobs, storage…) and imports no feature; each
//! other folder is one feature, which registers its own routes. `server` and `openapi` put
//! them together. Conventions (paths, errors, auth, tenancy, tests) are in `docs/API.md`.

pub(crate) mod platform;

pub(crate) mod api_keys;
pub(crate) mod assignment;
pub(crate) mod auth;
pub(crate) mod boards;
pub(crate) mod calls;
pub(crate) mod canned_responses;
pub(crate) mod cards;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod custom_fields;
pub(crate) mod ingest;
pub(crate) mod invitations;
pub(crate) mod notifications;
pub mod openapi;
pub(crate) mod reports;
pub mod seed;
mod server;
pub(crate) mod sites;
pub(crate) mod sla;
pub(crate) mod tasks;
pub(crate) mod users;
pub(crate) mod visitor;
pub(crate) mod webhooks;
pub(crate) mod widget;

// The public surface: what `main`, the integration tests and the benches use. Everything
// else is crate-private, so rustc reports what nothing calls.
pub use platform::config::Config;
pub use platform::db::Db;
pub use platform::state::AppState;
pub use server::{build_server, build_server_with_metrics, configure_api, migrate, prepare_database, Running, Stopper};

pub mod db {
    pub use crate::platform::db::{budget, run_migrations, MIGRATIONS};
}
pub mod error {
    pub use crate::platform::error::ApiError;
}
pub mod janitor {
    pub use crate::platform::jobs::janitor::sweep;
}
pub mod mailer {
    pub use crate::platform::mailer::{unsent, MailConfig};
}
pub mod telemetry {
    pub use crate::platform::telemetry::init_tracing;
}
pub mod counters {
    pub use crate::contacts::counters::compact;
}
pub mod due_tasks {
    pub use crate::tasks::due::notify_due;
}
pub mod routing_watch {
    pub use crate::conversations::routing::watch;
}
pub mod sla_watch {
    pub use crate::sla::watch;
}
