use chrono::{DateTime, Utc};

/// The current time; a port so that expiry and throttling rules are tested at chosen instants.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}
