//! The identity-provider port over OpenID Connect (openidconnect 4): discovery, authorization code with PKCE
//! (S256), ID tokens verified against the provider's keys (refetched when an unknown `kid` appears), userinfo.
//!
//! The HTTP client follows no redirects (a redirect could send a request, and a client secret, elsewhere) and
//! every call has a timeout. It is a blocking client, built on first use: the use cases run on blocking threads,
//! and a blocking client may be neither created nor dropped on an async one.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    reqwest, AccessToken, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    SignatureVerificationError, SubjectIdentifier, TokenResponse,
};
use orderflow_application::ports::{
    AuthorizationRequest, IdentityClaims, IdentityProvider, ProviderError, ProviderTokens,
};
use secrecy::{ExposeSecret, SecretString};

/// What the deployment says about its provider.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer_url: String,
    pub client_id: String,
    /// `None` for a public client (PKCE only).
    pub client_secret: Option<SecretString>,
    /// This service's `auth/oidc/callback/`, exactly as registered with the provider.
    pub redirect_url: String,
    pub scopes: Vec<String>,
    /// Every call to the provider.
    pub timeout: Duration,
    /// Keys are refetched for an unknown `kid` at most this often, so forged tokens cannot make us hammer the
    /// provider.
    pub key_refresh_spacing: Duration,
}

/// The claims OrderFlow reads, from an ID token's or a userinfo answer's (the library gives both types the same
/// getters, but no common trait).
macro_rules! identity_claims {
    ($claims:expr, $issuer:expr) => {
        IdentityClaims {
            issuer: $issuer,
            subject: $claims.subject().to_string(),
            email: $claims.email().map(|e| e.to_string()),
            email_verified: $claims.email_verified().unwrap_or(false),
            given_name: $claims
                .given_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            family_name: $claims
                .family_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            phone_number: $claims.phone_number().map(|p| p.to_string()),
        }
    };
}

type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

pub struct OpenIdProvider {
    settings: OidcSettings,
    http: OnceLock<Result<reqwest::blocking::Client, String>>,
    client: RwLock<Option<Arc<DiscoveredClient>>>,
    last_discovery: Mutex<Option<Instant>>,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid OIDC setting {variable}: {problem}")]
pub struct OidcSetupError {
    pub variable: &'static str,
    pub problem: String,
}

fn unavailable(error: impl std::fmt::Display) -> ProviderError {
    ProviderError::Unavailable(error.to_string())
}

impl OpenIdProvider {
    /// Checks the settings; no network call (see [`OpenIdProvider::discover`]).
    pub fn new(settings: OidcSettings) -> Result<Self, OidcSetupError> {
        IssuerUrl::new(settings.issuer_url.clone()).map_err(|e| OidcSetupError {
            variable: "OIDC_ISSUER_URL",
            problem: e.to_string(),
        })?;
        RedirectUrl::new(settings.redirect_url.clone()).map_err(|e| OidcSetupError {
            variable: "OIDC_REDIRECT_URL",
            problem: e.to_string(),
        })?;
        Ok(Self {
            settings,
            http: OnceLock::new(),
            client: RwLock::new(None),
            last_discovery: Mutex::new(None),
        })
    }

    fn http(&self) -> Result<&reqwest::blocking::Client, ProviderError> {
        self.http
            .get_or_init(|| {
                reqwest::blocking::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(self.settings.timeout)
                    .connect_timeout(self.settings.timeout)
                    .build()
                    .map_err(|e| format!("cannot build the HTTP client: {e}"))
            })
            .as_ref()
            .map_err(|e| ProviderError::Unavailable(e.clone()))
    }

    /// Fetches the discovery document and the provider's keys. Until one succeeds, every operation answers
    /// `Unavailable`; the binary retries it in the background.
    pub fn discover(&self) -> Result<(), ProviderError> {
        if let Ok(mut last) = self.last_discovery.lock() {
            *last = Some(Instant::now());
        }
        let issuer = IssuerUrl::new(self.settings.issuer_url.clone()).map_err(unavailable)?;
        let metadata = CoreProviderMetadata::discover(&issuer, self.http()?)
            .map_err(|e| ProviderError::Unavailable(format!("discovery of {issuer}: {e}")))?;
        let redirect = RedirectUrl::new(self.settings.redirect_url.clone()).map_err(unavailable)?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            // openidconnect keeps it in a `ClientSecret`, whose Debug does not show it either.
            self.settings
                .client_secret
                .as_ref()
                .map(|secret| ClientSecret::new(secret.expose_secret().to_owned())),
        )
        .set_redirect_uri(redirect);
        if let Ok(mut slot) = self.client.write() {
            *slot = Some(Arc::new(client));
        }
        Ok(())
    }

    pub fn is_discovered(&self) -> bool {
        self.client.read().map(|c| c.is_some()).unwrap_or(false)
    }

    /// The discovered client; one more discovery attempt first if none succeeded yet and the last is not recent.
    fn client(&self) -> Result<Arc<DiscoveredClient>, ProviderError> {
        if let Some(client) = self.client.read().ok().and_then(|c| c.clone()) {
            return Ok(client);
        }
        if self.may_rediscover() {
            self.discover()?;
        }
        self.client
            .read()
            .ok()
            .and_then(|c| c.clone())
            .ok_or_else(|| {
                ProviderError::Unavailable("the provider's discovery has not succeeded yet".into())
            })
    }

    fn may_rediscover(&self) -> bool {
        self.last_discovery
            .lock()
            .map(|last| last.is_none_or(|at| at.elapsed() >= self.settings.key_refresh_spacing))
            .unwrap_or(false)
    }

    fn verify_with(
        &self,
        client: &DiscoveredClient,
        token: &CoreIdToken,
        nonce: Option<&str>,
    ) -> Result<IdentityClaims, ClaimsVerificationError> {
        let verifier = client.id_token_verifier();
        let claims = match nonce {
            Some(expected) => token.claims(&verifier, &Nonce::new(expected.to_owned()))?,
            // An app that ran the flow itself may keep its nonce: then none is checked.
            None => token.claims(&verifier, |_: Option<&Nonce>| Ok(()))?,
        };
        Ok(identity_claims!(claims, claims.issuer().to_string()))
    }
}

impl IdentityProvider for OpenIdProvider {
    fn ready(&self) -> Result<(), ProviderError> {
        self.client().map(drop)
    }

    fn authorization_request(&self) -> Result<AuthorizationRequest, ProviderError> {
        let client = self.client()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.settings.scopes {
            if scope != "openid" {
                request = request.add_scope(Scope::new(scope.clone()));
            }
        }
        let (url, state, nonce) = request.url();
        Ok(AuthorizationRequest {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    fn exchange_code(
        &self,
        code: &str,
        pkce_verifier: &str,
    ) -> Result<ProviderTokens, ProviderError> {
        let client = self.client()?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request(self.http()?)
            .map_err(|e| match e {
                openidconnect::RequestTokenError::ServerResponse(answer) => {
                    ProviderError::Refused(answer.to_string())
                }
                other => ProviderError::Unavailable(format!("token endpoint: {other}")),
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| {
                ProviderError::Refused("the token endpoint returned no ID token".into())
            })?
            .to_string();
        Ok(ProviderTokens {
            id_token,
            access_token: Some(response.access_token().secret().clone()),
        })
    }

    fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<IdentityClaims, ProviderError> {
        let token = CoreIdToken::from_str(id_token)
            .map_err(|e| ProviderError::InvalidToken(format!("not a JWT: {e}")))?;
        let client = self.client()?;
        match self.verify_with(&client, &token, nonce) {
            Ok(claims) => Ok(claims),
            // A key we do not know yet: the provider may have rotated its keys. Refetch them once and retry.
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) if self.may_rediscover() => {
                self.discover()?;
                let client = self.client()?;
                self.verify_with(&client, &token, nonce)
                    .map_err(|e| ProviderError::InvalidToken(describe(&e)))
            }
            Err(error) => Err(ProviderError::InvalidToken(describe(&error))),
        }
    }

    fn user_info(
        &self,
        access_token: &str,
        subject: &str,
    ) -> Result<IdentityClaims, ProviderError> {
        let client = self.client()?;
        let claims: CoreUserInfoClaims = client
            .user_info(
                AccessToken::new(access_token.to_owned()),
                Some(SubjectIdentifier::new(subject.to_owned())),
            )
            .map_err(unavailable)?
            .request(self.http()?)
            .map_err(|e| match e {
                openidconnect::UserInfoError::ClaimsVerification(error) => {
                    ProviderError::InvalidToken(format!("userinfo: {error}"))
                }
                other => ProviderError::Unavailable(format!("userinfo: {other}")),
            })?;
        // Only the ID token's issuer is kept; userinfo comes from the same provider.
        Ok(identity_claims!(claims, self.settings.issuer_url.clone()))
    }
}

/// The verification failure, with its cause (the library's top-level message alone says little).
fn describe(error: &ClaimsVerificationError) -> String {
    match error {
        ClaimsVerificationError::SignatureVerification(cause) => {
            format!("signature verification failed: {cause}")
        }
        other => other.to_string(),
    }
}

impl Drop for OpenIdProvider {
    fn drop(&mut self) {
        // A blocking client shuts its own runtime down when dropped, which must not happen on an async thread
        // (the HTTP server's state may be dropped on one).
        if let Some(Ok(client)) = self.http.take() {
            let _ = std::thread::Builder::new()
                .name("oidc-http-drop".into())
                .spawn(move || drop(client));
        }
    }
}

/// The provider of a deployment without OpenID Connect: every sign-in answers "not configured".
#[derive(Debug, Default, Clone, Copy)]
pub struct NoIdentityProvider;

impl IdentityProvider for NoIdentityProvider {
    fn ready(&self) -> Result<(), ProviderError> {
        Err(ProviderError::NotConfigured)
    }

    fn authorization_request(&self) -> Result<AuthorizationRequest, ProviderError> {
        Err(ProviderError::NotConfigured)
    }

    fn exchange_code(&self, _: &str, _: &str) -> Result<ProviderTokens, ProviderError> {
        Err(ProviderError::NotConfigured)
    }

    fn verify_id_token(&self, _: &str, _: Option<&str>) -> Result<IdentityClaims, ProviderError> {
        Err(ProviderError::NotConfigured)
    }

    fn user_info(&self, _: &str, _: &str) -> Result<IdentityClaims, ProviderError> {
        Err(ProviderError::NotConfigured)
    }
}
