//! Mechanisms the features share. Nothing here imports a feature: features call down into
//! the platform, never the other way round (`docs/ARCHITECTURE.md`).

pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod blocks;
pub(crate) mod config;
pub(crate) mod db;
pub(crate) mod error;
pub(crate) mod events;
pub(crate) mod geoip;
pub(crate) mod http;
pub(crate) mod jobs;
pub(crate) mod mailer;
pub(crate) mod metrics;
pub(crate) mod positions;
pub(crate) mod rate_limits;
pub(crate) mod slots;
pub(crate) mod state;
pub(crate) mod storage;
pub(crate) mod telemetry;
pub(crate) mod webhooks;
