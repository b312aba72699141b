//! Placing an order: all or nothing, in one transaction, never overselling.

use std::collections::HashMap;
use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem, NON_FIELD_ERRORS};
use chrono::Duration;
use orderflow_domain::catalogue::{Product, ProductId, Supply};
use orderflow_domain::identity::{Customer, PhoneNumber};
use orderflow_domain::ordering::{
    merge_lines, DeliveryDetails, EventType, LineError, NewOrder, Order, OrderId, OrderItemId,
    OrderLine, OrderNumber, OrderStatus, RequestedLine, MAX_QUANTITY,
};
use orderflow_domain::text::{self, limits, TextError};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::PlaceOrderError;
use crate::ports::{
    single_write, transaction, Clock, NewOrderEvent, OrderQueries, OrderView, StoredIdempotencyKey,
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
    ) -> Result<Placement, PlaceOrderError> {
        let request = validate(input)?;
        let fingerprint = request.fingerprint();
        let outcome = match idempotency_key {
            // The order is one statement, atomic by itself: no transaction around it, so the products and the
            // day's counter it locks are free again the moment it ends (not a round trip later, at COMMIT).
            None => single_write(self.uow.as_ref(), |tx| {
                Ok::<_, PlaceOrderError>(Outcome::Placed(Box::new(
                    self.place(tx, customer, &request)?,
                )))
            })?,
            // The key, its lock and the order it names are written together.
            Some(key) => transaction(self.uow.as_ref(), |tx| {
                if let Some(existing) = self.claim_key(tx, customer, key, &fingerprint)? {
                    return Ok::<_, PlaceOrderError>(Outcome::Replay(existing));
                }
                let order = self.place(tx, customer, &request)?;
                let stored = StoredIdempotencyKey {
                    request_hash: fingerprint.clone(),
                    order_id: order.id,
                    created_at: self.clock.now(),
                };
                tx.orders()
                    .save_idempotency_key(customer.id, key, &stored)?;
                Ok(Outcome::Placed(Box::new(order)))
            })?,
        };
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
                order: self
                    .queries
                    .order(id)?
                    .ok_or(PlaceOrderError::ReplayedOrderGone)?,
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
    ) -> Result<Option<OrderId>, PlaceOrderError> {
        let orders = tx.orders();
        if !orders.try_lock_idempotency_key(customer.id, key)? {
            return Err(PlaceOrderError::KeyInFlight);
        }
        let expired_before = self.clock.now() - Duration::hours(KEY_LIFETIME_HOURS);
        orders.sweep_idempotency_keys(expired_before)?;
        match orders.find_idempotency_key(customer.id, key)? {
            Some(stored) if stored.created_at >= expired_before => {
                if stored.request_hash == fingerprint {
                    Ok(Some(stored.order_id))
                } else {
                    Err(PlaceOrderError::KeyReused)
                }
            }
            _ => Ok(None),
        }
    }

    /// Reads the products, checks every line, and writes the order in one statement that holds only if nothing
    /// it relied on changed since the read (the products and the day's counter are locked by that statement alone,
    /// the last of the transaction: concurrent orders of one product wait for as short a time as can be). When
    /// something did change, the next read sees it: a sold-out line is then refused like any other.
    fn place(
        &self,
        tx: &mut dyn Transaction,
        customer: &Customer,
        request: &ValidRequest,
    ) -> Result<Order, PlaceOrderError> {
        let ids: Vec<ProductId> = request
            .lines
            .iter()
            .map(|(_, line)| line.product_id)
            .collect();
        for _ in 0..PLACEMENT_ATTEMPTS {
            let products: HashMap<ProductId, Product> = tx
                .products()
                .find_all(&ids)?
                .into_iter()
                .map(|product| (product.id, product))
                .collect();
            let lines = checked_lines(request, &products)?;
            let now = self.clock.now();
            let mut order = draft_order(customer, request, lines, now);
            // One row tells the notification workers; they write the customer's and the admins' messages in a
            // transaction of their own, after this one commits.
            let placed = NewOrderEvent {
                to_status: Some(OrderStatus::Pending),
                note: format!(
                    "{} line(s), total {:.2}",
                    order.items().len(),
                    order.total_amount()
                ),
                ..NewOrderEvent::by(customer, order.id, EventType::Placed, now)
            };
            if let Some(counter) = tx.orders().place(&order, &placed)? {
                order.number = OrderNumber::new(now.date_naive(), counter);
                return Ok(order);
            }
        }
        Err(PlaceOrderError::ProductsKeptChanging)
    }
}

/// Reads and writes of one placement, before it gives up on products that change under it every time.
const PLACEMENT_ATTEMPTS: usize = 3;

/// Every problem with every line (a [`PlaceOrderError::Shortfall`] when a line wants more than there is), or the lines
/// as sold: each product's name, SKU and price as they are now.
fn checked_lines(
    request: &ValidRequest,
    products: &HashMap<ProductId, Product>,
) -> Result<Vec<OrderLine>, PlaceOrderError> {
    let mut item_errors = vec![FieldErrors::new(); request.item_count];
    let mut lines = Vec::with_capacity(request.lines.len());
    let mut short = false;
    for (index, line) in &request.lines {
        let Some(product) = products.get(&line.product_id) else {
            item_errors[*index].add(NON_FIELD_ERRORS, FieldProblem::ProductUnavailable);
            continue;
        };
        match product.supply(line.quantity) {
            Ok(()) => lines.push(OrderLine {
                product_id: product.id,
                product_name: product.name.clone(),
                product_sku: product.sku.clone(),
                quantity: line.quantity,
                unit_price: product.price,
            }),
            Err(Supply::Short { available }) => {
                short = true;
                item_errors[*index].add(
                    NON_FIELD_ERRORS,
                    FieldProblem::InsufficientStock {
                        available: available.units(),
                    },
                );
            }
            Err(_) => item_errors[*index].add(NON_FIELD_ERRORS, FieldProblem::ProductUnavailable),
        }
    }
    let mut errors = FieldErrors::new();
    errors.set_list("items", item_errors);
    match errors.into_result() {
        Ok(()) => Ok(lines),
        Err(errors) if short => Err(PlaceOrderError::Shortfall(errors)),
        Err(errors) => Err(PlaceOrderError::Invalid(errors)),
    }
}

/// The order as it will be written, but for its number, which the store draws as it writes it.
fn draft_order(
    customer: &Customer,
    request: &ValidRequest,
    lines: Vec<OrderLine>,
    now: chrono::DateTime<chrono::Utc>,
) -> Order {
    Order::place(NewOrder {
        id: OrderId(Uuid::new_v4()),
        number: OrderNumber::draft(now.date_naive()),
        customer_id: customer.id,
        details: DeliveryDetails {
            shipping_address: request.shipping_address.clone(),
            billing_address: request.billing_address.clone(),
            phone_number: Some(request.phone_number.clone()),
            notes: request.notes.clone(),
        },
        payment_method: request.payment_method.clone(),
        lines: lines
            .into_iter()
            .map(|line| (OrderItemId(Uuid::new_v4()), line))
            .collect(),
        at: now,
    })
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
            errors.add(field, FieldProblem::Required);
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
            errors.add("phone_number", FieldProblem::Required);
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
                item_errors[index].add("product_id", FieldProblem::Required);
                None
            }
            Some(raw) => match Uuid::parse_str(raw) {
                Ok(id) => Some(ProductId(id)),
                Err(_) => {
                    item_errors[index].add("product_id", FieldProblem::NotUuid);
                    None
                }
            },
        };
        let quantity = match item.quantity {
            None => {
                item_errors[index].add("quantity", FieldProblem::Required);
                None
            }
            Some(quantity) if !(1..=MAX_QUANTITY).contains(&quantity) => {
                item_errors[index].add("quantity", LineError::Quantity(index));
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
        errors.add(NON_FIELD_ERRORS, LineError::NoLines);
        None
    } else {
        match merge_lines(&requested) {
            Ok(lines) => Some(lines),
            Err(line_errors) => {
                for error in line_errors {
                    match error {
                        LineError::Quantity(position) => {
                            item_errors[positions[position]].add("quantity", error)
                        }
                        other => errors.add("items", other),
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
    use crate::ports::{MockCategoryStore, MockOrderStore, MockProductStore};
    use crate::test_support::{fixed_clock, now};
    use crate::test_support::{owner, queries_returning};
    use crate::test_support::{product, FakeUnitOfWork};
    use mockall::Sequence;
    use orderflow_domain::catalogue::StockQuantity;

    fn lamp(id: u128, stock: i32) -> orderflow_domain::catalogue::Product {
        let mut lamp = product("Lamp", 3);
        lamp.id = ProductId(Uuid::from_u128(id));
        lamp.stock_quantity = StockQuantity::new(stock.into()).unwrap();
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

    #[test]
    fn reads_the_merged_lines_then_writes_and_numbers_the_order_in_one_statement() {
        let mut products = MockProductStore::new();
        let mut orders = MockOrderStore::new();
        let mut sequence = Sequence::new();
        products
            .expect_find_all()
            .withf(|ids| ids == [ProductId(Uuid::from_u128(2)), ProductId(Uuid::from_u128(1))])
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_| Ok(vec![lamp(1, 5), lamp(2, 5)]));
        orders
            .expect_place()
            .withf(|order, event| {
                let lines: Vec<_> = order
                    .items()
                    .iter()
                    .map(|i| (i.product_id, i.quantity))
                    .collect();
                order.number == OrderNumber::draft(now().date_naive())
                    && order.status() == OrderStatus::Pending
                    && lines
                        == [
                            (ProductId(Uuid::from_u128(2)), 1),
                            (ProductId(Uuid::from_u128(1)), 3),
                        ]
                    && order.total_amount() == rust_decimal::Decimal::from(40)
                    && event.order_id == order.id
                    && event.event_type == EventType::Placed
                    && event.to_status == Some(OrderStatus::Pending)
                    && event.actor == "alice@example.com"
                    && event.actor_id == Some(owner().id)
            })
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_, _| Ok(Some(7)));
        let (place, uow) = use_case(products, orders);
        // Product 2 asked first and product 1 twice: merged, in the order first asked.
        let placement = place
            .execute(&owner(), input(&[(2, 1), (1, 2), (1, 1)]), None)
            .unwrap();
        assert!(!placement.replayed);
        assert_eq!(placement.order.order.number.as_str(), "ORD-20260501-0007");
        assert_eq!(
            (uow.commits(), uow.single_writes()),
            (1, 1),
            "no transaction around the one write"
        );
    }

    #[test]
    fn an_inactive_or_unknown_product_is_refused_and_nothing_is_written() {
        let mut products = MockProductStore::new();
        products.expect_find_all().returning(|_| {
            let mut hidden = lamp(1, 5);
            hidden.status = orderflow_domain::catalogue::ProductStatus::Inactive;
            Ok(vec![hidden])
        });
        let mut orders = MockOrderStore::new();
        orders.expect_place().never();
        let (place, uow) = use_case(products, orders);
        let Err(PlaceOrderError::Invalid(errors)) =
            place.execute(&owner(), input(&[(1, 1), (3, 1)]), None)
        else {
            panic!("expected refused lines")
        };
        let items = errors.list("items").unwrap();
        for line in [0, 1] {
            assert_eq!(
                items[line].problems("non_field_errors"),
                [FieldProblem::ProductUnavailable],
                "line {line}"
            );
        }
        assert_eq!(uow.rollbacks(), 1);
    }

    /// Three units of lamp 1 asked for: refused with the units `available` on the line, the work rolled back.
    fn assert_refused_for_stock(
        products: MockProductStore,
        orders: MockOrderStore,
        available: i32,
    ) {
        let (place, uow) = use_case(products, orders);
        let Err(PlaceOrderError::Shortfall(errors)) =
            place.execute(&owner(), input(&[(1, 3)]), None)
        else {
            panic!("expected a shortfall")
        };
        assert_eq!(
            errors.list("items").unwrap()[0].problems("non_field_errors"),
            [FieldProblem::InsufficientStock { available }]
        );
        assert_eq!(uow.rollbacks(), 1);
    }

    #[test]
    fn a_shortfall_is_refused_before_anything_is_written() {
        let mut products = MockProductStore::new();
        products
            .expect_find_all()
            .returning(|_| Ok(vec![lamp(1, 2)]));
        let mut orders = MockOrderStore::new();
        orders.expect_place().never();
        assert_refused_for_stock(products, orders, 2);
    }

    #[test]
    fn stock_sold_between_the_read_and_the_write_is_read_again_and_refused() {
        let mut products = MockProductStore::new();
        let mut sequence = Sequence::new();
        products
            .expect_find_all()
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_| Ok(vec![lamp(1, 5)]));
        let mut orders = MockOrderStore::new();
        orders
            .expect_place()
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_, _| Ok(None));
        products
            .expect_find_all()
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_| Ok(vec![lamp(1, 1)]));
        assert_refused_for_stock(products, orders, 1);
    }

    #[test]
    fn products_that_change_under_every_attempt_are_given_up_on() {
        let mut products = MockProductStore::new();
        products
            .expect_find_all()
            .times(PLACEMENT_ATTEMPTS)
            .returning(|_| Ok(vec![lamp(1, 5)]));
        let mut orders = MockOrderStore::new();
        orders
            .expect_place()
            .times(PLACEMENT_ATTEMPTS)
            .returning(|_, _| Ok(None));
        let (place, uow) = use_case(products, orders);
        let result = place.execute(&owner(), input(&[(1, 3)]), None);
        assert!(
            matches!(&result, Err(PlaceOrderError::ProductsKeptChanging)),
            "{result:?}"
        );
        assert_eq!(uow.rollbacks(), 1);
    }

    #[test]
    fn invalid_input_never_opens_a_transaction() {
        let (place, uow) = use_case(MockProductStore::new(), MockOrderStore::new());
        let result = place.execute(&owner(), PlaceOrderInput::default(), None);
        assert!(matches!(result, Err(PlaceOrderError::Invalid(_))));
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
        products.expect_find_all().never();
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
            Err(PlaceOrderError::KeyReused)
        ));
        let (place, _) = use_case(MockProductStore::new(), with_stored_key(None, 0, false));
        assert!(matches!(
            place.execute(&owner(), input(&[(1, 3)]), Some("k")),
            Err(PlaceOrderError::KeyInFlight)
        ));
    }

    #[test]
    fn an_expired_key_places_a_new_order() {
        let mut products = MockProductStore::new();
        products
            .expect_find_all()
            .returning(|_| Ok(vec![lamp(1, 5)]));
        let mut orders = with_stored_key(Some(input(&[(1, 2)])), 25, true);
        orders.expect_place().times(1).returning(|_, _| Ok(Some(1)));
        orders
            .expect_save_idempotency_key()
            .times(1)
            .returning(|_, _, _| Ok(()));
        let (place, uow) = use_case(products, orders);
        assert!(
            !place
                .execute(&owner(), input(&[(1, 3)]), Some("k"))
                .unwrap()
                .replayed
        );
        assert_eq!(
            (uow.commits(), uow.single_writes()),
            (1, 0),
            "the key and the order commit together"
        );
    }
}
