//! The demo account that `make run` creates in an empty database.

use diesel::prelude::*;
use domain::Role;

use crate::auth::password::hash_password;
use crate::error::ApiResult;
use crate::schema::accounts;
use crate::sites::{insert_site, SiteRow};
use crate::users::queries::{insert_account, insert_user, UserRow};

pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.prospecta.dev";
pub const DEMO_PASSWORD: &str = "prospecta-demo";

/// Creates the demo account (an admin, two agents, two sites) when there is no account at
/// all. Returns whether it did.
pub fn seed_demo_if_empty(conn: &mut PgConnection) -> ApiResult<bool> {
    conn.transaction(|conn| {
        let existing: i64 = accounts::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(false);
        }
        let hash = hash_password(DEMO_PASSWORD)?;
        let account = insert_account(conn, "Prospecta Demo")?;
        for (email, name, role) in [
            (DEMO_ADMIN_EMAIL, "Demo Admin", Role::Admin),
            ("ana@demo.prospecta.dev", "Ana Souza", Role::Agent),
            ("bruno@demo.prospecta.dev", "Bruno Lima", Role::Agent),
        ] {
            insert_user(conn, &UserRow::new(account.id, email, name, role, hash.clone()))?;
        }
        insert_site(conn, &SiteRow::new(account.id, "Loja Centro", Some("https://centro.example.com".into())))?;
        insert_site(conn, &SiteRow::new(account.id, "Loja Online", Some("https://loja.example.com".into())))?;
        Ok(true)
    })
}
