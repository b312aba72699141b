//! Placing an order: all or nothing, in one transaction, never overselling.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;
use orderflow_domain::catalogue::{ProductId, ProductStatus};
use orderflow_domain::identity::{Customer, PhoneNumber};
use orderflow_domain::ordering::{
    merge_lines, EventType, LineError, Order, OrderId, OrderItem, OrderItemId, OrderLine,
    OrderNumber, OrderStatus, RequestedLine, MAX_QUANTITY,
};
use orderflow_domain::text::{self, limits, TextError};
use orderflow_domain::validation::{FieldErrors, NON_FIELD_ERRORS};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::OrderError;
use crate::identity::REQUIRED;
use crate::ports::{
    transaction, Clock, NewOrderEvent, OrderQueries, OrderView, StockTake, StoredIdempotencyKey,
    Transaction, UnitOfWork,
};

/// One requested line, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemInput {
    pub product_id: Option<String>,
    pub quantity: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceOrderInput {
    pub shipping_address: Option<String>,
    pub billing_address: Option<String>,
    pub phone_number: Option<String>,
    pub notes: Option<String>,
    pub payment_method: Option<String>,
    pub items: Option<Vec<ItemInput>>,
}

/// A placed order (or, for a repeated Idempotency-Key, the order the first request placed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub order: OrderView,
    pub replayed: bool,
}

/// Keys are honoured for a day, as Stripe does.
const KEY_LIFETIME_HOURS: i64 = 24;

/// A validated request: delivery details and the merged lines, each with the index of its first occurrence in
/// the request (errors are reported there).
struct ValidRequest {
    shipping_address: String,
    billing_address: String,
    phone_number: PhoneNumber,
    notes: String,
    payment_method: String,
    lines: Vec<(usize, RequestedLine)>,
    item_count: usize,
}

impl ValidRequest {
    /// What makes two requests "the same" for an Idempotency-Key: every field, lines as merged.
    fn fingerprint(&self) -> Vec<u8> {
        let mut hasher = Sha256::new();
        for part in [
            &self.shipping_address,
            &self.billing_address,
            self.phone_number.as_str(),
            &self.notes,
            &self.payment_method,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        for (_, line) in &self.lines {
            hasher.update(line.product_id.0.as_bytes());
            hasher.update(line.quantity.to_le_bytes());
        }
        hasher.finalize().to_vec()
    }
}

enum Outcome {
    Placed(Box<Order>),
    Replay(OrderId),
}

pub struct PlaceOrder {
    uow: Arc<dyn UnitOfWork>,
    queries: Arc<dyn OrderQueries>,
    clock: Arc<dyn Clock>,
}

impl PlaceOrder {
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

    pub fn execute(
        &self,
        customer: &Customer,
        input: PlaceOrderInput,
        idempotency_key: Option<&str>,
    ) -> Result<Placement, OrderError> {
        let request = validate(input)?;
        let fingerprint = request.fingerprint();
        let outcome = transaction(self.uow.as_ref(), |tx| {
            if let Some(key) = idempotency_key {
                if let Some(existing) = self.claim_key(tx, customer, key, &fingerprint)? {
                    return Ok::<_, OrderError>(Outcome::Replay(existing));
                }
            }
            let order = self.place(tx, customer, &request)?;
            if let Some(key) = idempotency_key {
                let stored = StoredIdempotencyKey {
                    request_hash: fingerprint.clone(),
                    order_id: order.id,
                    created_at: self.clock.now(),
                };
                tx.orders()
                    .save_idempotency_key(customer.id, key, &stored)?;
            }
            Ok(Outcome::Placed(Box::new(order)))
        })?;
        match outcome {
            // The order as written: no need to read it back.
            Outcome::Placed(order) => Ok(Placement {
                order: OrderView {
                    order: *order,
                    customer_name: customer.full_name(),
                    customer_email: customer.email.to_string(),
                },
                replayed: false,
            }),
            Outcome::Replay(id) => Ok(Placement {
                order: self.queries.order(id)?.ok_or(OrderError::NotFound)?,
                replayed: true,
            }),
        }
    }

    /// `Some(order)` to replay; `None` to go on and place (the key is then locked by this transaction).
    fn claim_key(
        &self,
        tx: &mut dyn Transaction,
        customer: &Customer,
        key: &str,
        fingerprint: &[u8],
    ) -> Result<Option<OrderId>, OrderError> {
        let orders = tx.orders();
        if !orders.try_lock_idempotency_key(customer.id, key)? {
            return Err(OrderError::KeyInFlight);
        }
        let expired_before = self.clock.now() - Duration::hours(KEY_LIFETIME_HOURS);
        orders.sweep_idempotency_keys(expired_before)?;
        match orders.find_idempotency_key(customer.id, key)? {
            Some(stored) if stored.created_at >= expired_before => {
                if stored.request_hash == fingerprint {
                    Ok(Some(stored.order_id))
                } else {
                    Err(OrderError::KeyReused)
                }
            }
            _ => Ok(None),
        }
    }

    fn place(
        &self,
        tx: &mut dyn Transaction,
        customer: &Customer,
        request: &ValidRequest,
    ) -> Result<Order, OrderError> {
        let wanted: Vec<RequestedLine> = request.lines.iter().map(|(_, line)| *line).collect();
        let stock: HashMap<ProductId, StockTake> = tx
            .products()
            .take_stock(&wanted)?
            .into_iter()
            .map(|take| (take.product.id, take))
            .collect();

        // Every problem with every line, before anything else is written (returning the error rolls back the
        // stock that was taken).
        let mut item_errors = vec![FieldErrors::new(); request.item_count];
        let mut lines = Vec::with_capacity(request.lines.len());
        for (index, line) in &request.lines {
            match stock.get(&line.product_id) {
                Some(take) if take.product.status == ProductStatus::Active => {
                    if take.taken {
                        lines.push(OrderLine {
                            product_id: take.product.id,
                            product_name: take.product.name.clone(),
                            product_sku: take.product.sku.to_string(),
                            quantity: line.quantity,
                            unit_price: take.product.price,
                        });
                    } else {
                        item_errors[*index].add(
                            NON_FIELD_ERRORS,
                            format!(
                                "Insufficient stock. Available: {}",
                                take.product.stock_quantity.0
                            ),
                        );
                    }
                }
                _ => {
                    item_errors[*index].add(NON_FIELD_ERRORS, "Product not found or not available.")
                }
            }
        }
        let mut errors = FieldErrors::new();
        errors.set_list("items", item_errors);
        errors.into_result()?;

        let now = self.clock.now();
        let day = now.date_naive();
        // Taken last: the day's counter row stays locked until commit, so hold it as briefly as possible.
        let number = OrderNumber::new(day, tx.orders().next_number(day)?);
        let order = Order {
            id: OrderId(Uuid::new_v4()),
            number,
            customer_id: customer.id,
            status: OrderStatus::Pending,
            total_amount: OrderLine::total(&lines),
            shipping_address: request.shipping_address.clone(),
            billing_address: request.billing_address.clone(),
            phone_number: request.phone_number.to_string(),
            notes: request.notes.clone(),
            is_paid: false,
            payment_method: request.payment_method.clone(),
            payment_reference: String::new(),
            created_at: now,
            updated_at: now,
            items: lines
                .iter()
                .map(|line| OrderItem {
                    id: OrderItemId(Uuid::new_v4()),
                    product_id: line.product_id,
                    product_name: line.product_name.clone(),
                    product_sku: line.product_sku.clone(),
                    quantity: line.quantity,
                    unit_price: line.unit_price.amount(),
                    subtotal: line.subtotal(),
                    created_at: now,
                })
                .collect(),
        };
        // One row tells the notification workers; they write the customer's and the admins' messages in a
        // transaction of their own, after this one commits.
        tx.orders().insert_placed(
            &order,
            &NewOrderEvent {
                to_status: Some(OrderStatus::Pending),
                note: format!(
                    "{} line(s), total {:.2}",
                    order.items.len(),
                    order.total_amount
                ),
                ..NewOrderEvent::by(customer, order.id, EventType::Placed, now)
            },
        )?;
        Ok(order)
    }
}

fn validate(input: PlaceOrderInput) -> Result<ValidRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let checked = |errors: &mut FieldErrors,
                   field: &str,
                   value: Option<String>,
                   required: bool,
                   check: fn(&str, usize) -> Result<String, TextError>,
                   max: usize| {
        let value = value.map(|v| v.trim().to_owned()).unwrap_or_default();
        if required && value.is_empty() {
            errors.add(field, REQUIRED);
            return None;
        }
        errors.check(field, check(&value, max))
    };
    let shipping_address = checked(
        &mut errors,
        "shipping_address",
        input.shipping_address,
        true,
        text::free_text,
        limits::ORDER_ADDRESS,
    );
    let billing_address = checked(
        &mut errors,
        "billing_address",
        input.billing_address,
        true,
        text::free_text,
        limits::ORDER_ADDRESS,
    );
    let notes = checked(
        &mut errors,
        "notes",
        input.notes,
        false,
        text::free_text,
        limits::ORDER_NOTES,
    );
    let payment_method = checked(
        &mut errors,
        "payment_method",
        input.payment_method,
        false,
        text::line,
        limits::PAYMENT_METHOD,
    );
    let phone_number = match input
        .phone_number
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => {
            errors.add("phone_number", REQUIRED);
            None
        }
        Some(raw) => errors.check("phone_number", PhoneNumber::parse(raw)),
    };

    let items = input.items.unwrap_or_default();
    let item_count = items.len();
    let mut item_errors = vec![FieldErrors::new(); item_count];
    let mut requested = Vec::with_capacity(item_count);
    let mut positions = Vec::with_capacity(item_count);
    for (index, item) in items.iter().enumerate() {
        let product_id = match item.product_id.as_deref().map(str::trim) {
            None | Some("") => {
                item_errors[index].add("product_id", REQUIRED);
                None
            }
            Some(raw) => match Uuid::parse_str(raw) {
                Ok(id) => Some(ProductId(id)),
                Err(_) => {
                    item_errors[index].add("product_id", "Must be a valid UUID.");
                    None
                }
            },
        };
        let quantity = match item.quantity {
            None => {
                item_errors[index].add("quantity", REQUIRED);
                None
            }
            Some(quantity) if !(1..=MAX_QUANTITY).contains(&quantity) => {
                item_errors[index].add("quantity", LineError::Quantity(index).to_string());
                None
            }
            Some(quantity) => Some(quantity),
        };
        if let (Some(product_id), Some(quantity)) = (product_id, quantity) {
            requested.push(RequestedLine {
                product_id,
                quantity,
            });
            positions.push(index);
        }
    }
    let merged = if item_count == 0 {
        errors.add(NON_FIELD_ERRORS, LineError::NoLines.to_string());
        None
    } else {
        match merge_lines(&requested) {
            Ok(lines) => Some(lines),
            Err(line_errors) => {
                for error in line_errors {
                    match error {
                        LineError::Quantity(position) => {
                            item_errors[positions[position]].add("quantity", error.to_string())
                        }
                        other => errors.add("items", other.to_string()),
                    }
                }
                None
            }
        }
    };
    errors.set_list("items", item_errors);
    let (
        Some(shipping_address),
        Some(billing_address),
        Some(phone_number),
        Some(notes),
        Some(payment_method),
        Some(merged),
    ) = (
        shipping_address,
        billing_address,
        phone_number,
        notes,
        payment_method,
        merged,
    )
    else {
        return Err(errors);
    };
    errors.into_result()?;
    // Each merged line reports at the position its product first appeared.
    let first_position: HashMap<ProductId, usize> = requested
        .iter()
        .zip(&positions)
        .rev()
        .map(|(line, position)| (line.product_id, *position))
        .collect();
    let lines = merged
        .into_iter()
        .map(|line| {
            (
                first_position
                    .get(&line.product_id)
                    .copied()
                    .unwrap_or_default(),
                line,
            )
        })
        .collect();
    Ok(ValidRequest {
        shipping_address,
        billing_address,
        phone_number,
        notes,
        payment_method,
        lines,
        item_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fakes::{product, FakeUnitOfWork};
    use crate::identity::fixtures::{fixed_clock, now};
    use crate::ordering::tests_support::{owner, queries_returning};
    use crate::ports::{MockCategoryStore, MockOrderStore, MockProductStore};
    use mockall::Sequence;
    use orderflow_domain::catalogue::StockQuantity;

    fn lamp(id: u128, stock: i32) -> orderflow_domain::catalogue::Product {
        let mut lamp = product("Lamp", 3);
        lamp.id = ProductId(Uuid::from_u128(id));
        lamp.stock_quantity = StockQuantity(stock);
        lamp
    }

    fn input(lines: &[(u128, i64)]) -> PlaceOrderInput {
        PlaceOrderInput {
            shipping_address: Some("1 Moi Avenue".into()),
            billing_address: Some("1 Moi Avenue".into()),
            phone_number: Some("+254711000001".into()),
            items: Some(
                lines
                    .iter()
                    .map(|(id, quantity)| ItemInput {
                        product_id: Some(Uuid::from_u128(*id).to_string()),
                        quantity: Some(*quantity),
                    })
                    .collect(),
            ),
            ..PlaceOrderInput::default()
        }
    }

    fn use_case(
        products: MockProductStore,
        orders: MockOrderStore,
    ) -> (PlaceOrder, Arc<FakeUnitOfWork>) {
        let uow = Arc::new(FakeUnitOfWork::with_orders(
            MockCategoryStore::new(),
            products,
            orders,
        ));
        (
            PlaceOrder::new(
                uow.clone(),
                Arc::new(queries_returning(OrderStatus::Pending)),
                fixed_clock(),
            ),
            uow,
        )
    }

    fn taken(product: orderflow_domain::catalogue::Product, taken: bool) -> StockTake {
        StockTake { product, taken }
    }

    #[test]
    fn takes_the_stock_of_the_merged_lines_numbers_last_and_records_the_placement() {
        let mut products = MockProductStore::new();
        let mut orders = MockOrderStore::new();
        let mut sequence = Sequence::new();
        products
            .expect_take_stock()
            .withf(|lines| {
                let asked: Vec<_> = lines.iter().map(|l| (l.product_id, l.quantity)).collect();
                asked
                    == [
                        (ProductId(Uuid::from_u128(2)), 1),
                        (ProductId(Uuid::from_u128(1)), 3),
                    ]
            })
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_| Ok(vec![taken(lamp(1, 5), true), taken(lamp(2, 5), true)]));
        orders
            .expect_next_number()
            .withf(|day| *day == now().date_naive())
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_| Ok(7));
        orders
            .expect_insert_placed()
            .withf(|order, event| {
                order.number.as_str() == "ORD-20260501-0007"
                    && order.status == OrderStatus::Pending
                    && order.items.len() == 2
                    && order.total_amount == rust_decimal::Decimal::from(40)
                    && event.order_id == order.id
                    && event.event_type == "placed"
                    && event.to_status == Some(OrderStatus::Pending)
                    && event.actor == "alice@example.com"
                    && event.actor_id == Some(owner().id)
            })
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_, _| Ok(()));
        let (place, uow) = use_case(products, orders);
        // Product 2 asked first and product 1 twice: merged, in the order first asked.
        let placement = place
            .execute(&owner(), input(&[(2, 1), (1, 2), (1, 1)]), None)
            .unwrap();
        assert!(!placement.replayed);
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn an_inactive_or_unknown_product_is_refused_even_with_its_stock_taken() {
        let mut products = MockProductStore::new();
        products.expect_take_stock().returning(|_| {
            let mut hidden = lamp(1, 5);
            hidden.status = ProductStatus::Inactive;
            Ok(vec![taken(hidden, true)])
        });
        let mut orders = MockOrderStore::new();
        orders.expect_next_number().never();
        orders.expect_insert_placed().never();
        let (place, uow) = use_case(products, orders);
        let Err(OrderError::Invalid(errors)) =
            place.execute(&owner(), input(&[(1, 1), (3, 1)]), None)
        else {
            panic!("expected refused lines")
        };
        let items = errors.list("items").unwrap();
        for line in [0, 1] {
            assert_eq!(
                items[line].messages("non_field_errors"),
                ["Product not found or not available."],
                "line {line}"
            );
        }
        assert_eq!(uow.rollbacks(), 1, "the stock taken is given back");
    }

    #[test]
    fn a_shortfall_rolls_back_before_the_order_is_written() {
        let mut products = MockProductStore::new();
        products
            .expect_take_stock()
            .returning(|_| Ok(vec![taken(lamp(1, 2), false)]));
        let mut orders = MockOrderStore::new();
        orders.expect_next_number().never();
        orders.expect_insert_placed().never();
        let (place, uow) = use_case(products, orders);
        let Err(OrderError::Invalid(errors)) = place.execute(&owner(), input(&[(1, 3)]), None)
        else {
            panic!("expected a shortfall")
        };
        assert_eq!(
            errors.list("items").unwrap()[0].messages("non_field_errors"),
            ["Insufficient stock. Available: 2"]
        );
        assert_eq!(uow.rollbacks(), 1);
    }

    #[test]
    fn invalid_input_never_opens_a_transaction() {
        let (place, uow) = use_case(MockProductStore::new(), MockOrderStore::new());
        let result = place.execute(&owner(), PlaceOrderInput::default(), None);
        assert!(matches!(result, Err(OrderError::Invalid(_))));
        assert_eq!(uow.commits() + uow.rollbacks(), 0);
    }

    fn with_stored_key(
        hash_of: Option<PlaceOrderInput>,
        age_hours: i64,
        locked: bool,
    ) -> MockOrderStore {
        let mut orders = MockOrderStore::new();
        orders
            .expect_try_lock_idempotency_key()
            .returning(move |_, _| Ok(locked));
        orders.expect_sweep_idempotency_keys().returning(|_| Ok(0));
        let stored = hash_of.map(|input| StoredIdempotencyKey {
            request_hash: validate(input)
                .ok()
                .map(|r| r.fingerprint())
                .unwrap_or_default(),
            order_id: OrderId(Uuid::from_u128(99)),
            created_at: now() - Duration::hours(age_hours),
        });
        orders
            .expect_find_idempotency_key()
            .returning(move |_, _| Ok(stored.clone()));
        orders
    }

    #[test]
    fn the_same_key_and_body_replays_without_touching_stock() {
        let mut products = MockProductStore::new();
        products.expect_take_stock().never();
        let (place, _) = use_case(products, with_stored_key(Some(input(&[(1, 2)])), 1, true));
        let placement = place
            .execute(&owner(), input(&[(1, 1), (1, 1)]), Some("k"))
            .unwrap();
        assert!(
            placement.replayed,
            "the same lines, merged, are the same request"
        );
    }

    #[test]
    fn another_body_in_flight_or_reused_keys_are_refused() {
        let (place, _) = use_case(
            MockProductStore::new(),
            with_stored_key(Some(input(&[(1, 2)])), 1, true),
        );
        assert!(matches!(
            place.execute(&owner(), input(&[(1, 3)]), Some("k")),
            Err(OrderError::KeyReused)
        ));
        let (place, _) = use_case(MockProductStore::new(), with_stored_key(None, 0, false));
        assert!(matches!(
            place.execute(&owner(), input(&[(1, 3)]), Some("k")),
            Err(OrderError::KeyInFlight)
        ));
    }

    #[test]
    fn an_expired_key_places_a_new_order() {
        let mut products = MockProductStore::new();
        products
            .expect_take_stock()
            .returning(|_| Ok(vec![taken(lamp(1, 5), true)]));
        let mut orders = with_stored_key(Some(input(&[(1, 2)])), 25, true);
        orders.expect_next_number().returning(|_| Ok(1));
        orders
            .expect_insert_placed()
            .times(1)
            .returning(|_, _| Ok(()));
        orders
            .expect_save_idempotency_key()
            .times(1)
            .returning(|_, _, _| Ok(()));
        let (place, _) = use_case(products, orders);
        assert!(
            !place
                .execute(&owner(), input(&[(1, 3)]), Some("k"))
                .unwrap()
                .replayed
        );
    }
}
