//! What every request handler reaches through `web::Data<AppState>`.

use std::sync::Arc;

use crate::platform::auth::keys::KeyCache;
use crate::platform::auth::principals::Principals;
use crate::platform::auth::tokens::TokenService;
use crate::platform::config::Config;
use crate::platform::db::reads::ReadPool;
use crate::platform::db::replica::LaggingReads;
use crate::platform::db::Db;
use crate::platform::events::stream::Realtime;
use crate::platform::geoip::GeoIp;
use crate::platform::rate_limits::RateLimits;
use crate::platform::slots::AccountSlots;
use crate::platform::storage::Storage;

/// Shared by every worker.
pub struct AppState {
    pub db: Db,
    /// Hot reads on the worker's own thread (`reads`): the contact list.
    pub reads: ReadPool,
    /// Reads that tolerate lag (export, reports): standbys when configured, else the primary.
    pub lagging: LaggingReads,
    pub config: Arc<Config>,
    pub tokens: TokenService,
    /// Users' current role and state, checked on every authenticated request.
    pub principals: Principals,
    /// Live API keys, briefly cached like users.
    pub api_keys: KeyCache,
    /// Running CSV exports per account.
    pub export_slots: AccountSlots,
    pub rate_limits: RateLimits,
    pub realtime: Realtime,
    /// Attachments' bytes.
    pub storage: Storage,
    /// Approximate locations of client addresses (`GEOIP_DB`).
    pub geoip: GeoIp,
}
