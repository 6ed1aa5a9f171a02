//! API integration tests: each test gets its own server and its own database, copied
//! from a migrated template. Needs `TEST_DATABASE_URL` (a server's maintenance database,
//! e.g. postgres://postgres@127.0.0.1:55433/postgres); `make test-api` provides one.

mod api_keys;
mod assignment;
mod attachments;
mod auth;
mod base_card;
mod board_fields;
mod boards;
mod cards;
mod chat_helpers;
mod contacts;
mod cors;
mod csv;
mod custom_fields;
mod desk_settings;
mod errors;
mod fairness;
mod helpers;
mod ingest;
mod isolation;
mod key_scopes;
mod live_chat;
mod lock_order;
mod login_throttle;
mod mail;
mod metrics;
mod migrations;
mod openapi;
mod password_reset;
mod positions;
mod public_edge;
mod public_ingest;
mod rate_limits;
mod reads;
mod realtime;
mod reports;
mod roles_at_once;
mod signup_and_invitations;
mod sites;
mod static_files;
mod streams;
mod tasks;
mod users;
mod webhooks;
mod widget;
