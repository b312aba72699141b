//! Orders: the lifecycle and its stock effects, order lines and totals, order numbers, and what an order's
//! owner may see of its history.

mod history;
mod lifecycle;
mod lines;
mod number;
mod order;

pub use history::{
    delivery_note, EventType, OrderEvent, OrderEventKind, UnknownEventType, STAFF_ACTOR,
    SYSTEM_ACTOR,
};
pub use lifecycle::{Actor, IllegalTransition, OrderStatus, StockEffect, UnknownOrderStatus};
pub use lines::{merge_lines, LineError, OrderLine, RequestedLine, MAX_LINES, MAX_QUANTITY};
pub use number::OrderNumber;
pub use order::{
    CancelRefusal, DeliveryDetails, DetailsChange, DetailsLocked, NewOrder, Order, OrderId,
    OrderItem, OrderItemId, Payment, PaymentRefusal, StatusChange, StoredOrder,
};
