//! Use cases of orders: placing one, moving it through its lifecycle, and reading orders and their history.

mod browse;
mod change;
mod errors;
mod place;

pub use browse::BrowseOrders;
pub use change::{ChangeOrders, DetailsInput, StatusInput};
pub use errors::{BrowseOrdersError, ChangeOrderError, PlaceOrderError};
pub use place::{ItemInput, PlaceOrder, PlaceOrderInput, Placement};
