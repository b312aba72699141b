//! The order lifecycle as an explicit table: which moves exist, who may make them, and what each does to stock.

use crate::named_values::named_values;

/// Where an order stands. Stock is taken when the order is placed; only a cancel, or a refund with restock, gives
/// it back.
///
/// The moves, and who may make them ([`OrderStatus::transition`]):
///
/// | from         | to           | who                                   | stock                         |
/// |--------------|--------------|---------------------------------------|-------------------------------|
/// | `pending`    | `confirmed`  | staff                                 | —                             |
/// | `confirmed`  | `processing` | staff                                 | —                             |
/// | `processing` | `shipped`    | staff                                 | —                             |
/// | `shipped`    | `delivered`  | staff                                 | —                             |
/// | `pending`, `confirmed`  | `cancelled` | staff or the owner         | returned                      |
/// | `processing` | `cancelled`  | staff                                 | returned                      |
/// | `delivered`  | `refunded`   | staff                                 | returned only with `restock`  |
///
/// Every other move, staying put included, is refused.
///
/// ```
/// use orderflow_domain::ordering::{Actor, IllegalTransition, OrderStatus, StockEffect};
///
/// // Moving along the lifecycle leaves stock alone: it was taken at placement.
/// assert_eq!(
///     OrderStatus::Pending.transition(OrderStatus::Confirmed, Actor::Staff, false),
///     Ok(StockEffect::None)
/// );
/// // The owner may cancel until the order is being processed; the stock comes back.
/// assert_eq!(
///     OrderStatus::Confirmed.transition(OrderStatus::Cancelled, Actor::Owner, false),
///     Ok(StockEffect::Return)
/// );
/// assert_eq!(
///     OrderStatus::Processing.transition(OrderStatus::Cancelled, Actor::Owner, false),
///     Err(IllegalTransition::NotPermitted {
///         from: OrderStatus::Processing,
///         to: OrderStatus::Cancelled,
///     })
/// );
/// // A refund returns stock only when the goods are restocked.
/// assert_eq!(
///     OrderStatus::Delivered.transition(OrderStatus::Refunded, Actor::Staff, true),
///     Ok(StockEffect::Return)
/// );
/// assert_eq!(
///     OrderStatus::Delivered.transition(OrderStatus::Refunded, Actor::Staff, false),
///     Ok(StockEffect::None)
/// );
/// // No skipping ahead, no way back.
/// let refused = OrderStatus::Pending.transition(OrderStatus::Shipped, Actor::Staff, false);
/// assert_eq!(
///     refused,
///     Err(IllegalTransition::NotAllowed { from: OrderStatus::Pending, to: OrderStatus::Shipped })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum OrderStatus {
    /// Just placed, its stock taken; waits for staff to confirm it.
    Pending,
    /// Accepted by staff; the owner may still cancel.
    Confirmed,
    /// Being prepared; only staff may cancel now.
    Processing,
    /// On its way to the customer.
    Shipped,
    /// Received; may still be refunded.
    Delivered,
    /// Called off before shipping; its stock came back. Final.
    Cancelled,
    /// Paid back after delivery. Final.
    Refunded,
}

/// Who asks for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Actor {
    /// The customer who placed the order.
    Owner,
    /// Staff and above.
    Staff,
}

/// What a move does to the stock of the order's products. Stock is taken once, when the order is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StockEffect {
    /// Stock stays as it is.
    None,
    /// Give every line's quantity back.
    Return,
}

/// Why a status move was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IllegalTransition {
    /// The lifecycle has no such move.
    #[error("no move from {from} to {to}")]
    NotAllowed {
        /// The order's status.
        from: OrderStatus,
        /// The status asked for.
        to: OrderStatus,
    },
    /// The move exists, but not for this actor.
    #[error("the move from {from} to {to} is staff only")]
    NotPermitted {
        /// The order's status.
        from: OrderStatus,
        /// The status asked for.
        to: OrderStatus,
    },
}

/// A status name that is not one of [`OrderStatus::ALL`]; holds the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown order status {0:?}")]
pub struct UnknownOrderStatus(pub String);

use OrderStatus::*;

/// Every legal move. Anything not listed (including staying put) is illegal.
const TRANSITIONS: &[(OrderStatus, OrderStatus)] = &[
    (Pending, Confirmed),
    (Pending, Cancelled),
    (Confirmed, Processing),
    (Confirmed, Cancelled),
    (Processing, Shipped),
    (Processing, Cancelled),
    (Shipped, Delivered),
    (Delivered, Refunded),
];

impl OrderStatus {
    /// Capitalised, for messages to people ("Your order is now Shipped").
    pub fn label(self) -> &'static str {
        match self {
            Pending => "Pending",
            Confirmed => "Confirmed",
            Processing => "Processing",
            Shipped => "Shipped",
            Delivered => "Delivered",
            Cancelled => "Cancelled",
            Refunded => "Refunded",
        }
    }

    /// The owner may cancel while nothing has left the warehouse.
    pub fn can_be_cancelled(self) -> bool {
        matches!(self, Pending | Confirmed)
    }

    /// Checks a move for an actor and says what it does to stock. `restock` only matters for refunds.
    pub fn transition(
        self,
        to: OrderStatus,
        actor: Actor,
        restock: bool,
    ) -> Result<StockEffect, IllegalTransition> {
        if !TRANSITIONS.contains(&(self, to)) {
            return Err(IllegalTransition::NotAllowed { from: self, to });
        }
        let owner_may = to == Cancelled && self.can_be_cancelled();
        if actor == Actor::Owner && !owner_may {
            return Err(IllegalTransition::NotPermitted { from: self, to });
        }
        Ok(match to {
            Cancelled => StockEffect::Return,
            Refunded if restock => StockEffect::Return,
            _ => StockEffect::None,
        })
    }

    /// Revenue counts paid orders that were neither cancelled nor refunded.
    pub fn counts_as_revenue(self) -> bool {
        !matches!(self, Cancelled | Refunded)
    }
}

// `ALL` is in lifecycle order.
named_values!(OrderStatus, unknown: UnknownOrderStatus, {
    Pending => "pending",
    Confirmed => "confirmed",
    Processing => "processing",
    Shipped => "shipped",
    Delivered => "delivered",
    Cancelled => "cancelled",
    Refunded => "refunded",
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract's table, written out independently of `TRANSITIONS`.
    fn allowed(from: OrderStatus, to: OrderStatus) -> bool {
        matches!(
            (from, to),
            (Pending, Confirmed | Cancelled)
                | (Confirmed, Processing | Cancelled)
                | (Processing, Shipped | Cancelled)
                | (Shipped, Delivered)
                | (Delivered, Refunded)
        )
    }

    #[test]
    fn every_pair_of_statuses_for_staff() {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let result = from.transition(to, Actor::Staff, false);
                if allowed(from, to) {
                    assert!(result.is_ok(), "{from} -> {to} should be allowed");
                } else {
                    assert_eq!(
                        result,
                        Err(IllegalTransition::NotAllowed { from, to }),
                        "{from} -> {to}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_pair_of_statuses_for_the_owner() {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let result = from.transition(to, Actor::Owner, false);
                match (
                    allowed(from, to),
                    to == Cancelled && matches!(from, Pending | Confirmed),
                ) {
                    (true, true) => assert_eq!(result, Ok(StockEffect::Return), "{from} -> {to}"),
                    (true, false) => {
                        assert_eq!(result, Err(IllegalTransition::NotPermitted { from, to }))
                    }
                    (false, _) => {
                        assert_eq!(result, Err(IllegalTransition::NotAllowed { from, to }))
                    }
                }
            }
        }
    }

    #[test]
    fn stock_comes_back_on_cancel_and_on_refund_with_restock_only() {
        for from in [Pending, Confirmed, Processing] {
            assert_eq!(
                from.transition(Cancelled, Actor::Staff, false),
                Ok(StockEffect::Return)
            );
        }
        assert_eq!(
            Delivered.transition(Refunded, Actor::Staff, true),
            Ok(StockEffect::Return)
        );
        assert_eq!(
            Delivered.transition(Refunded, Actor::Staff, false),
            Ok(StockEffect::None)
        );
        // Confirming does not take stock again: it was taken at placement.
        assert_eq!(
            Pending.transition(Confirmed, Actor::Staff, true),
            Ok(StockEffect::None)
        );
        for (from, to) in [
            (Confirmed, Processing),
            (Processing, Shipped),
            (Shipped, Delivered),
        ] {
            assert_eq!(
                from.transition(to, Actor::Staff, true),
                Ok(StockEffect::None)
            );
        }
    }

    #[test]
    fn statuses_round_trip_and_read_well() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(status));
            assert_eq!(status.label().to_lowercase(), status.as_str());
        }
        assert_eq!(
            "bogus".parse::<OrderStatus>(),
            Err(UnknownOrderStatus("bogus".to_owned()))
        );
        assert!(
            Pending.can_be_cancelled()
                && Confirmed.can_be_cancelled()
                && !Processing.can_be_cancelled()
        );
    }
}
