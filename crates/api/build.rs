// Migrations are embedded with `embed_migrations!`; without this, adding a migration
// folder would not rebuild the binary and the new migration would silently not ship.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
