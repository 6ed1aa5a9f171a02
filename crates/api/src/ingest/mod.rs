//! Lead ingestion for integrations, forms and chatbots.
//!
//! One transaction per lead: idempotency claim, dedup by e-mail/phone, create or update,
//! transcript, auto-assignment and its notifications. A retried request with the same
//! `Idempotency-Key` gets the first response and changes nothing.
//!
//! `routes`: the handler, its credential and its OpenAPI; `queries`: the lead's
//! transaction; what a lead must be is `domain::ingest_rules`.

mod queries;
mod routes;

pub use routes::routes;
