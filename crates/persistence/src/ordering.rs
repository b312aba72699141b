//! The orders' tables: the store used inside transactions, and the read-side queries.

mod queries;
mod rows;
mod store;

pub use queries::PgOrderQueries;
pub(crate) use store::insert_event;
