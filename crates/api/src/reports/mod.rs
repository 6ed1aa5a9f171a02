//! Reports for managers (admins see the account, agents their own figures): leads in by
//! source, medium, channel and site with the status funnel and speed of first action, and
//! sales closed per month and agent, the desk's chats (volume by hour and weekday, wait
//! and first response, missed chats, per operator), and the boards' pipelines.
//!
//! `routes`: the handlers and their OpenAPI; `queries`: the leads and sales SQL, each
//! breakdown one grouped scan of the period and the one before; `desk` and `pipelines`:
//! those reports' SQL. Periods, buckets and percent change are `domain::reports`.

mod desk;
mod pipelines;
mod queries;
mod routes;

pub use routes::routes;
