use std::sync::Arc;

use super::Principal;
use crate::ports::{Clock, RepositoryError, TokenRepository};

/// Revokes the token the caller presented; their other sessions stay signed in.
pub struct LogOut {
    tokens: Arc<dyn TokenRepository>,
    clock: Arc<dyn Clock>,
}

impl LogOut {
    pub fn new(tokens: Arc<dyn TokenRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { tokens, clock }
    }

    pub fn execute(&self, principal: &Principal) -> Result<(), RepositoryError> {
        self.tokens.revoke(&principal.token, self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockTokenRepository;
    use crate::test_support::{customer, fixed_clock, now, token_hash};
    use mockall::predicate::eq;
    use orderflow_domain::identity::Role;

    #[test]
    fn revokes_exactly_the_presented_token() {
        let mut tokens = MockTokenRepository::new();
        tokens
            .expect_revoke()
            .with(eq(token_hash("this-device")), eq(now()))
            .times(1)
            .returning(|_, _| Ok(()));
        let principal = Principal {
            customer: customer(1, "a@example.com", Role::Customer),
            token: token_hash("this-device"),
        };
        LogOut::new(Arc::new(tokens), fixed_clock())
            .execute(&principal)
            .unwrap();
    }
}
