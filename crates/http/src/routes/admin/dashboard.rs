use actix_web::web::Data;
use chrono::{DateTime, Utc};
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Serialize;

use crate::auth::{Admin, Caller};
use crate::error::ApiError;
use crate::money::Money;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DashboardRecentOrder {
    id: uuid::Uuid,
    order_number: String,
    /// The customer's name.
    customer: String,
    amount: Money,
    status: String,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DashboardOrders {
    total: u64,
    /// Placed in the last 30 days.
    recent: u64,
    pending: u64,
    delivered: u64,
    /// Paid orders that were neither cancelled nor refunded.
    revenue: Money,
    /// The 10 newest orders.
    recent_list: Vec<DashboardRecentOrder>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DashboardCustomers {
    total: u64,
    /// Registered in the last 30 days.
    new: u64,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DashboardLowStockProduct {
    id: uuid::Uuid,
    name: String,
    stock_quantity: i32,
    category: String,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DashboardProducts {
    total: u64,
    /// Fewer than 10 units (discontinued products left out).
    low_stock: u64,
    /// The 10 lowest.
    low_stock_list: Vec<DashboardLowStockProduct>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DashboardNotifications {
    total: u64,
    recent: u64,
    failed: u64,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DashboardBody {
    orders: DashboardOrders,
    customers: DashboardCustomers,
    products: DashboardProducts,
    notifications: DashboardNotifications,
}

/// The admins' overview (admin)
#[api_v2_operation(tags(Administration))]
pub async fn dashboard(
    state: Data<AppState>,
    _caller: Caller<Admin>,
) -> Result<web::Json<DashboardBody>, ApiError> {
    let d = run(&state, |state| state.admin_dashboard.execute()).await?;
    Ok(web::Json(DashboardBody {
        orders: DashboardOrders {
            total: d.orders_total,
            recent: d.orders_recent,
            pending: d.orders_pending,
            delivered: d.orders_delivered,
            revenue: Money(d.revenue),
            recent_list: d
                .recent_orders
                .into_iter()
                .map(|o| DashboardRecentOrder {
                    id: o.id,
                    order_number: o.order_number,
                    customer: o.customer_name,
                    amount: Money(o.total_amount),
                    status: o.status,
                    created_at: o.created_at,
                })
                .collect(),
        },
        customers: DashboardCustomers {
            total: d.customers_total,
            new: d.customers_new,
        },
        products: DashboardProducts {
            total: d.products_total,
            low_stock: d.products_low_stock,
            low_stock_list: d
                .low_stock_products
                .into_iter()
                .map(|p| DashboardLowStockProduct {
                    id: p.id,
                    name: p.name,
                    stock_quantity: p.stock_quantity,
                    category: p.category_name,
                })
                .collect(),
        },
        notifications: DashboardNotifications {
            total: d.notifications_total,
            recent: d.notifications_recent,
            failed: d.notifications_failed,
        },
    }))
}
