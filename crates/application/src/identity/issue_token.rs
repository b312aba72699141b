use std::sync::Arc;

use orderflow_domain::identity::TokenLifetime;

use crate::ports::{Clock, GeneratedToken, TokenGenerator, TokenGrant};

/// Mints API tokens: a random key for the client and the hashed, expiring record to store.
#[derive(Clone)]
pub struct TokenIssuer {
    generator: Arc<dyn TokenGenerator>,
    clock: Arc<dyn Clock>,
    lifetime: TokenLifetime,
}

impl TokenIssuer {
    pub fn new(
        generator: Arc<dyn TokenGenerator>,
        clock: Arc<dyn Clock>,
        lifetime: TokenLifetime,
    ) -> Self {
        Self {
            generator,
            clock,
            lifetime,
        }
    }

    /// The key for the client and the grant to store.
    pub fn mint(&self) -> (String, TokenGrant) {
        let GeneratedToken { key, hash } = self.generator.generate();
        let now = self.clock.now();
        let record = TokenGrant {
            hash,
            created_at: now,
            expires_at: self.lifetime.expiry_for(now),
        };
        (key, record)
    }
}
