//! Reading orders: a page is two queries (orders with their customers, then all their items), whatever its size.

use std::collections::HashMap;

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Numeric};
use orderflow_application::listing::{Page, PageRequest, SortDirection};
use orderflow_application::ports::{
    OrderEvent, OrderFilter, OrderQueries, OrderSort, OrderStatistics, OrderView,
};
use orderflow_domain::ordering::OrderId;
use rust_decimal::Decimal;

use super::rows::{OrderEventRow, OrderItemRow, OrderRow};
use crate::error::storage_error;
use crate::listing::read_listing;
use crate::pool::{connection, DbPool};
use crate::schema::{customers, order_events, order_items, orders};
use crate::sql::matches_every_term;
use crate::RepositoryError;

pub struct PgOrderQueries {
    pool: DbPool,
}

impl PgOrderQueries {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

type Boxed<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::InnerJoin<orders::table, customers::table>, Pg>;

fn filtered(filter: &OrderFilter) -> Boxed<'_> {
    let mut query = orders::table.inner_join(customers::table).into_boxed();
    if let Some(customer) = filter.customer {
        query = query.filter(orders::customer_id.eq(customer.0));
    }
    if let Some(status) = filter.status {
        query = query.filter(orders::status.eq(status.as_str()));
    }
    if let Some(paid) = filter.is_paid {
        query = query.filter(orders::is_paid.eq(paid));
    }
    if !filter.search_terms.is_empty() {
        query = query.filter(matches_every_term(
            &[
                "orders.order_number",
                "customers.email",
                "customers.first_name",
            ],
            &filter.search_terms,
        ));
    }
    query
}

type Header = (OrderRow, String, String, String);

/// The items of the orders of `headers`, in one query.
fn items_of(
    connection: &mut PgConnection,
    headers: &[Header],
) -> QueryResult<HashMap<uuid::Uuid, Vec<OrderItemRow>>> {
    let ids: Vec<uuid::Uuid> = headers.iter().map(|(row, ..)| row.id).collect();
    let mut items: HashMap<uuid::Uuid, Vec<OrderItemRow>> = HashMap::new();
    for item in order_items::table
        .filter(order_items::order_id.eq_any(&ids))
        .order((order_items::created_at.asc(), order_items::id.asc()))
        .select(OrderItemRow::as_select())
        .load::<OrderItemRow>(connection)?
    {
        items.entry(item.order_id).or_default().push(item);
    }
    Ok(items)
}

fn views(
    headers: Vec<Header>,
    mut items: HashMap<uuid::Uuid, Vec<OrderItemRow>>,
) -> Result<Vec<OrderView>, RepositoryError> {
    headers
        .into_iter()
        .map(|(row, email, first, last)| {
            let lines = items.remove(&row.id).unwrap_or_default();
            Ok(OrderView {
                order: row.into_order(lines)?,
                customer_name: format!("{first} {last}").trim().to_owned(),
                customer_email: email,
            })
        })
        .collect()
}

impl OrderQueries for PgOrderQueries {
    fn orders(
        &self,
        filter: &OrderFilter,
        page: PageRequest,
    ) -> Result<Page<OrderView>, RepositoryError> {
        let mut query = filtered(filter);
        use SortDirection::{Ascending, Descending};
        let default = [(OrderSort::CreatedAt, Descending)];
        let ordering = if filter.ordering.is_empty() {
            &default[..]
        } else {
            &filter.ordering[..]
        };
        for (field, direction) in ordering {
            query = match (field, direction) {
                (OrderSort::CreatedAt, Ascending) => query.then_order_by(orders::created_at.asc()),
                (OrderSort::CreatedAt, Descending) => {
                    query.then_order_by(orders::created_at.desc())
                }
                (OrderSort::TotalAmount, Ascending) => {
                    query.then_order_by(orders::total_amount.asc())
                }
                (OrderSort::TotalAmount, Descending) => {
                    query.then_order_by(orders::total_amount.desc())
                }
                (OrderSort::Status, Ascending) => query.then_order_by(orders::status.asc()),
                (OrderSort::Status, Descending) => query.then_order_by(orders::status.desc()),
            };
        }
        let page_query = query
            .then_order_by(orders::id.asc())
            .offset(i64::try_from(page.offset()).unwrap_or(i64::MAX))
            .limit(i64::try_from(page.limit()).unwrap_or(i64::MAX))
            .select((
                OrderRow::as_select(),
                customers::email,
                customers::first_name,
                customers::last_name,
            ));
        let (total, headers, items) = read_listing(&self.pool, |connection| {
            let total: i64 = filtered(filter).count().get_result(connection)?;
            let headers: Vec<Header> = page_query.load(connection)?;
            let items = items_of(connection, &headers)?;
            Ok((total, headers, items))
        })?;
        Ok(Page {
            items: views(headers, items)?,
            total: u64::try_from(total).unwrap_or_default(),
            request: page,
        })
    }

    fn order(&self, id: OrderId) -> Result<Option<OrderView>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let headers: Vec<Header> = orders::table
            .inner_join(customers::table)
            .filter(orders::id.eq(id.0))
            .select((
                OrderRow::as_select(),
                customers::email,
                customers::first_name,
                customers::last_name,
            ))
            .load(&mut connection)
            .map_err(storage_error)?;
        let items = items_of(&mut connection, &headers).map_err(storage_error)?;
        Ok(views(headers, items)?.into_iter().next())
    }

    fn events(&self, id: OrderId) -> Result<Vec<OrderEvent>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        order_events::table
            .filter(order_events::order_id.eq(id.0))
            .order(order_events::id.asc())
            .select(OrderEventRow::as_select())
            .load(&mut connection)
            .map_err(storage_error)?
            .into_iter()
            .map(OrderEventRow::into_event)
            .collect()
    }

    fn statistics(&self) -> Result<OrderStatistics, RepositoryError> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = BigInt)]
            total: i64,
            #[diesel(sql_type = BigInt)]
            pending: i64,
            #[diesel(sql_type = BigInt)]
            delivered: i64,
            #[diesel(sql_type = BigInt)]
            cancelled: i64,
            #[diesel(sql_type = Numeric)]
            revenue: Decimal,
        }
        let mut connection = connection(&self.pool)?;
        let row: Row = diesel::sql_query(
            "SELECT count(*) AS total, \
                    count(*) FILTER (WHERE status = 'pending') AS pending, \
                    count(*) FILTER (WHERE status = 'delivered') AS delivered, \
                    count(*) FILTER (WHERE status = 'cancelled') AS cancelled, \
                    coalesce(sum(total_amount) FILTER (WHERE is_paid AND status NOT IN ('cancelled', 'refunded')), 0) \
                        AS revenue \
             FROM orders",
        )
        .get_result(&mut connection)
        .map_err(storage_error)?;
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(OrderStatistics {
            total_orders: count(row.total),
            pending_orders: count(row.pending),
            delivered_orders: count(row.delivered),
            cancelled_orders: count(row.cancelled),
            total_revenue: row.revenue,
        })
    }
}
