//! Response and request bodies, as the contract spells them.

mod customer;

pub use customer::{CustomerBody, MessageBody, SessionBody, SuccessMessageBody};
