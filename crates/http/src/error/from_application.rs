//! How each use case's errors read over HTTP.

use orderflow_application::admin::{CreateAdminError, CustomerDirectoryError, ManageCustomerError};
use orderflow_application::catalogue::{
    BrowseCatalogueError, ImportProductsError, ManageCategoryError, ManageProductError,
};
use orderflow_application::identity::{
    AuthenticateError, ChangePasswordError, CloseAccountError, LogInError, RegisterCustomerError,
    Throttled, UpdateProfileError,
};
use orderflow_application::listing::InvalidPage;
use orderflow_application::notifications::{
    BrowseNotificationsError, RetryNotificationError, SendAlertError,
};
use orderflow_application::ordering::{BrowseOrdersError, ChangeOrderError, PlaceOrderError};
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

impl From<BrowseCatalogueError> for ApiError {
    fn from(error: BrowseCatalogueError) -> Self {
        match error {
            BrowseCatalogueError::Invalid(errors) => ApiError::Validation(errors),
            BrowseCatalogueError::NotFound => ApiError::NotFound,
            BrowseCatalogueError::InvalidPage(error) => error.into(),
            BrowseCatalogueError::Storage(error) => error.into(),
        }
    }
}

const NO_FREE_SLUG: &str = "Could not find a free slug; please retry.";

impl From<ManageCategoryError> for ApiError {
    fn from(error: ManageCategoryError) -> Self {
        match error {
            ManageCategoryError::Invalid(errors) => ApiError::Validation(errors),
            ManageCategoryError::NotFound => ApiError::NotFound,
            ManageCategoryError::HasChildren => ApiError::Conflict(
                "This category has child categories: move or delete them first.".into(),
            ),
            ManageCategoryError::HasProducts => ApiError::Conflict(
                "This category holds products: move them to another category first.".into(),
            ),
            ManageCategoryError::InUse => {
                ApiError::Conflict("This category is still in use.".into())
            }
            ManageCategoryError::SlugsExhausted => ApiError::Conflict(NO_FREE_SLUG.into()),
            ManageCategoryError::ImageStorage(error) => ApiError::Internal(error.to_string()),
            ManageCategoryError::Storage(error) => error.into(),
        }
    }
}

impl From<ManageProductError> for ApiError {
    fn from(error: ManageProductError) -> Self {
        match error {
            ManageProductError::Invalid(errors) => ApiError::Validation(errors),
            ManageProductError::NotFound => ApiError::NotFound,
            ManageProductError::InUse => ApiError::Conflict(
                "This product appears on orders and cannot be deleted; set its status to discontinued instead."
                    .into(),
            ),
            ManageProductError::SlugsExhausted => ApiError::Conflict(NO_FREE_SLUG.into()),
            ManageProductError::ImageStorage(error) => ApiError::Internal(error.to_string()),
            ManageProductError::Storage(error) => error.into(),
        }
    }
}

impl From<ImportProductsError> for ApiError {
    fn from(error: ImportProductsError) -> Self {
        match error {
            ImportProductsError::Invalid(errors) => ApiError::Validation(errors),
            ImportProductsError::ConcurrentChange => ApiError::Conflict(
                "Another import or edit is changing the same products; please retry.".into(),
            ),
            ImportProductsError::Storage(error) => error.into(),
        }
    }
}

impl From<PlaceOrderError> for ApiError {
    fn from(error: PlaceOrderError) -> Self {
        match error {
            PlaceOrderError::Invalid(errors) | PlaceOrderError::Shortfall(errors) => {
                ApiError::Validation(errors)
            }
            PlaceOrderError::KeyReused => ApiError::Unprocessable(
                "This Idempotency-Key was already used with a different request; send a new key for a new order."
                    .into(),
            ),
            PlaceOrderError::KeyInFlight => ApiError::Conflict(
                "A request with this Idempotency-Key is still being processed; retry in a moment.".into(),
            ),
            PlaceOrderError::ProductsKeptChanging => ApiError::Conflict(
                "The products of this order changed while it was being placed; nothing was ordered. Please try again."
                    .into(),
            ),
            PlaceOrderError::ReplayedOrderGone => ApiError::NotFound,
            PlaceOrderError::Storage(error) => error.into(),
        }
    }
}

impl From<ChangeOrderError> for ApiError {
    fn from(error: ChangeOrderError) -> Self {
        match error {
            ChangeOrderError::Invalid(errors) => ApiError::Validation(errors),
            ChangeOrderError::NotFound => ApiError::NotFound,
            ChangeOrderError::NotCancellable { .. } => {
                ApiError::BadRequest("Order cannot be cancelled in its current status".into())
            }
            ChangeOrderError::IllegalMove(refusal) => {
                ApiError::BadRequest(super::wording::illegal_transition(&refusal))
            }
            ChangeOrderError::AlreadyPaid => {
                ApiError::BadRequest("This order is already marked as paid.".into())
            }
            ChangeOrderError::NotPayable { status } => {
                ApiError::BadRequest(format!("A {status} order cannot be marked as paid."))
            }
            ChangeOrderError::DetailsLocked { status } => ApiError::BadRequest(format!(
                "The order is {status}: its details can only be changed while it is pending."
            )),
            ChangeOrderError::StockLimit {
                product_name,
                units,
            } => ApiError::Conflict(format!(
                "Returning {units} unit(s) of \"{product_name}\" would take its stock above the maximum of {}; \
                 lower that product's stock first. Nothing was changed.",
                orderflow_domain::catalogue::StockQuantity::MAX.units()
            )),
            ChangeOrderError::Storage(error) => error.into(),
        }
    }
}

impl From<BrowseOrdersError> for ApiError {
    fn from(error: BrowseOrdersError) -> Self {
        match error {
            BrowseOrdersError::Invalid(errors) => ApiError::Validation(errors),
            BrowseOrdersError::NotFound => ApiError::NotFound,
            BrowseOrdersError::InvalidPage(error) => error.into(),
            BrowseOrdersError::Storage(error) => error.into(),
        }
    }
}

impl From<BrowseNotificationsError> for ApiError {
    fn from(error: BrowseNotificationsError) -> Self {
        match error {
            BrowseNotificationsError::Invalid(errors) => ApiError::Validation(errors),
            BrowseNotificationsError::NotFound => ApiError::NotFound,
            BrowseNotificationsError::InvalidPage(error) => error.into(),
            BrowseNotificationsError::Storage(error) => error.into(),
        }
    }
}

impl From<RetryNotificationError> for ApiError {
    fn from(error: RetryNotificationError) -> Self {
        match error {
            RetryNotificationError::NotFound => ApiError::NotFound,
            RetryNotificationError::NotRetryable { status } => ApiError::BadRequest(format!(
                "Only a failed notification can be retried; this one is {status}."
            )),
            RetryNotificationError::Storage(error) => error.into(),
        }
    }
}

impl From<SendAlertError> for ApiError {
    fn from(error: SendAlertError) -> Self {
        match error {
            SendAlertError::Invalid(errors) => ApiError::Validation(errors),
            SendAlertError::NoActiveAdmin => {
                ApiError::BadRequest("There is no active admin to alert.".into())
            }
            SendAlertError::Storage(error) => error.into(),
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
    use orderflow_application::ordering::PlaceOrderError;

    #[test]
    fn products_that_kept_changing_are_a_conflict_that_says_nothing_was_ordered() {
        let ApiError::Conflict(detail) = ApiError::from(PlaceOrderError::ProductsKeptChanging)
        else {
            panic!("expected a 409")
        };
        assert!(detail.contains("nothing was ordered"), "{detail}");
    }
}
