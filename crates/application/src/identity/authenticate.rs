use std::sync::Arc;

use orderflow_domain::identity::{Customer, TokenLifetime};

use crate::ports::{Clock, RepositoryError, TokenGenerator, TokenHash, TokenRepository};

/// The caller of a request: the account behind the presented API token, and that token's hash (logout revokes
/// it; a password change keeps it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub customer: Customer,
    pub token: TokenHash,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Unknown, revoked or expired.
    #[error("invalid token")]
    InvalidToken,
    #[error("user inactive or deleted")]
    Inactive,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Resolves an API key to its account.
pub struct Authenticate {
    tokens: Arc<dyn TokenRepository>,
    generator: Arc<dyn TokenGenerator>,
    clock: Arc<dyn Clock>,
}

impl Authenticate {
    pub fn new(
        tokens: Arc<dyn TokenRepository>,
        generator: Arc<dyn TokenGenerator>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            tokens,
            generator,
            clock,
        }
    }

    pub fn execute(&self, key: &str) -> Result<Principal, AuthenticateError> {
        let hash = self.generator.hash(key);
        let owner = self
            .tokens
            .find_owner(&hash)?
            .ok_or(AuthenticateError::InvalidToken)?;
        // An inactive owner is reported first, even for a revoked token: deactivation revokes every token, and the
        // client should learn why its token stopped working.
        if !owner.customer.is_active {
            return Err(AuthenticateError::Inactive);
        }
        if owner.revoked_at.is_some()
            || TokenLifetime::is_expired(owner.expires_at, self.clock.now())
        {
            return Err(AuthenticateError::InvalidToken);
        }
        Ok(Principal {
            customer: owner.customer,
            token: hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockTokenRepository, TokenOwner};
    use crate::test_support::{customer, fixed_clock, generator_of, now, token_hash};
    use chrono::Duration;
    use mockall::predicate::eq;
    use orderflow_domain::identity::Role;

    fn authenticate(owner: Option<TokenOwner>) -> Result<Principal, AuthenticateError> {
        let mut tokens = MockTokenRepository::new();
        tokens
            .expect_find_owner()
            .with(eq(token_hash("presented")))
            .return_once(move |_| Ok(owner));
        Authenticate::new(
            Arc::new(tokens),
            Arc::new(generator_of("unused")),
            fixed_clock(),
        )
        .execute("presented")
    }

    fn owner(active: bool, expires_in: Duration, revoked: bool) -> TokenOwner {
        let mut bob = customer(5, "bob@example.com", Role::Staff);
        bob.is_active = active;
        TokenOwner {
            customer: bob,
            expires_at: now() + expires_in,
            revoked_at: revoked.then(now),
        }
    }

    #[test]
    fn a_live_token_resolves_to_its_owner() {
        let principal = authenticate(Some(owner(true, Duration::hours(1), false))).unwrap();
        assert_eq!(principal.customer.id.0, 5);
        assert_eq!(principal.token, token_hash("presented"));
    }

    #[test]
    fn unknown_expired_and_revoked_tokens_are_invalid() {
        assert!(matches!(
            authenticate(None),
            Err(AuthenticateError::InvalidToken)
        ));
        assert!(matches!(
            authenticate(Some(owner(true, Duration::zero(), false))),
            Err(AuthenticateError::InvalidToken)
        ));
        assert!(matches!(
            authenticate(Some(owner(true, Duration::hours(1), true))),
            Err(AuthenticateError::InvalidToken)
        ));
    }

    #[test]
    fn an_inactive_owner_is_reported_as_inactive_even_when_its_token_was_revoked() {
        assert!(matches!(
            authenticate(Some(owner(false, Duration::hours(1), true))),
            Err(AuthenticateError::Inactive)
        ));
    }
}
