//! The admins' dashboard: one query for the counts, one for each list, all from one snapshot.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Numeric, Timestamptz};
use orderflow_application::ports::{Dashboard, DashboardQueries, LowStockProduct, RecentOrder};
use rust_decimal::Decimal;

use crate::listing::read_listing;
use crate::pool::DbPool;
use crate::schema::{categories, customers, orders, products};
use crate::RepositoryError;

pub struct PgDashboardQueries {
    pool: DbPool,
}

impl PgDashboardQueries {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    orders_total: i64,
    #[diesel(sql_type = BigInt)]
    orders_recent: i64,
    #[diesel(sql_type = BigInt)]
    orders_pending: i64,
    #[diesel(sql_type = BigInt)]
    orders_delivered: i64,
    #[diesel(sql_type = Numeric)]
    revenue: Decimal,
    #[diesel(sql_type = BigInt)]
    customers_total: i64,
    #[diesel(sql_type = BigInt)]
    customers_new: i64,
    #[diesel(sql_type = BigInt)]
    products_total: i64,
    #[diesel(sql_type = BigInt)]
    products_low_stock: i64,
    #[diesel(sql_type = BigInt)]
    notifications_total: i64,
    #[diesel(sql_type = BigInt)]
    notifications_recent: i64,
    #[diesel(sql_type = BigInt)]
    notifications_failed: i64,
}

fn counts(
    connection: &mut PgConnection,
    since: DateTime<Utc>,
    low_stock_below: i32,
) -> QueryResult<Counts> {
    diesel::sql_query(
        "SELECT \
           (SELECT count(*) FROM orders) AS orders_total, \
           (SELECT count(*) FROM orders WHERE created_at >= $1) AS orders_recent, \
           (SELECT count(*) FROM orders WHERE status = 'pending') AS orders_pending, \
           (SELECT count(*) FROM orders WHERE status = 'delivered') AS orders_delivered, \
           (SELECT coalesce(sum(total_amount), 0) FROM orders \
              WHERE is_paid AND status NOT IN ('cancelled', 'refunded')) AS revenue, \
           (SELECT count(*) FROM customers) AS customers_total, \
           (SELECT count(*) FROM customers WHERE created_at >= $1) AS customers_new, \
           (SELECT count(*) FROM products) AS products_total, \
           (SELECT count(*) FROM products WHERE stock_quantity < $2 AND status <> 'discontinued') \
              AS products_low_stock, \
           (SELECT count(*) FROM notifications) AS notifications_total, \
           (SELECT count(*) FROM notifications WHERE created_at >= $1) AS notifications_recent, \
           (SELECT count(*) FROM notifications WHERE status = 'failed') AS notifications_failed",
    )
    .bind::<Timestamptz, _>(since)
    .bind::<Integer, _>(low_stock_below)
    .get_result(connection)
}

fn recent_orders(connection: &mut PgConnection, limit: i64) -> QueryResult<Vec<RecentOrder>> {
    let rows = orders::table
        .inner_join(customers::table)
        .order((orders::created_at.desc(), orders::id.asc()))
        .limit(limit)
        .select((
            orders::id,
            orders::order_number,
            customers::first_name,
            customers::last_name,
            orders::total_amount,
            orders::status,
            orders::created_at,
        ))
        .load::<(
            uuid::Uuid,
            String,
            String,
            String,
            Decimal,
            String,
            DateTime<Utc>,
        )>(connection)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, order_number, first, last, total_amount, status, created_at)| RecentOrder {
                id,
                order_number,
                customer_name: format!("{first} {last}").trim().to_owned(),
                total_amount,
                status,
                created_at,
            },
        )
        .collect())
}

fn low_stock_products(
    connection: &mut PgConnection,
    below: i32,
    limit: i64,
) -> QueryResult<Vec<LowStockProduct>> {
    let rows = products::table
        .inner_join(categories::table)
        .filter(products::stock_quantity.lt(below))
        .filter(products::status.ne("discontinued"))
        .order((products::stock_quantity.asc(), products::name.asc()))
        .limit(limit)
        .select((
            products::id,
            products::name,
            products::stock_quantity,
            categories::name,
        ))
        .load::<(uuid::Uuid, String, i32, String)>(connection)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, stock_quantity, category_name)| LowStockProduct {
                id,
                name,
                stock_quantity,
                category_name,
            },
        )
        .collect())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

impl DashboardQueries for PgDashboardQueries {
    fn dashboard(
        &self,
        since: DateTime<Utc>,
        low_stock_below: i32,
        list_limit: u32,
    ) -> Result<Dashboard, RepositoryError> {
        let limit = i64::from(list_limit);
        let (counts, recent_orders, low_stock_products) = read_listing(&self.pool, |connection| {
            Ok((
                counts(connection, since, low_stock_below)?,
                recent_orders(connection, limit)?,
                low_stock_products(connection, low_stock_below, limit)?,
            ))
        })?;
        Ok(Dashboard {
            orders_total: count(counts.orders_total),
            orders_recent: count(counts.orders_recent),
            orders_pending: count(counts.orders_pending),
            orders_delivered: count(counts.orders_delivered),
            revenue: counts.revenue,
            recent_orders,
            customers_total: count(counts.customers_total),
            customers_new: count(counts.customers_new),
            products_total: count(counts.products_total),
            products_low_stock: count(counts.products_low_stock),
            low_stock_products,
            notifications_total: count(counts.notifications_total),
            notifications_recent: count(counts.notifications_recent),
            notifications_failed: count(counts.notifications_failed),
        })
    }
}
