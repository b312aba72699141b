//! Orders: the lifecycle and its stock effects, order lines and totals, order numbers.

mod lifecycle;
mod lines;
mod number;
mod order;

pub use lifecycle::{Actor, IllegalTransition, OrderStatus, StockEffect, UnknownOrderStatus};
pub use lines::{merge_lines, LineError, OrderLine, RequestedLine, MAX_LINES, MAX_QUANTITY};
pub use number::OrderNumber;
pub use order::{Order, OrderId, OrderItem, OrderItemId};
