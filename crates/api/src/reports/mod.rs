//! Reports for managers (admins see the account, agents their own figures): leads in by
//! source, medium, channel and site with the status funnel and speed of first action, and
//! sales closed per month and agent.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the SQL, each breakdown one grouped
//! scan of the period and the one before. Periods, buckets and percent change are
//! `domain::reports`.

mod queries;
mod routes;

pub use routes::routes;
