//! The ports: what the use cases need from the outside world. Adapters implement them; tests mock them
//! (`mockall`, exposed to other crates with the `mocks` feature).

mod attempt_ledger;
mod catalogue_queries;
mod catalogue_stores;
mod clock;
mod customer_repository;
mod customer_store;
mod dashboard_queries;
mod delivery_queue;
mod health;
mod identity_provider;
mod image_store;
mod jitter;
mod notification_queries;
mod notifier;
mod oidc_store;
mod order_queries;
mod order_store;
mod outbox;
mod password_hasher;
mod repository_error;
mod token_generator;
mod token_repository;
mod unit_of_work;
mod webhook_queue;
mod webhook_store;

pub use attempt_ledger::{AttemptId, AttemptKey, AttemptLedger, Reservation};
pub use catalogue_queries::{
    CatalogueQueries, CategoryDetails, CategoryFilter, CategorySort, ProductDetails, ProductFilter,
    ProductSort, TreeEntry,
};
pub use catalogue_stores::{
    CategoryStore, CategoryWriteError, DeleteError, ProductStore, ProductWriteError,
};
pub use clock::Clock;
pub use customer_repository::{
    CustomerQuery, CustomerRepository, CustomerSort, InsertCustomerError, StoredCredentials,
};
pub use customer_store::CustomerStore;
pub use dashboard_queries::{Dashboard, DashboardQueries, LowStockProduct, RecentOrder};
pub use delivery_queue::{
    ClaimedNotification, DeliveryOutcome, DeliveryQueue, QueueSnapshot, SeenWorker, WorkerInfo,
};
pub use health::{HealthProbe, PoolUsage};
pub use identity_provider::{
    AuthorizationRequest, IdentityClaims, IdentityProvider, ProviderError, ProviderTokens,
};
pub use image_store::{ImageStore, ImageStoreError};
pub use jitter::Jitter;
pub use notification_queries::{
    ChannelTotals, NotificationFilter, NotificationQueries, NotificationSort, NotificationStats,
    NotificationView,
};
pub use notifier::{DeliveryFailure, DeliveryReceipt, Notifier, OutgoingMessage};
pub use oidc_store::{LinkedIdentity, OidcStore, PendingLogin, PriorAccess};
pub use order_queries::{
    OrderEvent, OrderFilter, OrderQueries, OrderSort, OrderStatistics, OrderView,
};
pub use order_store::{NewOrderEvent, OrderStore, StoredIdempotencyKey};
pub use outbox::{Outbox, OutboxEvent};
pub use password_hasher::{PasswordHashError, PasswordHasher};
pub use repository_error::{Cause, RepositoryError};
pub use token_generator::{GeneratedToken, TokenGenerator, TokenHash};
pub use token_repository::{TokenGrant, TokenOwner, TokenRepository, TokenRevocation};
pub use unit_of_work::{single_write, transaction, Rollback, Transaction, UnitOfWork};
pub use webhook_queue::{
    AddressResolver, ClaimedWebhook, SecretGenerator, WebhookOutcome, WebhookPayloads,
    WebhookQueue, WebhookRequest, WebhookResponse, WebhookSender, WebhookSubject,
};
#[cfg(any(test, feature = "mocks"))]
pub use webhook_queue::{
    MockAddressResolver, MockSecretGenerator, MockWebhookPayloads, MockWebhookQueue,
    MockWebhookSender,
};
#[cfg(any(test, feature = "mocks"))]
pub use webhook_store::MockWebhookStore;
pub use webhook_store::{
    EndpointChanges, NewWebhookEndpoint, WebhookDelivery, WebhookDeliveryId, WebhookEndpoint,
    WebhookId, WebhookQueueFigures, WebhookStore,
};

#[cfg(any(test, feature = "mocks"))]
pub use attempt_ledger::MockAttemptLedger;
#[cfg(any(test, feature = "mocks"))]
pub use catalogue_queries::MockCatalogueQueries;
#[cfg(any(test, feature = "mocks"))]
pub use catalogue_stores::{MockCategoryStore, MockProductStore};
#[cfg(any(test, feature = "mocks"))]
pub use clock::MockClock;
#[cfg(any(test, feature = "mocks"))]
pub use customer_repository::MockCustomerRepository;
#[cfg(any(test, feature = "mocks"))]
pub use customer_store::MockCustomerStore;
#[cfg(any(test, feature = "mocks"))]
pub use dashboard_queries::MockDashboardQueries;
#[cfg(any(test, feature = "mocks"))]
pub use delivery_queue::MockDeliveryQueue;
#[cfg(any(test, feature = "mocks"))]
pub use health::MockHealthProbe;
#[cfg(any(test, feature = "mocks"))]
pub use identity_provider::MockIdentityProvider;
#[cfg(any(test, feature = "mocks"))]
pub use image_store::MockImageStore;
#[cfg(any(test, feature = "mocks"))]
pub use jitter::MockJitter;
#[cfg(any(test, feature = "mocks"))]
pub use notification_queries::MockNotificationQueries;
#[cfg(any(test, feature = "mocks"))]
pub use notifier::MockNotifier;
#[cfg(any(test, feature = "mocks"))]
pub use oidc_store::MockOidcStore;
#[cfg(any(test, feature = "mocks"))]
pub use order_queries::MockOrderQueries;
#[cfg(any(test, feature = "mocks"))]
pub use order_store::MockOrderStore;
#[cfg(any(test, feature = "mocks"))]
pub use outbox::MockOutbox;
#[cfg(any(test, feature = "mocks"))]
pub use password_hasher::MockPasswordHasher;
#[cfg(any(test, feature = "mocks"))]
pub use token_generator::MockTokenGenerator;
#[cfg(any(test, feature = "mocks"))]
pub use token_repository::MockTokenRepository;
