//! What every handler can reach: the use cases, built once at start-up by the binary's wiring.

use std::sync::Arc;

use orderflow_application::admin::{
    AdminDashboard, CreateAdmin, CustomerDirectory, ManageCustomer,
};
use orderflow_application::catalogue::{
    BrowseCatalogue, ImportProducts, ManageCategories, ManageProducts,
};
use orderflow_application::identity::oidc::{
    CompleteOidcLogin, OidcAccounts, OidcTokenLogin, StartOidcLogin,
};
use orderflow_application::identity::{
    Authenticate, ChangePassword, CloseAccount, LogIn, LogOut, RegisterCustomer, UpdateProfile,
};
use orderflow_application::notifications::{
    BrowseNotifications, MonitorDelivery, RetryNotification, SendSystemAlert,
};
use orderflow_application::ordering::{BrowseOrders, ChangeOrders, PlaceOrder};
use orderflow_application::ports::HealthProbe;
use orderflow_application::webhooks::Webhooks;

use crate::lifecycle::Lifecycle;
use crate::metrics::Metrics;
use crate::origin::PublicOrigin;

pub struct AppState {
    pub register_customer: RegisterCustomer,
    pub log_in: LogIn,
    pub log_out: LogOut,
    pub authenticate: Authenticate,
    pub start_oidc_login: StartOidcLogin,
    pub complete_oidc_login: CompleteOidcLogin,
    pub oidc_token_login: OidcTokenLogin,
    pub oidc_accounts: Arc<OidcAccounts>,
    pub update_profile: UpdateProfile,
    pub change_password: ChangePassword,
    pub close_account: CloseAccount,
    pub customer_directory: CustomerDirectory,
    pub create_admin: CreateAdmin,
    pub manage_customer: ManageCustomer,
    pub admin_dashboard: AdminDashboard,
    pub browse_catalogue: BrowseCatalogue,
    pub manage_categories: ManageCategories,
    pub manage_products: ManageProducts,
    pub import_products: ImportProducts,
    pub place_order: PlaceOrder,
    pub change_orders: ChangeOrders,
    pub browse_orders: BrowseOrders,
    pub browse_notifications: BrowseNotifications,
    pub retry_notification: RetryNotification,
    pub send_system_alert: SendSystemAlert,
    pub webhooks: Webhooks,
    pub health: Arc<dyn HealthProbe>,
    pub lifecycle: Lifecycle,
    pub monitor_delivery: MonitorDelivery,
    /// Shared with the database pool, which reports its checkouts to it.
    pub metrics: Arc<Metrics>,
    pub settings: HttpSettings,
}

/// Settings of the HTTP layer itself.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Largest accepted JSON body.
    pub json_limit_bytes: usize,
    /// The version reported by `/health/` and `/api/`.
    pub version: &'static str,
    /// Where uploaded images are stored; served under `/media/`.
    pub media_root: std::path::PathBuf,
    /// The public address of the service and the proxies in front of it.
    pub origin: PublicOrigin,
    /// `/metrics/` is served by [`crate::app`]; `false` when [`crate::metrics_app`] serves it on a listener of its
    /// own (`METRICS_ADDR`), and the API's listener answers 404 there.
    pub metrics_on_main_listener: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            json_limit_bytes: 1024 * 1024,
            version: env!("CARGO_PKG_VERSION"),
            media_root: std::path::PathBuf::from("media"),
            origin: PublicOrigin::default(),
            metrics_on_main_listener: true,
        }
    }
}
