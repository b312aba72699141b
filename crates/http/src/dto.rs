//! Response and request bodies, as the contract spells them.

mod catalogue;
mod customer;

pub use catalogue::{AveragePriceBody, CategoryBody, CategoryTreeNodeBody, ProductBody};
pub use customer::{CustomerBody, MessageBody, SessionBody, SuccessMessageBody};
