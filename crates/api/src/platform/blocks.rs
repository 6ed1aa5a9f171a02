//! Blocked addresses: the one check the widget's API, the desk and the visitors' event streams
//! share (a visitor's own token can be blocked too; that is the `visitors` row's `blocked_at`).

use diesel::prelude::*;
use uuid::Uuid;

use crate::platform::db::schema::blocked_addresses;
use crate::platform::error::ApiResult;

/// Whether `ip` is blocked for `account_id`.
pub fn address_blocked(conn: &mut PgConnection, account_id: Uuid, ip: &str) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        blocked_addresses::table
            .filter(blocked_addresses::account_id.eq(account_id))
            .filter(blocked_addresses::ip.eq(ip)),
    ))
    .get_result(conn)?)
}
