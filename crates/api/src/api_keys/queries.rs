//! API key rows, always within one account (or found by their secret's hash).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{ApiKeyView, ApiScope};
use uuid::Uuid;

use crate::platform::db::schema::api_keys;
use crate::platform::error::ApiResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub secret_hash: String,
    pub scopes: Vec<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyRow {
    fn scopes(&self) -> Vec<ApiScope> {
        self.scopes.iter().filter_map(|s| ApiScope::parse(s)).collect()
    }

    pub fn view(&self) -> ApiKeyView {
        ApiKeyView {
            id: self.id,
            name: self.name.clone(),
            prefix: self.prefix.clone(),
            scopes: self.scopes(),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// The account's keys, newest first, revoked ones too.
pub fn list(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<ApiKeyRow>> {
    Ok(api_keys::table
        .filter(api_keys::account_id.eq(account_id))
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .select(ApiKeyRow::as_select())
        .load(conn)?)
}

pub fn insert(conn: &mut PgConnection, row: &ApiKeyRow) -> ApiResult<ApiKeyRow> {
    Ok(diesel::insert_into(api_keys::table).values(row).returning(ApiKeyRow::as_returning()).get_result(conn)?)
}

/// Revokes key `id` of the account (again: no change); 404 when it has no such key.
pub fn revoke(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<()> {
    let key = api_keys::table.filter(api_keys::account_id.eq(account_id)).filter(api_keys::id.eq(id));
    let revoked_at: Option<DateTime<Utc>> = key.select(api_keys::revoked_at).first(conn)?;
    if revoked_at.is_none() {
        diesel::update(key).set(api_keys::revoked_at.eq(Utc::now())).execute(conn)?;
    }
    Ok(())
}
