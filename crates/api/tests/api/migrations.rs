//! Migrations apply, revert completely through their down.sql, and apply again; the demo
//! seed fills an empty database exactly once.

use diesel::{Connection, PgConnection, RunQueryDsl};
use diesel_migrations::MigrationHarness;

use crate::helpers::TestApp;

#[tokio::test]
async fn every_migration_reverts_and_reapplies() {
    let app = TestApp::spawn().await;
    let mut conn = PgConnection::establish(&app.database_url).unwrap();
    conn.revert_all_migrations(api::db::MIGRATIONS).expect("down.sql files revert");
    let left = app.count(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations'",
    );
    assert_eq!(left, 0, "down.sql leaves no table behind");
    assert!(api::db::run_migrations(&mut conn).unwrap() > 0);
    assert_eq!(app.count("SELECT count(*) FROM accounts"), 0);
}

#[tokio::test]
async fn the_demo_seed_fills_an_empty_database_once() {
    let app = TestApp::spawn().await;
    let mut conn = PgConnection::establish(&app.database_url).unwrap();
    assert!(api::seed::seed_demo_if_empty(&mut conn).unwrap());
    assert!(!api::seed::seed_demo_if_empty(&mut conn).unwrap(), "a second run changes nothing");
    assert_eq!(app.count("SELECT count(*) FROM users WHERE role = 'admin'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM users WHERE role = 'agent'"), 2);
    assert_eq!(app.count("SELECT count(*) FROM sites"), 2);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 12);
    assert_eq!(app.count("SELECT count(*) FROM conversations"), 4);
    assert_eq!(app.count("SELECT count(*) FROM sites WHERE auto_assign_enabled"), 1);
    app.login_ok_with(api::seed::DEMO_ADMIN_EMAIL, api::seed::DEMO_PASSWORD).await;

    // Any existing account, not only the demo one, keeps the seed away.
    diesel::sql_query("DELETE FROM accounts").execute(&mut conn).unwrap();
    app.signup("Real customer", "owner@real.test").await;
    assert!(!api::seed::seed_demo_if_empty(&mut conn).unwrap());
}
