#![doc = include_str!("../README.md")]
// Every public item says what it is and the rule it guards; a new one without docs shows up at once.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod catalogue;
pub mod identity;
mod named_values;
pub mod notifications;
pub mod ordering;
pub mod text;
pub mod webhooks;

#[cfg(feature = "serde")]
mod serde_impls;
