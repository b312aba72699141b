//! `auth/oidc/token/`: an app that ran the flow itself (a mobile app, say) trades its ID token for an API token.

use std::sync::Arc;

use super::{OidcAccounts, OidcError};
use crate::identity::Session;
use crate::ports::IdentityProvider;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenLoginInput {
    pub id_token: Option<String>,
    /// When given, userinfo completes the ID token's claims.
    pub access_token: Option<String>,
    /// When given, the ID token must carry it.
    pub nonce: Option<String>,
}

pub struct OidcTokenLogin {
    provider: Arc<dyn IdentityProvider>,
    accounts: Arc<OidcAccounts>,
}

impl OidcTokenLogin {
    pub fn new(provider: Arc<dyn IdentityProvider>, accounts: Arc<OidcAccounts>) -> Self {
        Self { provider, accounts }
    }

    pub fn execute(&self, input: TokenLoginInput) -> Result<Session, OidcError> {
        self.provider.ready()?;
        let id_token = input
            .id_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| OidcError::BadRequest("id_token is required.".into()))?;
        let nonce = input.nonce.as_deref().filter(|n| !n.is_empty());
        let mut claims = self.provider.verify_id_token(id_token, nonce)?;
        if let Some(access_token) = input.access_token.as_deref().filter(|t| !t.is_empty()) {
            let info = self.provider.user_info(access_token, &claims.subject)?;
            claims = claims.completed_by(info);
        }
        self.accounts.sign_in(&claims)
    }
}
