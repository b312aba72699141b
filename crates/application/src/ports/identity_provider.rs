//! The OpenID Connect provider, as the sign-in use cases need it. The adapter keeps the protocol library's types.

/// Where to send the browser, and the secrets to keep until it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What the token endpoint returned for an authorization code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokens {
    pub id_token: String,
    pub access_token: Option<String>,
}

/// What the provider says about the person: the verified ID token's claims, completed by userinfo.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityClaims {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub phone_number: Option<String>,
}

impl IdentityClaims {
    /// Fills what this set lacks from `other` (userinfo completing an ID token).
    pub fn completed_by(mut self, other: IdentityClaims) -> Self {
        if self.email.is_none() {
            self.email = other.email;
            self.email_verified = other.email_verified;
        }
        self.given_name = self.given_name.or(other.given_name);
        self.family_name = self.family_name.or(other.family_name);
        self.phone_number = self.phone_number.or(other.phone_number);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("OpenID Connect is not configured")]
    NotConfigured,
    /// Discovery has not succeeded yet, or the provider did not answer.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the request (an authorization code it does not know, a wrong PKCE verifier).
    #[error("the identity provider refused: {0}")]
    Refused(String),
    /// A token that fails verification: signature, issuer, audience, expiry or nonce.
    #[error("invalid token: {0}")]
    InvalidToken(String),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait IdentityProvider: Send + Sync {
    /// Whether sign-in can proceed: configured, and the provider discovered.
    fn ready(&self) -> Result<(), ProviderError>;

    /// A fresh authorization-code request with PKCE (S256), `state` and `nonce`.
    fn authorization_request(&self) -> Result<AuthorizationRequest, ProviderError>;

    /// Exchanges an authorization code, proving possession of the PKCE verifier.
    fn exchange_code(
        &self,
        code: &str,
        pkce_verifier: &str,
    ) -> Result<ProviderTokens, ProviderError>;

    /// Verifies an ID token: signature against the provider's keys, issuer, audience, expiry, and the nonce when
    /// one is given.
    // The named lifetime is for mockall, which cannot mock an elided one inside `Option`.
    #[allow(clippy::needless_lifetimes)]
    fn verify_id_token<'a>(
        &self,
        id_token: &str,
        nonce: Option<&'a str>,
    ) -> Result<IdentityClaims, ProviderError>;

    /// The userinfo endpoint's claims; an answer about another subject than `subject` is an invalid token.
    fn user_info(&self, access_token: &str, subject: &str)
        -> Result<IdentityClaims, ProviderError>;
}
