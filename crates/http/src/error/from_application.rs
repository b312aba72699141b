//! How each use case's errors read over HTTP.

use orderflow_application::admin::{CreateAdminError, CustomerDirectoryError, ManageCustomerError};
use orderflow_application::identity::{
    AuthenticateError, ChangePasswordError, CloseAccountError, LogInError, RegisterCustomerError,
    Throttled, UpdateProfileError,
};
use orderflow_application::listing::InvalidPage;
use orderflow_application::ports::PasswordHashError;
use orderflow_application::validation::{FieldErrors, FieldProblem, Unique, NON_FIELD_ERRORS};

use super::ApiError;

/// 429: what was limited, and when to try again (also in `Retry-After`).
fn too_many(throttled: Throttled, what: &str) -> ApiError {
    let seconds = throttled.retry_after_seconds;
    ApiError::TooManyRequests {
        detail: format!("{what}. Try again in {seconds} seconds."),
        retry_after_seconds: seconds,
    }
}

impl From<PasswordHashError> for ApiError {
    fn from(error: PasswordHashError) -> Self {
        match error {
            PasswordHashError::Busy => ApiError::Busy(
                "The server is busy checking other passwords; retry in a moment.".into(),
            ),
            PasswordHashError::Failed(message) => ApiError::Internal(message),
        }
    }
}

impl From<InvalidPage> for ApiError {
    fn from(_: InvalidPage) -> Self {
        ApiError::InvalidPage
    }
}

impl From<RegisterCustomerError> for ApiError {
    fn from(error: RegisterCustomerError) -> Self {
        match error {
            RegisterCustomerError::Invalid(errors) => ApiError::Validation(errors),
            RegisterCustomerError::DuplicateEmail => ApiError::Validation(FieldErrors::single(
                "email",
                FieldProblem::Taken(Unique::Email),
            )),
            RegisterCustomerError::Throttled(throttled) => {
                too_many(throttled, "Too many registrations from this address")
            }
            RegisterCustomerError::Hashing(error) => error.into(),
            RegisterCustomerError::Storage(error) => error.into(),
        }
    }
}

impl From<LogInError> for ApiError {
    fn from(error: LogInError) -> Self {
        match error {
            LogInError::Invalid(errors) => ApiError::Validation(errors),
            LogInError::InvalidCredentials => ApiError::Validation(FieldErrors::single(
                NON_FIELD_ERRORS,
                FieldProblem::Worded("Invalid email or password.".into()),
            )),
            LogInError::Throttled(throttled) => {
                too_many(throttled, "Too many failed login attempts")
            }
            LogInError::Hashing(error) => error.into(),
            LogInError::Storage(error) => error.into(),
        }
    }
}

impl From<AuthenticateError> for ApiError {
    fn from(error: AuthenticateError) -> Self {
        match error {
            AuthenticateError::InvalidToken => ApiError::InvalidToken,
            AuthenticateError::Inactive => ApiError::InactiveUser,
            AuthenticateError::Storage(error) => error.into(),
        }
    }
}

impl From<UpdateProfileError> for ApiError {
    fn from(error: UpdateProfileError) -> Self {
        match error {
            UpdateProfileError::NotFound => ApiError::NotFound,
            UpdateProfileError::Invalid(errors) => ApiError::Validation(errors),
            UpdateProfileError::Storage(error) => error.into(),
        }
    }
}

impl From<ChangePasswordError> for ApiError {
    fn from(error: ChangePasswordError) -> Self {
        match error {
            ChangePasswordError::Invalid(errors) => ApiError::Validation(errors),
            ChangePasswordError::Throttled(throttled) => {
                too_many(throttled, "Too many wrong old passwords")
            }
            ChangePasswordError::Hashing(error) => error.into(),
            ChangePasswordError::Storage(error) => error.into(),
        }
    }
}

impl From<CloseAccountError> for ApiError {
    fn from(error: CloseAccountError) -> Self {
        match error {
            CloseAccountError::NotFound => ApiError::NotFound,
            CloseAccountError::Storage(error) => error.into(),
        }
    }
}

impl From<CreateAdminError> for ApiError {
    fn from(error: CreateAdminError) -> Self {
        match error {
            CreateAdminError::Invalid(errors) => ApiError::Validation(errors),
            CreateAdminError::DuplicateEmail => ApiError::Validation(FieldErrors::single(
                "email",
                FieldProblem::Taken(Unique::Email),
            )),
            CreateAdminError::Hashing(error) => error.into(),
            CreateAdminError::Storage(error) => error.into(),
        }
    }
}

impl From<CustomerDirectoryError> for ApiError {
    fn from(error: CustomerDirectoryError) -> Self {
        match error {
            CustomerDirectoryError::NotFound => ApiError::NotFound,
            CustomerDirectoryError::InvalidPage(error) => error.into(),
            CustomerDirectoryError::Storage(error) => error.into(),
        }
    }
}

impl From<ManageCustomerError> for ApiError {
    fn from(error: ManageCustomerError) -> Self {
        match error {
            ManageCustomerError::NotFound => ApiError::NotFound,
            ManageCustomerError::NotAllowed(reason) => ApiError::ForbiddenBecause(reason.into()),
            ManageCustomerError::Storage(error) => error.into(),
        }
    }
}

impl From<orderflow_application::catalogue::CatalogueError> for ApiError {
    fn from(error: orderflow_application::catalogue::CatalogueError) -> Self {
        use orderflow_application::catalogue::{CatalogueError, CatalogueItem};
        match error {
            CatalogueError::Invalid(errors) => ApiError::Validation(errors),
            CatalogueError::NotFound => ApiError::NotFound,
            CatalogueError::HasChildren => ApiError::Conflict(
                "This category has child categories: move or delete them first.".into(),
            ),
            CatalogueError::HasProducts => ApiError::Conflict(
                "This category holds products: move them to another category first.".into(),
            ),
            CatalogueError::InUse {
                what: CatalogueItem::Product,
            } => ApiError::Conflict(
                "This product appears on orders and cannot be deleted; set its status to discontinued instead."
                    .into(),
            ),
            CatalogueError::InUse {
                what: CatalogueItem::Category,
            } => ApiError::Conflict("This category is still in use.".into()),
            CatalogueError::SlugsExhausted => {
                ApiError::Conflict("Could not find a free slug; please retry.".into())
            }
            CatalogueError::ConcurrentChange => ApiError::Conflict(
                "Another import or edit is changing the same products; please retry.".into(),
            ),
            CatalogueError::InvalidPage(error) => error.into(),
            CatalogueError::ImageStorage(error) => ApiError::Internal(error.to_string()),
            CatalogueError::Storage(error) => error.into(),
        }
    }
}

impl From<orderflow_application::ordering::OrderError> for ApiError {
    fn from(error: orderflow_application::ordering::OrderError) -> Self {
        use orderflow_application::ordering::OrderError;
        match error {
            OrderError::Invalid(errors) | OrderError::Shortfall(errors) => {
                ApiError::Validation(errors)
            }
            OrderError::NotFound => ApiError::NotFound,
            OrderError::NotCancellable { .. } => {
                ApiError::BadRequest("Order cannot be cancelled in its current status".into())
            }
            OrderError::IllegalMove(refusal) => {
                ApiError::BadRequest(super::wording::illegal_transition(&refusal))
            }
            OrderError::AlreadyPaid => {
                ApiError::BadRequest("This order is already marked as paid.".into())
            }
            OrderError::NotPayable { status } => {
                ApiError::BadRequest(format!("A {status} order cannot be marked as paid."))
            }
            OrderError::DetailsLocked { status } => ApiError::BadRequest(format!(
                "The order is {status}: its details can only be changed while it is pending."
            )),
            OrderError::StockLimit {
                product_name,
                units,
            } => ApiError::Conflict(format!(
                "Returning {units} unit(s) of \"{product_name}\" would take its stock above the maximum of {}; \
                 lower that product's stock first. Nothing was changed.",
                orderflow_domain::catalogue::StockQuantity::MAX.units()
            )),
            OrderError::KeyReused => ApiError::Unprocessable(
                "This Idempotency-Key was already used with a different request; send a new key for a new order."
                    .into(),
            ),
            OrderError::KeyInFlight => ApiError::Conflict(
                "A request with this Idempotency-Key is still being processed; retry in a moment.".into(),
            ),
            OrderError::ProductsKeptChanging => ApiError::Conflict(
                "The products of this order changed while it was being placed; nothing was ordered. Please try again."
                    .into(),
            ),
            OrderError::InvalidPage(error) => error.into(),
            OrderError::Storage(error) => error.into(),
        }
    }
}

impl From<orderflow_application::notifications::NotificationError> for ApiError {
    fn from(error: orderflow_application::notifications::NotificationError) -> Self {
        use orderflow_application::notifications::NotificationError;
        match error {
            NotificationError::Invalid(errors) => ApiError::Validation(errors),
            NotificationError::NotFound => ApiError::NotFound,
            NotificationError::NotRetryable { status } => ApiError::BadRequest(format!(
                "Only a failed notification can be retried; this one is {status}."
            )),
            NotificationError::NoActiveAdmin => {
                ApiError::BadRequest("There is no active admin to alert.".into())
            }
            NotificationError::InvalidPage(error) => error.into(),
            NotificationError::Storage(error) => error.into(),
        }
    }
}

impl From<orderflow_application::identity::oidc::OidcError> for ApiError {
    fn from(error: orderflow_application::identity::oidc::OidcError) -> Self {
        use orderflow_application::identity::oidc::OidcError;
        match error {
            OidcError::NotConfigured => ApiError::UnavailableBecause(
                "OpenID Connect sign-in is not configured on this server.".into(),
            ),
            OidcError::Unavailable(cause) => {
                tracing::warn!(%cause, "identity provider unavailable");
                ApiError::UnavailableBecause(
                    "The identity provider cannot be reached right now; retry shortly.".into(),
                )
            }
            OidcError::BadRequest(detail) => ApiError::BadRequest(detail),
            OidcError::ForeignNext(_) => ApiError::BadRequest(
                "next must be a path on this site, such as /account/orders.".into(),
            ),
            OidcError::InvalidToken(detail) => ApiError::Unauthenticated(detail),
            OidcError::EmailTaken => ApiError::Conflict(
                "The email address your identity provider shared belongs to an account here, and the provider has \
                 not verified it, so you cannot be signed in to that account this way. Verify the address with your \
                 identity provider and sign in again, or sign in to the account as you usually do."
                    .into(),
            ),
            OidcError::Inactive => ApiError::InactiveUser,
            OidcError::Throttled(throttled) => {
                too_many(throttled, "Too many sign-ins started from this address")
            }
            OidcError::Storage(error) => error.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderflow_application::ordering::OrderError;

    #[test]
    fn products_that_kept_changing_are_a_conflict_that_says_nothing_was_ordered() {
        let ApiError::Conflict(detail) = ApiError::from(OrderError::ProductsKeptChanging) else {
            panic!("expected a 409")
        };
        assert!(detail.contains("nothing was ordered"), "{detail}");
    }
}
