//! The migrations are embedded in the crate (`embed_migrations!`), which notices edits to the files it embeds but
//! not a new migration's directory: rebuild whenever anything under `migrations/` changes.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
