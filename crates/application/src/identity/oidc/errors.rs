use crate::ports::{InsertCustomerError, ProviderError, RepositoryError};

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("OpenID Connect is not configured on this server.")]
    NotConfigured,
    #[error("The identity provider cannot be reached right now: {0}")]
    Unavailable(String),
    /// A request that cannot go on: unknown, used or expired state, the provider's `error=`.
    #[error("{0}")]
    BadRequest(String),
    /// The `next` to return to after sign-in could lead off this site.
    #[error(transparent)]
    ForeignNext(#[from] orderflow_domain::identity::ForeignRedirect),
    /// A token that fails verification, or a code the provider refused.
    #[error("{0}")]
    InvalidToken(String),
    /// The email belongs to an account, and the provider did not verify it: no link, no new account. It names
    /// no address: the answer goes to whoever holds the provider identity, not to the account's owner.
    #[error("the provider's unverified email belongs to an account")]
    EmailTaken,
    #[error("user inactive or deleted")]
    Inactive,
    /// Too many sign-ins started from the client's address.
    #[error("too many sign-ins started: {0}")]
    Throttled(#[from] crate::identity::Throttled),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

impl From<ProviderError> for OidcError {
    fn from(error: ProviderError) -> Self {
        match error {
            ProviderError::NotConfigured => OidcError::NotConfigured,
            ProviderError::Unavailable(detail) => OidcError::Unavailable(detail),
            ProviderError::Refused(detail) => OidcError::InvalidToken(format!(
                "The identity provider refused the sign-in: {detail}"
            )),
            ProviderError::InvalidToken(detail) => {
                OidcError::InvalidToken(format!("Invalid ID token: {detail}"))
            }
        }
    }
}

impl From<InsertCustomerError> for OidcError {
    fn from(error: InsertCustomerError) -> Self {
        match error {
            // Lost a race with a registration of the same email: nothing was created.
            InsertCustomerError::DuplicateEmail => OidcError::BadRequest(
                "An account with this email was just created; sign in again.".into(),
            ),
            InsertCustomerError::Storage(error) => OidcError::Storage(error),
        }
    }
}
