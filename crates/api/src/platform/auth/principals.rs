//! The current role and state of a token's user, read from the database (briefly cached),
//! so that demoting, disabling or deleting a user takes effect on their next request on
//! every instance, not when their access token expires.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use domain::Role;
use uuid::Uuid;

use crate::platform::db::schema::users;
use crate::platform::db::Db;
use crate::platform::error::ApiResult;

/// What a request may do as this user now; `None` when the user is gone or disabled.
pub type Standing = Option<Role>;

pub struct Principals {
    ttl: Duration,
    entries: Mutex<HashMap<Uuid, (Instant, Standing)>>,
}

impl Principals {
    /// Entries are reused for `ttl`; zero reads the database on every request.
    pub fn new(ttl: Duration) -> Principals {
        Principals { ttl, entries: Mutex::new(HashMap::new()) }
    }

    pub async fn standing(&self, db: &Db, account_id: Uuid, user_id: Uuid) -> ApiResult<Standing> {
        if !self.ttl.is_zero() {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, standing)) = entries.get(&user_id) {
                if at.elapsed() < self.ttl {
                    return Ok(*standing);
                }
            }
        }
        let standing = db
            .run(move |conn| {
                let row: Option<(String, bool)> = users::table
                    .filter(users::account_id.eq(account_id))
                    .filter(users::id.eq(user_id))
                    .select((users::role, users::disabled))
                    .first(conn)
                    .optional()?;
                Ok(row.and_then(|(role, disabled)| if disabled { None } else { Role::parse(&role) }))
            })
            .await?;
        if !self.ttl.is_zero() {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if entries.len() > 100_000 {
                entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            }
            entries.insert(user_id, (Instant::now(), standing));
        }
        Ok(standing)
    }

    /// Forgets a user on this instance at once (the others within `ttl`).
    pub fn forget(&self, user_id: Uuid) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(&user_id);
    }
}
