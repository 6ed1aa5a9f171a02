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

/// (table, column) -> diesel type, and each table's primary key.
type Tables = std::collections::BTreeMap<String, (std::collections::BTreeMap<String, String>, Vec<String>)>;

/// Tables the code reaches only through SQL text.
const SQL_ONLY: &[&str] = &[
    "__diesel_schema_migrations",
    // Written by the tab-count triggers and folded by their SQL functions.
    "contact_count_deltas",
    // One row, read and moved by `platform::events::trim` in SQL.
    "event_retention",
];
/// Columns only SQL text reads (a generated search vector diesel has no type for).
const SQL_ONLY_COLUMNS: &[(&str, &str)] = &[("messages", "search")];

/// `schema.rs` is written by hand (it names only what the code uses of some tables' SQL-only
/// helpers); this is its drift check, what `diesel print-schema` would show: every table it
/// declares has exactly the migrated columns, types, nullability and primary key, and every
/// other table is one the code reaches only through SQL, listed here on purpose.
#[tokio::test]
async fn schema_rs_matches_the_migrated_database() {
    let app = TestApp::spawn().await;
    let mut conn = PgConnection::establish(&app.database_url).unwrap();
    let database = migrated_tables(&mut conn);
    let declared = declared_tables(include_str!("../../src/platform/db/schema.rs"));
    for (name, (cols, key)) in &declared {
        let (db_cols, db_key) =
            database.get(name).unwrap_or_else(|| panic!("schema.rs declares {name}, no migration makes it"));
        assert_eq!(cols, db_cols, "table {name}: schema.rs (left) against the migrated database (right)");
        let (mut key, mut db_key) = (key.clone(), db_key.clone());
        key.sort();
        db_key.sort();
        assert_eq!(key, db_key, "table {name}: primary key");
    }
    let undeclared: std::collections::BTreeSet<&str> =
        database.keys().map(String::as_str).filter(|t| !declared.contains_key(*t)).collect();
    assert_eq!(
        undeclared,
        SQL_ONLY.iter().copied().collect(),
        "tables migrations make that schema.rs does not declare"
    );
}

/// The migrated database's tables, with diesel's names for their column types.
fn migrated_tables(conn: &mut PgConnection) -> Tables {
    #[derive(diesel::QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        udt_name: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        nullable: bool,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        primary: bool,
    }
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT c.table_name::text, c.column_name::text, c.udt_name::text, c.is_nullable = 'YES' AS nullable, \
                EXISTS (SELECT 1 FROM information_schema.table_constraints t \
                        JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name) \
                        WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name \
                          AND k.column_name = c.column_name) AS primary \
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name) \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .load(conn)
    .unwrap();
    let mut tables = Tables::new();
    for c in columns {
        if SQL_ONLY_COLUMNS.contains(&(c.table_name.as_str(), c.column_name.as_str())) {
            continue;
        }
        let base = diesel_type(c.udt_name.trim_start_matches('_'))
            .unwrap_or_else(|| panic!("{}.{}: no diesel type mapped for {}", c.table_name, c.column_name, c.udt_name));
        let ty = if c.udt_name.starts_with('_') { format!("Array<{base}>") } else { base.to_string() };
        let ty = if c.nullable { format!("Nullable<{ty}>") } else { ty };
        let table = tables.entry(c.table_name).or_default();
        if c.primary {
            table.1.push(c.column_name.clone());
        }
        table.0.insert(c.column_name, ty);
    }
    tables
}

fn diesel_type(udt: &str) -> Option<&'static str> {
    Some(match udt {
        "uuid" => "Uuid",
        "text" | "varchar" => "Text",
        "int2" => "Int2",
        "int4" => "Int4",
        "int8" => "Int8",
        "bool" => "Bool",
        "timestamptz" => "Timestamptz",
        "timestamp" => "Timestamp",
        "tsvector" => "Tsvector",
        "date" => "Date",
        "jsonb" => "Jsonb",
        "numeric" => "Numeric",
        "bytea" => "Bytea",
        "float8" => "Float8",
        _ => return None,
    })
}

/// The `table!` blocks of schema.rs, with type aliases written as the database names them.
fn declared_tables(source: &str) -> Tables {
    let mut tables = Tables::new();
    for block in source.split("diesel::table! {").skip(1) {
        let head = block.trim_start().lines().next().unwrap();
        let (name, key) = head.split_once(" (").unwrap();
        let key = key.split(')').next().unwrap().split(',').map(|k| k.trim().to_string()).collect();
        let mut cols = std::collections::BTreeMap::new();
        for line in block.trim_start().lines().skip(1).map(str::trim).take_while(|l| *l != "}") {
            let (col, ty) = line.trim_end_matches(',').split_once(" -> ").unwrap_or_else(|| panic!("{name}: {line}"));
            let ty = ty.replace("BigInt", "Int8").replace("SmallInt", "Int2").replace("Integer", "Int4");
            cols.insert(col.trim().to_string(), ty.replace(' ', ""));
        }
        tables.insert(name.trim().to_string(), (cols, key));
    }
    tables
}

/// Instances started together all migrate at start: one applies, the others wait for its
/// advisory lock and find nothing left, and every start succeeds.
#[tokio::test]
async fn instances_starting_at_once_migrate_once() {
    let app = TestApp::spawn().await;
    let empty = format!("{}_empty", app.database_url.rsplit_once('/').unwrap().1);
    app.conn_exec(&format!("CREATE DATABASE {empty}"));
    let url = format!("{}/{empty}", app.database_url.rsplit_once('/').unwrap().0);
    let starts: Vec<_> = (0..6)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || api::migrate(&url))
        })
        .collect();
    let applied: Vec<usize> = starts.into_iter().map(|s| s.join().unwrap().expect("every start migrates")).collect();
    let mut conn = PgConnection::establish(&url).unwrap();
    let total = conn.applied_migrations().unwrap().len();
    assert_eq!(applied.iter().sum::<usize>(), total, "each migration applied by one instance only: {applied:?}");
    assert_eq!(applied.iter().filter(|n| **n > 0).count(), 1, "one instance did the work: {applied:?}");
    drop(conn);
    app.conn_exec(&format!("DROP DATABASE {empty} WITH (FORCE)"));
}

/// A start whose pools could open more connections than the database lets its role open is
/// refused, naming the settings; within the limit it starts.
#[tokio::test]
async fn a_connection_budget_over_the_databases_limit_stops_the_start() {
    let app = TestApp::spawn().await;
    let role = format!("budget_{}", uuid::Uuid::new_v4().simple());
    let db = app.database_url.rsplit_once('/').unwrap().1.to_string();
    app.conn_exec(&format!("CREATE ROLE {role} LOGIN CONNECTION LIMIT 12"));
    app.conn_exec(&format!("GRANT ALL ON DATABASE {db} TO {role}"));
    // Migrating reads and (when missing) creates diesel's bookkeeping table.
    app.conn_exec(&format!("GRANT ALL ON SCHEMA public TO {role}"));
    app.conn_exec(&format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"));
    let url = app.database_url.replacen("postgres@", &format!("{role}@"), 1);
    assert_ne!(url, app.database_url, "the test database URL names the postgres role");

    let mut config = api::Config::for_database(url.clone());
    let mut conn = PgConnection::establish(&url).unwrap();
    let allowed = api::db::budget::allowed(&mut conn).unwrap();
    assert_eq!((allowed.connections, allowed.reason.as_str()), (12, "the role's CONNECTION LIMIT"));
    drop(conn);

    (config.db_pool_size, config.workers, config.read_pool_per_worker) = (8, 2, 2);
    let refused = api::prepare_database(&config).unwrap_err().to_string();
    assert!(refused.contains("13 PostgreSQL connections"), "{refused}");
    assert!(refused.contains("DB_POOL_SIZE 8") && refused.contains("allows 12"), "{refused}");
    config.read_pool_per_worker = 1;
    api::prepare_database(&config).expect("11 connections fit in 12");
    app.conn_exec(&format!("DROP OWNED BY {role}"));
    app.conn_exec(&format!("DROP ROLE {role}"));
}
