//! Blocked visitors and addresses: the checks the widget's API, the desk and the visitors'
//! event streams share. A visitor is blocked by its token (`visitors.blocked_at`) or by its
//! address (`blocked_addresses`).

use diesel::prelude::*;
use uuid::Uuid;

use crate::platform::db::schema::{blocked_addresses, visitors};
use crate::platform::error::ApiResult;

/// Whether the visitor's token is blocked; `None` when there is no such visitor.
pub fn token_blocked(conn: &mut PgConnection, visitor_id: Uuid) -> ApiResult<Option<bool>> {
    Ok(visitors::table.find(visitor_id).select(visitors::blocked_at.is_not_null()).first(conn).optional()?)
}

/// Whether `ip` is blocked for `account_id`.
pub fn address_blocked(conn: &mut PgConnection, account_id: Uuid, ip: &str) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        blocked_addresses::table
            .filter(blocked_addresses::account_id.eq(account_id))
            .filter(blocked_addresses::ip.eq(ip)),
    ))
    .get_result(conn)?)
}
