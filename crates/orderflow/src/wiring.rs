//! Builds every use case from its adapters: the one place that knows which implementation serves which port.

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use orderflow_application::admin::{
    AdminDashboard, CreateAdmin, CustomerDirectory, ManageCustomer, SetPassword,
};
use orderflow_application::catalogue::{
    BrowseCatalogue, ImportProducts, ManageCategories, ManageProducts,
};
use orderflow_application::identity::oidc::{
    CompleteOidcLogin, OidcAccounts, OidcTokenLogin, StartOidcLogin,
};
use orderflow_application::identity::{
    AttemptCounter, AttemptLimits, Authenticate, ChangePassword, CloseAccount, LogIn, LogOut,
    RegisterCustomer, TokenIssuer, UpdateProfile,
};
use orderflow_application::notifications::{
    BrowseNotifications, DeliverNotifications, DeliveryHealth, ExpandOutboxEvents, MonitorDelivery,
    RetryNotification, SendSystemAlert,
};
use orderflow_application::ordering::{BrowseOrders, ChangeOrders, PlaceOrder};
use orderflow_application::ports::{
    AttemptLedger, CatalogueQueries, Clock, CustomerRepository, DeliveryQueue, IdentityProvider,
    ImageStore, Jitter, NotificationQueries, Notifier, OidcStore, OrderQueries, PasswordHashError,
    PasswordHasher, TokenGenerator, TokenRepository, UnitOfWork, WorkerInfo,
};
use orderflow_application::webhooks::{DeliverWebhooks, Webhooks};
use orderflow_credentials::{Argon2Hasher, RandomTokenGenerator, RandomWebhookSecrets};
use orderflow_domain::identity::{PasswordPolicy, TokenLifetime};
use orderflow_http::{ApiPayloads, AppState, HttpSettings, Lifecycle, Metrics, PublicOrigin};
use orderflow_media::FsImageStore;
use orderflow_notifications::{
    AfricasTalkingSms, HttpWebhookSender, LogNotifier, SmtpEmail, SystemResolver,
};
use orderflow_persistence::{
    CheckoutObserver, DbPool, PgAttemptLedger, PgCatalogueQueries, PgCustomerRepository,
    PgDashboardQueries, PgDeliveryQueue, PgHealthProbe, PgNotificationQueries, PgOidcStore,
    PgOrderQueries, PgTokenRepository, PgUnitOfWork, PgWebhookQueue, PgWebhookStore,
};

use crate::config::{EmailBackend, NotificationsConfig, SmsBackend, WebhooksConfig};
use crate::Config;

/// The wall clock, to the microsecond: what Postgres keeps, so that a value written and read back is equal.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// Retry jitter from the thread's random generator.
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn sample(&self) -> f64 {
        rand::random::<f64>()
    }
}

/// The pool's checkouts, counted in the service's metrics.
pub struct CheckoutsInMetrics(pub Arc<Metrics>);

impl std::fmt::Debug for CheckoutsInMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckoutsInMetrics")
    }
}

impl CheckoutObserver for CheckoutsInMetrics {
    fn checked_out(&self, waited: std::time::Duration) {
        self.0.record_checkout(waited);
    }

    fn timed_out(&self) {
        self.0.record_checkout_timeout();
    }
}

/// The adapters, built once and shared by the use cases.
pub struct Adapters {
    pub customers: Arc<dyn CustomerRepository>,
    pub tokens: Arc<dyn TokenRepository>,
    pub attempts: Arc<dyn AttemptLedger>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub token_generator: Arc<dyn TokenGenerator>,
    pub clock: Arc<dyn Clock>,
    pub unit_of_work: Arc<dyn UnitOfWork>,
    pub catalogue: Arc<dyn CatalogueQueries>,
    pub images: Arc<dyn ImageStore>,
    pub orders: Arc<dyn OrderQueries>,
    pub delivery_queue: Arc<dyn DeliveryQueue>,
    pub notifications: Arc<dyn NotificationQueries>,
    /// For the adapters built per use (the webhook store and queue).
    pub pool: DbPool,
}

/// What the adapters need beyond the pool.
#[derive(Debug, Clone)]
pub struct AdapterSettings {
    /// Where uploaded images are stored.
    pub media_root: std::path::PathBuf,
    /// At most this many password hashes at once ...
    pub password_hash_concurrency: usize,
    /// ... and a caller waits at most this long for its turn.
    pub password_hash_wait: std::time::Duration,
}

impl AdapterSettings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            media_root: config.media_root.clone(),
            password_hash_concurrency: config.password_hash_concurrency,
            password_hash_wait: config.password_hash_wait,
        }
    }
}

impl Default for AdapterSettings {
    fn default() -> Self {
        Self {
            media_root: "media".into(),
            password_hash_concurrency: 2,
            password_hash_wait: std::time::Duration::from_secs(2),
        }
    }
}

impl Adapters {
    pub fn new(pool: &DbPool, settings: &AdapterSettings) -> Result<Self, PasswordHashError> {
        Ok(Self {
            customers: Arc::new(PgCustomerRepository::new(pool.clone())),
            tokens: Arc::new(PgTokenRepository::new(pool.clone())),
            attempts: Arc::new(PgAttemptLedger::new(pool.clone())),
            hasher: Arc::new(Argon2Hasher::new(
                settings.password_hash_concurrency,
                settings.password_hash_wait,
            )?),
            token_generator: Arc::new(RandomTokenGenerator),
            clock: Arc::new(SystemClock),
            unit_of_work: Arc::new(PgUnitOfWork::new(pool.clone())),
            catalogue: Arc::new(PgCatalogueQueries::new(pool.clone())),
            images: Arc::new(FsImageStore::new(&settings.media_root)),
            orders: Arc::new(PgOrderQueries::new(pool.clone())),
            delivery_queue: Arc::new(PgDeliveryQueue::new(pool.clone())),
            notifications: Arc::new(PgNotificationQueries::new(pool.clone())),
            pool: pool.clone(),
        })
    }

    /// A delivery worker's use case, with the providers the configuration names.
    pub fn deliver_notifications(
        &self,
        config: &NotificationsConfig,
        worker: WorkerInfo,
    ) -> Result<DeliverNotifications, String> {
        let sms: Arc<dyn Notifier> = match &config.sms {
            SmsBackend::Log => Arc::new(LogNotifier),
            SmsBackend::AfricasTalking(settings) => {
                Arc::new(AfricasTalkingSms::new(settings.clone()).map_err(|e| e.to_string())?)
            }
        };
        let email: Arc<dyn Notifier> = match &config.email {
            EmailBackend::Log => Arc::new(LogNotifier),
            EmailBackend::Smtp(settings) => {
                Arc::new(SmtpEmail::new(settings.clone()).map_err(|e| e.to_string())?)
            }
        };
        Ok(DeliverNotifications::new(
            self.delivery_queue.clone(),
            sms,
            email,
            self.clock.clone(),
            Arc::new(RandomJitter),
            config.delivery,
            worker,
        ))
    }

    /// The workers' first step: recorded changes into messages, a delivery batch at a time.
    pub fn expand_outbox_events(&self, config: &NotificationsConfig) -> ExpandOutboxEvents {
        ExpandOutboxEvents::new(
            self.unit_of_work.clone(),
            self.clock.clone(),
            config.sms_caps,
            config.delivery.batch_size,
        )
    }

    /// The admins' webhook use cases.
    pub fn webhooks(&self, config: &WebhooksConfig) -> Webhooks {
        Webhooks::new(
            Arc::new(PgWebhookStore::new(self.pool.clone())),
            Arc::new(RandomWebhookSecrets),
            Arc::new(SystemResolver),
            self.clock.clone(),
            config.settings,
        )
    }

    /// A delivery worker's webhook use case. `public_base_url`: for absolute image URLs in product bodies.
    pub fn deliver_webhooks(
        &self,
        config: &WebhooksConfig,
        public_base_url: Option<&url::Url>,
        worker: &WorkerInfo,
    ) -> DeliverWebhooks {
        let base = public_base_url.map(|url| url.as_str().trim_end_matches('/').to_owned());
        DeliverWebhooks::new(
            Arc::new(PgWebhookQueue::new(self.pool.clone())),
            Arc::new(ApiPayloads::new(
                self.orders.clone(),
                self.catalogue.clone(),
                base.as_deref(),
            )),
            Arc::new(HttpWebhookSender::new(
                config.timeout,
                config.settings.allow_private,
            )),
            Arc::new(SystemResolver),
            self.clock.clone(),
            Arc::new(RandomJitter),
            config.settings,
            worker.id.clone(),
        )
    }

    pub fn delivery_health(&self) -> DeliveryHealth {
        DeliveryHealth::new(self.delivery_queue.clone(), self.clock.clone())
    }

    pub fn create_admin(&self) -> CreateAdmin {
        CreateAdmin::new(
            self.customers.clone(),
            self.hasher.clone(),
            self.clock.clone(),
            PasswordPolicy::default(),
        )
    }

    pub fn import_products(&self) -> ImportProducts {
        ImportProducts::new(self.unit_of_work.clone(), self.clock.clone())
    }

    /// Attempts counted against `limits` in the shared ledger.
    pub fn attempt_counter(&self, limits: AttemptLimits) -> AttemptCounter {
        AttemptCounter::new(self.attempts.clone(), self.clock.clone(), limits)
    }

    /// Registration as the seed data uses it (no client address: nothing to limit).
    pub fn register_customer(&self, lifetime: TokenLifetime) -> RegisterCustomer {
        let issuer = TokenIssuer::new(self.token_generator.clone(), self.clock.clone(), lifetime);
        RegisterCustomer::new(
            self.customers.clone(),
            self.hasher.clone(),
            issuer,
            PasswordPolicy::default(),
            self.attempt_counter(AttemptLimits::default()),
        )
    }

    pub fn set_password(&self) -> SetPassword {
        SetPassword::new(
            self.customers.clone(),
            self.hasher.clone(),
            self.clock.clone(),
            PasswordPolicy::default(),
        )
    }
}

/// Everything the HTTP layer needs.
pub fn app_state(
    config: &Config,
    pool: &DbPool,
    adapters: &Adapters,
    identity_provider: Arc<dyn IdentityProvider>,
    lifecycle: Lifecycle,
    metrics: Arc<Metrics>,
) -> AppState {
    let a = adapters;
    let oidc_store: Arc<dyn OidcStore> = Arc::new(PgOidcStore::new(pool.clone()));
    let oidc_accounts = Arc::new(OidcAccounts::new(
        oidc_store.clone(),
        a.customers.clone(),
        a.tokens.clone(),
        TokenIssuer::new(
            a.token_generator.clone(),
            a.clock.clone(),
            config.token_lifetime,
        ),
        a.clock.clone(),
    ));
    let policy = PasswordPolicy::default();
    let issuer = TokenIssuer::new(
        a.token_generator.clone(),
        a.clock.clone(),
        config.token_lifetime,
    );
    let attempts = a.attempt_counter(config.attempt_limits);
    AppState {
        register_customer: RegisterCustomer::new(
            a.customers.clone(),
            a.hasher.clone(),
            issuer.clone(),
            policy,
            attempts.clone(),
        ),
        log_in: LogIn::new(
            a.customers.clone(),
            a.tokens.clone(),
            attempts.clone(),
            a.hasher.clone(),
            issuer,
        ),
        log_out: LogOut::new(a.tokens.clone(), a.clock.clone()),
        authenticate: Authenticate::new(
            a.tokens.clone(),
            a.token_generator.clone(),
            a.clock.clone(),
        ),
        start_oidc_login: StartOidcLogin::new(
            identity_provider.clone(),
            oidc_store.clone(),
            a.clock.clone(),
            attempts.clone(),
        ),
        complete_oidc_login: CompleteOidcLogin::new(
            identity_provider.clone(),
            oidc_store,
            oidc_accounts.clone(),
            a.clock.clone(),
        ),
        oidc_token_login: OidcTokenLogin::new(identity_provider, oidc_accounts.clone()),
        oidc_accounts,
        update_profile: UpdateProfile::new(a.customers.clone(), a.clock.clone()),
        change_password: ChangePassword::new(
            a.customers.clone(),
            a.hasher.clone(),
            a.clock.clone(),
            policy,
            attempts,
        ),
        close_account: CloseAccount::new(a.customers.clone(), a.clock.clone()),
        customer_directory: CustomerDirectory::new(a.customers.clone()),
        create_admin: a.create_admin(),
        manage_customer: ManageCustomer::new(a.customers.clone(), a.clock.clone()),
        admin_dashboard: AdminDashboard::new(
            Arc::new(PgDashboardQueries::new(pool.clone())),
            a.clock.clone(),
        ),
        browse_catalogue: BrowseCatalogue::new(a.catalogue.clone()),
        manage_categories: ManageCategories::new(
            a.unit_of_work.clone(),
            a.catalogue.clone(),
            a.images.clone(),
            a.clock.clone(),
        ),
        manage_products: ManageProducts::new(
            a.unit_of_work.clone(),
            a.catalogue.clone(),
            a.images.clone(),
            a.clock.clone(),
        ),
        import_products: a.import_products(),
        place_order: PlaceOrder::new(a.unit_of_work.clone(), a.orders.clone(), a.clock.clone()),
        change_orders: ChangeOrders::new(
            a.unit_of_work.clone(),
            a.orders.clone(),
            a.clock.clone(),
            config.notifications.sms_caps,
        ),
        browse_orders: BrowseOrders::new(a.orders.clone()),
        browse_notifications: BrowseNotifications::new(a.notifications.clone()),
        retry_notification: RetryNotification::new(
            a.delivery_queue.clone(),
            a.notifications.clone(),
            a.clock.clone(),
        ),
        send_system_alert: SendSystemAlert::new(a.unit_of_work.clone(), a.clock.clone()),
        webhooks: a.webhooks(&config.webhooks),
        health: Arc::new(PgHealthProbe::new(pool.clone())),
        lifecycle,
        monitor_delivery: MonitorDelivery::new(
            a.delivery_queue.clone(),
            a.notifications.clone(),
            a.clock.clone(),
        ),
        metrics,
        settings: HttpSettings {
            media_root: config.media_root.clone(),
            origin: PublicOrigin {
                base_url: config.public_base_url.clone(),
                trusted_proxies: config.trusted_proxies.clone(),
            },
            metrics_on_main_listener: config.metrics_addr.is_none(),
            ..HttpSettings::default()
        },
    }
}
