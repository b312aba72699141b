//! The application's test doubles and fixtures, in one place for every area's tests: a unit of work over mocked
//! stores, accounts and clocks, categories and products, orders.

mod catalogue;
mod identity;
mod ordering;
mod unit_of_work;

pub(crate) use catalogue::*;
pub(crate) use identity::*;
pub(crate) use ordering::*;
pub(crate) use unit_of_work::*;
