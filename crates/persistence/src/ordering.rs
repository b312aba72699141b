//! The orders' tables: the store used inside transactions, and the read-side queries.

mod queries;
mod rows;
mod store;
mod turns;

pub use queries::PgOrderQueries;
pub(crate) use store::insert_event;
