//! Refresh tokens: stored hashed, single use, rotated within a family.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::tokens::{new_secret, sha256_hex};
use crate::error::{ApiError, ApiResult};
use crate::schema::{refresh_tokens, users};
use crate::users::queries::UserRow;

const REFRESH_PREFIX: &str = "rt_";

/// Stores a new refresh token for `user_id` in `family_id` and returns its secret.
pub fn issue(conn: &mut PgConnection, user_id: Uuid, family_id: Uuid, ttl_days: i64) -> ApiResult<String> {
    let (secret, hash) = new_secret(REFRESH_PREFIX);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Uuid::new_v4()),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::expires_at.eq(Utc::now() + Duration::days(ttl_days)),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// Spends `secret` and returns its user with a successor token.
///
/// A token that was already spent means someone else holds a copy: the whole family is
/// revoked so both holders must log in again. Run it inside a transaction. The outer error
/// rolls back; the inner one is a refusal whose revocations must be committed.
pub fn rotate(conn: &mut PgConnection, secret: &str, ttl_days: i64) -> ApiResult<Result<(UserRow, String), ApiError>> {
    let invalid = || ApiError::Unauthorized("The refresh token is not valid; log in again.".into());
    let found = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(sha256_hex(secret)))
        .select((
            refresh_tokens::id,
            refresh_tokens::user_id,
            refresh_tokens::family_id,
            refresh_tokens::expires_at,
            refresh_tokens::revoked_at,
        ))
        .for_update()
        .first::<(Uuid, Uuid, Uuid, chrono::DateTime<Utc>, Option<chrono::DateTime<Utc>>)>(conn)
        .optional()?;
    let Some((id, user_id, family_id, expires_at, revoked_at)) = found else {
        return Ok(Err(invalid()));
    };
    if revoked_at.is_some() {
        revoke_family(conn, family_id)?;
        tracing::warn!(%user_id, %family_id, "refresh token reused; family revoked");
        return Ok(Err(invalid()));
    }
    if expires_at <= Utc::now() {
        return Ok(Err(invalid()));
    }
    let user: UserRow = users::table.find(user_id).select(UserRow::as_select()).first(conn)?;
    if user.disabled {
        revoke_family(conn, family_id)?;
        return Ok(Err(ApiError::Unauthorized("This user is disabled.".into())));
    }
    diesel::update(refresh_tokens::table.find(id)).set(refresh_tokens::revoked_at.eq(Utc::now())).execute(conn)?;
    let successor = issue(conn, user_id, family_id, ttl_days)?;
    Ok(Ok((user, successor)))
}

/// Ends the session that `secret` belongs to. Unknown secrets are ignored: logout is idempotent.
pub fn revoke_by_secret(conn: &mut PgConnection, secret: &str) -> ApiResult<()> {
    let family = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(sha256_hex(secret)))
        .select(refresh_tokens::family_id)
        .first::<Uuid>(conn)
        .optional()?;
    if let Some(family_id) = family {
        revoke_family(conn, family_id)?;
    }
    Ok(())
}

fn revoke_family(conn: &mut PgConnection, family_id: Uuid) -> ApiResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)?;
    Ok(())
}

pub fn revoke_all_for_user(conn: &mut PgConnection, user_id: Uuid) -> ApiResult<()> {
    diesel::update(
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)?;
    Ok(())
}
