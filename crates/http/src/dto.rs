//! Response and request bodies, as the contract spells them.

mod catalogue;
mod customer;
mod orders;

pub use catalogue::{AveragePriceBody, CategoryBody, CategoryTreeNodeBody, ProductBody};
pub use customer::{CustomerBody, MessageBody, SessionBody, SuccessMessageBody};
pub use orders::{OrderBody, OrderEventBody, OrderStatisticsBody};
