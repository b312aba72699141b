//! `auth/oidc/callback/`: the browser is back from the provider.

use std::sync::Arc;

use chrono::Duration;
use orderflow_domain::identity::NextPath;

use super::{OidcAccounts, OidcError, PENDING_LOGIN_MINUTES};
use crate::identity::Session;
use crate::ports::{Clock, IdentityProvider, OidcStore};

/// The query of the callback, as the provider sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackInput {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The state this browser started a sign-in with (the HTTP layer keeps it in a cookie). A callback from
    /// another browser is refused: otherwise a link to someone's callback would sign a victim in to the
    /// attacker's account (login CSRF).
    pub started_here: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcLogin {
    pub session: Session,
    /// Where the sign-in was started from, if it said.
    pub next: Option<NextPath>,
}

pub struct CompleteOidcLogin {
    provider: Arc<dyn IdentityProvider>,
    store: Arc<dyn OidcStore>,
    accounts: Arc<OidcAccounts>,
    clock: Arc<dyn Clock>,
}

impl CompleteOidcLogin {
    pub fn new(
        provider: Arc<dyn IdentityProvider>,
        store: Arc<dyn OidcStore>,
        accounts: Arc<OidcAccounts>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            provider,
            store,
            accounts,
            clock,
        }
    }

    pub fn execute(&self, input: CallbackInput) -> Result<OidcLogin, OidcError> {
        self.provider.ready()?;
        let state = input
            .state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| OidcError::BadRequest("The callback carries no state.".into()))?;
        // Taken first, whatever happens next: a state serves one callback only.
        let not_before = self.clock.now() - Duration::minutes(PENDING_LOGIN_MINUTES);
        let pending = self.store.take_pending(state, not_before)?;
        if input.started_here.as_deref() != Some(state) {
            return Err(OidcError::BadRequest(
                "This sign-in was not started in this browser (or its cookie was blocked); start again from auth/oidc/login/."
                    .into(),
            ));
        }
        if let Some(error) = input.error.as_deref().filter(|e| !e.is_empty()) {
            let description = input
                .error_description
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            return Err(OidcError::BadRequest(format!(
                "The identity provider did not sign you in: {error}{description}."
            )));
        }
        let pending = pending.ok_or_else(|| {
            OidcError::BadRequest(
                "Unknown or expired sign-in state; start again from auth/oidc/login/.".into(),
            )
        })?;
        let code = input
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OidcError::BadRequest("The callback carries no code.".into()))?;
        let tokens = self.provider.exchange_code(code, &pending.pkce_verifier)?;
        let mut claims = self
            .provider
            .verify_id_token(&tokens.id_token, Some(&pending.nonce))?;
        if let Some(access_token) = &tokens.access_token {
            let info = self.provider.user_info(access_token, &claims.subject)?;
            claims = claims.completed_by(info);
        }
        Ok(OidcLogin {
            session: self.accounts.sign_in(&claims)?,
            next: pending.next,
        })
    }
}
