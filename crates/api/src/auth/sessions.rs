//! Refresh tokens: stored hashed, single use, rotated within a family.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::platform::auth::tokens::{new_secret, sha256_hex};
use crate::platform::db::schema::{refresh_tokens, users};
use crate::platform::error::{ApiError, ApiResult};
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
/// revoked so both holders must log in again. Except within `grace` of its rotation while its
/// family is still live: every tab of a browser sends the same refresh cookie, so two tabs
/// whose access tokens expired together (after a laptop wakes, say) refresh at once and the
/// slower one presents the token the faster one has just spent. That one gets a successor
/// too. Run it inside a transaction. The outer error rolls back; the inner one is a refusal
/// whose revocations must be committed.
pub fn rotate(
    conn: &mut PgConnection,
    secret: &str,
    ttl_days: i64,
    grace: Duration,
) -> ApiResult<Result<(UserRow, String), ApiError>> {
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
    if let Some(revoked_at) = revoked_at {
        // A logout, a password change or a detected theft revoked the whole family: no grace.
        let concurrent = Utc::now() - revoked_at <= grace && family_is_live(conn, family_id)?;
        if !concurrent {
            revoke_family(conn, family_id)?;
            tracing::warn!(%user_id, %family_id, "refresh token reused; family revoked");
            return Ok(Err(invalid()));
        }
    }
    if expires_at <= Utc::now() {
        return Ok(Err(invalid()));
    }
    let user: UserRow = users::table.find(user_id).select(UserRow::as_select()).first(conn)?;
    if user.disabled {
        revoke_family(conn, family_id)?;
        return Ok(Err(ApiError::Unauthorized("This user is disabled.".into())));
    }
    // Spent when first used: a second use within the grace keeps the first time, so the grace
    // cannot be stretched by using the token again and again.
    diesel::update(refresh_tokens::table.find(id).filter(refresh_tokens::revoked_at.is_null()))
        .set(refresh_tokens::revoked_at.eq(Utc::now()))
        .execute(conn)?;
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

/// Whether the family still has a token that can be spent: its session was not ended.
fn family_is_live(conn: &mut PgConnection, family_id: Uuid) -> ApiResult<bool> {
    let live = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq(family_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(Utc::now()));
    Ok(diesel::select(diesel::dsl::exists(live)).get_result(conn)?)
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

/// Creates the user an e-mailed link stands for (sign-up confirmation, accepted invitation)
/// and opens their first session. An address that got an account since the link was sent is
/// a 422 on `token` saying `taken`, not a 409: the link is what became unusable.
pub fn create_user_from_link(
    conn: &mut diesel::PgConnection,
    row: &UserRow,
    refresh_ttl_days: i64,
    taken: &str,
) -> ApiResult<(UserRow, String)> {
    let user = crate::users::queries::insert_user(conn, row).map_err(|e| match e {
        ApiError::Conflict(..) => crate::platform::auth::tokens::invalid_link_token(taken),
        other => other,
    })?;
    let secret = issue(conn, user.id, Uuid::new_v4(), refresh_ttl_days)?;
    Ok((user, secret))
}
