//! Canned response rows, always within one account.

use diesel::prelude::*;
use domain::{CannedResponse, CreateCannedResponse};
use uuid::Uuid;

use crate::platform::db::schema::canned_responses;
use crate::platform::error::{ApiError, ApiResult};

/// The account's canned responses, by shortcut.
pub fn list(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<CannedResponse>> {
    let rows: Vec<(Uuid, String, String)> = canned_responses::table
        .filter(canned_responses::account_id.eq(account_id))
        .order(canned_responses::shortcut)
        .select((canned_responses::id, canned_responses::shortcut, canned_responses::body))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, shortcut, body)| CannedResponse { id, shortcut, body }).collect())
}

/// Adds one; 409 naming `shortcut` when the account has it already.
pub fn create(conn: &mut PgConnection, account_id: Uuid, new: CreateCannedResponse) -> ApiResult<CannedResponse> {
    let id = Uuid::new_v4();
    diesel::insert_into(canned_responses::table)
        .values((
            canned_responses::id.eq(id),
            canned_responses::account_id.eq(account_id),
            canned_responses::shortcut.eq(&new.shortcut),
            canned_responses::body.eq(&new.body),
        ))
        .execute(conn)
        .map_err(|err| match ApiError::from(err) {
            ApiError::Conflict(..) => ApiError::conflict_on("shortcut", "Another canned response has this shortcut."),
            other => other,
        })?;
    Ok(CannedResponse { id, shortcut: new.shortcut, body: new.body })
}

/// Removes one; how many rows went (0: none of this account's).
pub fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<usize> {
    Ok(diesel::delete(
        canned_responses::table.filter(canned_responses::account_id.eq(account_id)).filter(canned_responses::id.eq(id)),
    )
    .execute(conn)?)
}
