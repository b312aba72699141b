//! `auth/oidc/login/`: a fresh authorization request, its secrets kept server-side.

use std::sync::Arc;

use chrono::Duration;
use orderflow_domain::identity::NextPath;

use super::{OidcError, PENDING_LOGIN_MINUTES};
use crate::identity::AttemptCounter;
use crate::ports::{AttemptKey, Clock, IdentityProvider, OidcStore, PendingLogin};

/// Where to send the browser, and the state it must come back with (the HTTP layer also binds it to the browser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedLogin {
    pub url: String,
    pub state: String,
}

pub struct StartOidcLogin {
    provider: Arc<dyn IdentityProvider>,
    store: Arc<dyn OidcStore>,
    clock: Arc<dyn Clock>,
    attempts: AttemptCounter,
}

impl StartOidcLogin {
    pub fn new(
        provider: Arc<dyn IdentityProvider>,
        store: Arc<dyn OidcStore>,
        clock: Arc<dyn Clock>,
        attempts: AttemptCounter,
    ) -> Self {
        Self {
            provider,
            store,
            clock,
            attempts,
        }
    }

    /// The provider's authorization URL to redirect the browser to. `next`, a path of this site, is where the
    /// browser goes once signed in. Every sign-in started keeps a pending row for ten minutes, so starts are
    /// limited per client address.
    pub fn execute(
        &self,
        next: Option<&str>,
        client_address: Option<&str>,
    ) -> Result<StartedLogin, OidcError> {
        let next = next
            .filter(|raw| !raw.trim().is_empty())
            .map(NextPath::parse)
            .transpose()?;
        let request = self.provider.authorization_request()?;
        if let Some(address) = client_address {
            let limit = self.attempts.limits().oidc_start_per_address;
            self.attempts
                .reserve(&[(AttemptKey::oidc_start_address(address), limit)])??;
        }
        let now = self.clock.now();
        self.store.save_pending(
            &PendingLogin {
                state: request.state.clone(),
                nonce: request.nonce,
                pkce_verifier: request.pkce_verifier,
                next,
                created_at: now,
            },
            now - Duration::minutes(PENDING_LOGIN_MINUTES),
        )?;
        Ok(StartedLogin {
            url: request.url,
            state: request.state,
        })
    }
}
