//! Moving orders through their lifecycle, recording payment, and changing delivery details.

use std::sync::Arc;

use orderflow_domain::identity::{bounded, Customer, PhoneNumber};
use orderflow_domain::ordering::{Actor, Order, OrderId, OrderStatus, StockEffect};
use orderflow_domain::validation::FieldErrors;

use super::OrderError;
use crate::identity::REQUIRED;
use crate::ports::{
    transaction, Clock, NewOrderEvent, OrderQueries, OrderView, Transaction, UnitOfWork,
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusInput {
    pub status: Option<String>,
    pub notes: Option<String>,
    /// For refunds: put the units back in stock.
    pub restock: bool,
}

/// The delivery details the owner may change while the order is pending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailsInput {
    pub shipping_address: Option<String>,
    pub billing_address: Option<String>,
    pub phone_number: Option<String>,
    pub notes: Option<String>,
}

pub struct ChangeOrders {
    uow: Arc<dyn UnitOfWork>,
    queries: Arc<dyn OrderQueries>,
    clock: Arc<dyn Clock>,
}

/// An order the caller may see: their own, or any for staff. Others' orders do not exist for them.
fn visible(order: Option<Order>, actor: &Customer) -> Result<Order, OrderError> {
    order
        .filter(|order| order.customer_id == actor.id || actor.is_staff())
        .ok_or(OrderError::NotFound)
}

impl ChangeOrders {
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        queries: Arc<dyn OrderQueries>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            uow,
            queries,
            clock,
        }
    }

    fn view(&self, id: OrderId) -> Result<OrderView, OrderError> {
        self.queries.order(id)?.ok_or(OrderError::NotFound)
    }

    /// Staff move an order along the lifecycle; cancelling returns the stock, refunding returns it on `restock`.
    pub fn update_status(
        &self,
        actor: &Customer,
        id: OrderId,
        input: StatusInput,
    ) -> Result<OrderView, OrderError> {
        let to = match input.status.as_deref().map(str::trim) {
            None | Some("") => return Err(FieldErrors::single("status", REQUIRED).into()),
            Some(raw) => raw
                .parse::<OrderStatus>()
                .map_err(|e| OrderError::Invalid(FieldErrors::single("status", e.to_string())))?,
        };
        transaction(self.uow.as_ref(), |tx| {
            let order = visible(tx.orders().find_for_update(id)?, actor)?;
            let effect = order
                .status
                .transition(to, Actor::Staff, input.restock)
                .map_err(|e| OrderError::Invalid(FieldErrors::single("status", e.to_string())))?;
            self.move_to(
                tx,
                order,
                to,
                effect,
                actor,
                input.notes.as_deref().unwrap_or_default(),
            )
        })?;
        self.view(id)
    }

    /// The owner (or staff) cancels an order that has not started processing; its stock comes back.
    pub fn cancel(&self, actor: &Customer, id: OrderId) -> Result<OrderView, OrderError> {
        transaction(self.uow.as_ref(), |tx| {
            let order = visible(tx.orders().find_for_update(id)?, actor)?;
            if !order.can_be_cancelled() {
                return Err(OrderError::Refused(
                    "Order cannot be cancelled in its current status".into(),
                ));
            }
            let role = if order.customer_id == actor.id {
                Actor::Owner
            } else {
                Actor::Staff
            };
            let effect = order
                .status
                .transition(OrderStatus::Cancelled, role, false)
                .map_err(|e| OrderError::Refused(e.to_string()))?;
            self.move_to(tx, order, OrderStatus::Cancelled, effect, actor, "")
        })?;
        self.view(id)
    }

    fn move_to(
        &self,
        tx: &mut dyn Transaction,
        mut order: Order,
        to: OrderStatus,
        effect: StockEffect,
        actor: &Customer,
        note: &str,
    ) -> Result<(), OrderError> {
        if effect == StockEffect::Return {
            // In product order, as placement locks them: concurrent orders and returns cannot deadlock.
            let mut items: Vec<_> = order
                .items
                .iter()
                .map(|item| (item.product_id, item.quantity))
                .collect();
            items.sort();
            for (product, quantity) in items {
                tx.products().return_stock(product, quantity)?;
            }
        }
        let now = self.clock.now();
        let from = order.status;
        order.status = to;
        order.updated_at = now;
        tx.orders().update(&order)?;
        let restocked = if effect == StockEffect::Return {
            " (stock returned)"
        } else {
            ""
        };
        tx.orders().add_event(&NewOrderEvent {
            order_id: order.id,
            event_type: "status_changed".into(),
            from_status: Some(from),
            to_status: Some(to),
            actor: actor.email.to_string(),
            note: format!("{}{restocked}", note.trim()),
            at: now,
        })?;
        Ok(())
    }

    /// Staff record the payment of an order.
    pub fn mark_paid(
        &self,
        actor: &Customer,
        id: OrderId,
        payment_method: Option<String>,
        payment_reference: Option<String>,
    ) -> Result<OrderView, OrderError> {
        let mut errors = FieldErrors::new();
        let method = errors.check(
            "payment_method",
            bounded(payment_method.as_deref().unwrap_or_default(), 50),
        );
        let reference = errors.check(
            "payment_reference",
            bounded(payment_reference.as_deref().unwrap_or_default(), 100),
        );
        let (Some(method), Some(reference)) = (method, reference) else {
            return Err(errors.into());
        };
        transaction(self.uow.as_ref(), |tx| {
            let mut order = visible(tx.orders().find_for_update(id)?, actor)?;
            if order.is_paid {
                return Err(OrderError::Refused(
                    "This order is already marked as paid.".into(),
                ));
            }
            if !order.status.counts_as_revenue() {
                return Err(OrderError::Refused(format!(
                    "A {} order cannot be marked as paid.",
                    order.status
                )));
            }
            let now = self.clock.now();
            order.is_paid = true;
            if !method.is_empty() {
                order.payment_method = method.clone();
            }
            order.payment_reference = reference.clone();
            order.updated_at = now;
            tx.orders().update(&order)?;
            tx.orders().add_event(&NewOrderEvent {
                order_id: order.id,
                event_type: "paid".into(),
                from_status: None,
                to_status: None,
                actor: actor.email.to_string(),
                note: format!("{} {}", order.payment_method, order.payment_reference)
                    .trim()
                    .to_owned(),
                at: now,
            })?;
            Ok(())
        })?;
        self.view(id)
    }

    /// While the order is pending, its owner (or staff) may change the delivery details and notes.
    pub fn update_details(
        &self,
        actor: &Customer,
        id: OrderId,
        input: DetailsInput,
    ) -> Result<OrderView, OrderError> {
        let mut errors = FieldErrors::new();
        let address = |errors: &mut FieldErrors, field: &str, value: &Option<String>| {
            value.as_deref().and_then(|raw| {
                if raw.trim().is_empty() {
                    errors.add(field, "This field may not be blank.");
                    None
                } else {
                    errors.check(field, bounded(raw, 1000))
                }
            })
        };
        let shipping = address(&mut errors, "shipping_address", &input.shipping_address);
        let billing = address(&mut errors, "billing_address", &input.billing_address);
        let phone = input
            .phone_number
            .as_deref()
            .and_then(|raw| errors.check("phone_number", PhoneNumber::parse(raw)));
        let notes = input
            .notes
            .as_deref()
            .and_then(|raw| errors.check("notes", bounded(raw, 2000)));
        errors.into_result()?;
        transaction(self.uow.as_ref(), |tx| {
            let mut order = visible(tx.orders().find_for_update(id)?, actor)?;
            if !order.is_editable_by_owner() {
                return Err(OrderError::Refused(format!(
                    "The order is {}: its details can only be changed while it is pending.",
                    order.status
                )));
            }
            let now = self.clock.now();
            if let Some(value) = &shipping {
                order.shipping_address = value.clone();
            }
            if let Some(value) = &billing {
                order.billing_address = value.clone();
            }
            if let Some(value) = &phone {
                order.phone_number = value.to_string();
            }
            if let Some(value) = &notes {
                order.notes = value.clone();
            }
            order.updated_at = now;
            tx.orders().update(&order)?;
            tx.orders().add_event(&NewOrderEvent {
                order_id: order.id,
                event_type: "details_changed".into(),
                from_status: None,
                to_status: None,
                actor: actor.email.to_string(),
                note: String::new(),
                at: now,
            })?;
            Ok(())
        })?;
        self.view(id)
    }
}
