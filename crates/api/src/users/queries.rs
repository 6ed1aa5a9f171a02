//! User and account rows. Every function that reads another user takes the caller's
//! account id, so a row of another account is indistinguishable from a missing one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{AccountView, Presence, Role, UserView};
use uuid::Uuid;

use crate::platform::db::schema::{accounts, users};
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::{self, Audience};
use crate::platform::http::extract::AuthUser;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub presence: String,
    pub max_open_chats: Option<i32>,
    pub max_new_leads_per_day: Option<i32>,
    pub sound_alerts: bool,
}

impl UserRow {
    pub fn new(account_id: Uuid, email: &str, name: &str, role: Role, password_hash: String) -> UserRow {
        let now = Utc::now();
        UserRow {
            id: Uuid::new_v4(),
            account_id,
            email: domain::normalize_email(email),
            name: name.trim().to_string(),
            role: role.as_str().to_string(),
            password_hash,
            disabled: false,
            created_at: now,
            updated_at: now,
            presence: domain::Presence::Offline.as_str().to_string(),
            max_open_chats: None,
            max_new_leads_per_day: None,
            sound_alerts: true,
        }
    }

    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Agent)
    }

    pub fn view(&self) -> UserView {
        UserView {
            id: self.id,
            account_id: self.account_id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role(),
            disabled: self.disabled,
            created_at: self.created_at,
            presence: domain::Presence::parse(&self.presence).unwrap_or(domain::Presence::Offline),
            max_open_chats: self.max_open_chats,
            max_new_leads_per_day: self.max_new_leads_per_day,
            sound_alerts: self.sound_alerts,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl AccountRow {
    pub fn view(&self) -> AccountView {
        AccountView { id: self.id, name: self.name.clone(), created_at: self.created_at }
    }
}

pub fn insert_account(conn: &mut PgConnection, name: &str) -> ApiResult<AccountRow> {
    let row = AccountRow { id: Uuid::new_v4(), name: name.trim().to_string(), created_at: Utc::now() };
    Ok(diesel::insert_into(accounts::table).values(&row).returning(AccountRow::as_returning()).get_result(conn)?)
}

pub fn get_account(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<AccountRow> {
    Ok(accounts::table.find(account_id).select(AccountRow::as_select()).first(conn)?)
}

/// Inserts a user; a taken e-mail is a 409 naming the `email` field.
pub fn insert_user(conn: &mut PgConnection, row: &UserRow) -> ApiResult<UserRow> {
    diesel::insert_into(users::table).values(row).returning(UserRow::as_returning()).get_result(conn).map_err(|e| {
        match ApiError::from(e) {
            ApiError::Conflict(..) => ApiError::conflict_on("email", "This e-mail is already in use."),
            other => other,
        }
    })
}

pub fn find_by_email(conn: &mut PgConnection, email: &str) -> ApiResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::email.eq(domain::normalize_email(email)))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get_user(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid) -> ApiResult<UserRow> {
    Ok(users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq(user_id))
        .select(UserRow::as_select())
        .first(conn)?)
}

/// Locks the row too, so concurrent edits of one user apply one after the other.
pub fn get_user_for_update(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid) -> ApiResult<UserRow> {
    Ok(users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq(user_id))
        .select(UserRow::as_select())
        .for_update()
        .first(conn)?)
}

/// The ids, sorted and without repeats; a 422 naming `field` unless each is a user of the
/// account (board and card members).
pub fn check_users(conn: &mut PgConnection, account_id: Uuid, ids: &[Uuid], field: &str) -> ApiResult<Vec<Uuid>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let found: i64 = users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::id.eq_any(&ids))
        .count()
        .get_result(conn)?;
    if found != ids.len() as i64 {
        return Err(ApiError::field(field, "unknown", "must all be users of this account"));
    }
    Ok(ids)
}

pub fn list_users(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<UserRow>> {
    Ok(users::table
        .filter(users::account_id.eq(account_id))
        .order((users::created_at.asc(), users::id.asc()))
        .select(UserRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<String>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub max_open_chats: Option<Option<i32>>,
    pub max_new_leads_per_day: Option<Option<i32>>,
}

pub fn update_user(
    conn: &mut PgConnection,
    account_id: Uuid,
    user_id: Uuid,
    changes: &UserChanges,
) -> ApiResult<UserRow> {
    Ok(diesel::update(users::table.filter(users::account_id.eq(account_id)).filter(users::id.eq(user_id)))
        .set(changes)
        .returning(UserRow::as_returning())
        .get_result(conn)?)
}

/// Records `lang` as the user's language (for their e-mails); no write when it already is.
pub fn set_lang(conn: &mut PgConnection, user_id: Uuid, lang: domain::i18n::Lang) -> ApiResult<usize> {
    Ok(diesel::update(users::table.find(user_id).filter(users::lang.ne(lang.code())))
        .set(users::lang.eq(lang.code()))
        .execute(conn)?)
}

pub fn delete_user(conn: &mut PgConnection, account_id: Uuid, user_id: Uuid) -> ApiResult<()> {
    let deleted = diesel::delete(users::table.filter(users::account_id.eq(account_id)).filter(users::id.eq(user_id)))
        .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// Turns the caller's sound alerts on or off.
pub fn set_sound_alerts(conn: &mut PgConnection, caller: &AuthUser, on: bool) -> ApiResult<UserRow> {
    Ok(diesel::update(users::table.find(caller.user_id))
        .set((users::sound_alerts.eq(on), users::updated_at.eq(Utc::now())))
        .returning(UserRow::as_returning())
        .get_result(conn)?)
}

/// Sets the caller's presence and tells the account (`presence.changed`).
pub fn set_presence(conn: &mut PgConnection, caller: &AuthUser, presence: Presence) -> ApiResult<UserRow> {
    let row: UserRow = diesel::update(users::table.find(caller.user_id))
        .set(users::presence.eq(presence.as_str()))
        .returning(UserRow::as_returning())
        .get_result(conn)?;
    events::record(
        conn,
        caller.account_id,
        Audience::everyone(),
        events::EventData::PresenceChanged(domain::events::PresenceChanged { user_id: caller.user_id, presence }),
    )?;
    Ok(row)
}
