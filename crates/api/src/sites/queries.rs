//! Site rows, always within one account (or found by their public key).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::SiteView;
use uuid::Uuid;

use crate::platform::auth::tokens::new_secret;
use crate::platform::db::schema::sites;
use crate::platform::error::ApiResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub url: Option<String>,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub allowed_origins: Vec<String>,
}

impl SiteRow {
    pub fn new(account_id: Uuid, name: &str, url: Option<String>, allowed_origins: Vec<String>) -> SiteRow {
        let now = Utc::now();
        SiteRow {
            id: Uuid::new_v4(),
            account_id,
            name: name.trim().to_string(),
            url,
            public_key: new_public_key(),
            created_at: now,
            updated_at: now,
            allowed_origins,
        }
    }

    pub fn view(&self) -> SiteView {
        SiteView {
            id: self.id,
            name: self.name.clone(),
            url: self.url.clone(),
            public_key: self.public_key.clone(),
            allowed_origins: self.allowed_origins.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Public keys are not secrets (they sit in web pages), but they must not be guessable.
fn new_public_key() -> String {
    let (secret, _) = new_secret(domain::SITE_KEY_PREFIX);
    secret[..domain::SITE_KEY_PREFIX.len() + 24].to_string()
}

pub fn insert_site(conn: &mut PgConnection, row: &SiteRow) -> ApiResult<SiteRow> {
    Ok(diesel::insert_into(sites::table).values(row).returning(SiteRow::as_returning()).get_result(conn)?)
}

/// Site `id` of the account.
fn scoped(account_id: Uuid, id: Uuid) -> sites::BoxedQuery<'static, diesel::pg::Pg> {
    sites::table.filter(sites::account_id.eq(account_id)).filter(sites::id.eq(id)).into_boxed()
}

/// The site with this public key, in whatever account owns it (for public ingestion).
pub fn find_by_public_key(conn: &mut PgConnection, public_key: &str) -> ApiResult<Option<SiteRow>> {
    Ok(sites::table.filter(sites::public_key.eq(public_key)).select(SiteRow::as_select()).first(conn).optional()?)
}

#[derive(AsChangeset)]
#[diesel(table_name = sites)]
pub struct SiteChanges {
    pub name: Option<String>,
    pub url: Option<Option<String>>,
    pub allowed_origins: Option<Vec<String>>,
    pub updated_at: DateTime<Utc>,
}

/// Origins in the given order, each once.
/// Origins in their order, each once.
pub fn dedup(origins: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(origins.len());
    for origin in origins {
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    out
}

/// The account's sites, oldest first.
pub fn list(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<SiteRow>> {
    Ok(sites::table
        .filter(sites::account_id.eq(account_id))
        .order((sites::created_at.asc(), sites::id.asc()))
        .select(SiteRow::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<SiteRow> {
    Ok(scoped(account_id, id).select(SiteRow::as_select()).first(conn)?)
}

pub fn update(conn: &mut PgConnection, account_id: Uuid, id: Uuid, changes: &SiteChanges) -> ApiResult<SiteRow> {
    Ok(diesel::update(sites::table.filter(sites::account_id.eq(account_id)).filter(sites::id.eq(id)))
        .set(changes)
        .returning(SiteRow::as_returning())
        .get_result(conn)?)
}

/// Gives site `id` a new public key; the old one stops working at once.
pub fn rotate_key(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<SiteRow> {
    Ok(diesel::update(sites::table.filter(sites::account_id.eq(account_id)).filter(sites::id.eq(id)))
        .set((sites::public_key.eq(new_public_key()), sites::updated_at.eq(Utc::now())))
        .returning(SiteRow::as_returning())
        .get_result(conn)?)
}

/// Removes site `id`; how many rows went (0: none of this account's).
pub fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> ApiResult<usize> {
    Ok(diesel::delete(sites::table.filter(sites::account_id.eq(account_id)).filter(sites::id.eq(id))).execute(conn)?)
}
