//! Invitation rows, always within one account (or found by their token's hash).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::{InvitationView, InviteUserRequest, Role};
use uuid::Uuid;

use crate::platform::db::schema::{accounts, invitations, users};
use crate::platform::error::ApiResult;

#[derive(Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: String,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl InvitationRow {
    pub fn view(&self) -> InvitationView {
        InvitationView {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Agent),
            invited_by: self.invited_by,
            expires_at: self.expires_at,
            created_at: self.created_at,
        }
    }
}

/// How long an invitation's link works.
pub const INVITATION_TTL_DAYS: i64 = 7;

/// The account's invitations not yet accepted, newest first.
pub fn open(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<InvitationRow>> {
    Ok(invitations::table
        .filter(invitations::account_id.eq(account_id))
        .filter(invitations::accepted_at.is_null())
        .order((invitations::created_at.desc(), invitations::id))
        .select(InvitationRow::as_select())
        .load(conn)?)
}

/// The account's name and its user `user_id`'s (the inviter's, for the e-mail).
pub fn account_and_user_names(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid) -> ApiResult<(String, String)> {
    Ok(accounts::table
        .find(account_id)
        .inner_join(users::table)
        .filter(users::id.eq(user_id))
        .select((accounts::name, users::name))
        .first(conn)?)
}

/// A new invitation of `email`, replacing the account's open one to that address (its link
/// stops working), valid for `INVITATION_TTL_DAYS`.
pub fn replace_open(
    conn: &mut PgConnection,
    account_id: Uuid,
    invited_by: Uuid,
    email: &str,
    req: &InviteUserRequest,
    token_hash: String,
) -> ApiResult<InvitationRow> {
    diesel::delete(
        invitations::table
            .filter(invitations::account_id.eq(account_id))
            .filter(invitations::email.eq(email))
            .filter(invitations::accepted_at.is_null()),
    )
    .execute(conn)?;
    Ok(diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(Uuid::new_v4()),
            invitations::account_id.eq(account_id),
            invitations::email.eq(email),
            invitations::name.eq(req.name.trim()),
            invitations::role.eq(req.role.as_str()),
            invitations::invited_by.eq(invited_by),
            invitations::token_hash.eq(token_hash),
            invitations::expires_at.eq(Utc::now() + Duration::days(INVITATION_TTL_DAYS)),
        ))
        .returning(InvitationRow::as_returning())
        .get_result(conn)?)
}

/// Removes open invitation `id`; how many rows went (0: none open in this account).
pub fn revoke(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<usize> {
    Ok(diesel::delete(
        invitations::table
            .filter(invitations::account_id.eq(account_id))
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null()),
    )
    .execute(conn)?)
}

/// Marks the open, unexpired invitation with `token_hash` accepted (under a lock on its row);
/// its account, e-mail, name and role, or `None` when there is none.
pub fn accept(conn: &mut PgConnection, token_hash: &str) -> ApiResult<Option<(Uuid, String, String, String)>> {
    let open: Option<(Uuid, Uuid, String, String, String)> = invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(Utc::now()))
        .select((invitations::id, invitations::account_id, invitations::email, invitations::name, invitations::role))
        .for_update()
        .first(conn)
        .optional()?;
    let Some((id, account_id, email, name, role)) = open else {
        return Ok(None);
    };
    diesel::update(invitations::table.find(id)).set(invitations::accepted_at.eq(Utc::now())).execute(conn)?;
    Ok(Some((account_id, email, name, role)))
}
