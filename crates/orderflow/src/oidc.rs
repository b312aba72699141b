//! The identity provider as a process concern: discovery runs in the background at start-up and is retried
//! until it succeeds, so a provider that is down does not stop the service (its OIDC routes answer 503 meanwhile).

use std::sync::{Arc, Weak};
use std::time::Duration;

use orderflow_application::ports::IdentityProvider;
use orderflow_oidc::{NoIdentityProvider, OidcSettings, OidcSetupError, OpenIdProvider};

/// Between two discovery attempts while the provider is unreachable.
const RETRY: Duration = Duration::from_secs(15);

pub fn identity_provider(
    settings: Option<&OidcSettings>,
) -> Result<Arc<dyn IdentityProvider>, OidcSetupError> {
    let Some(settings) = settings else {
        return Ok(Arc::new(NoIdentityProvider));
    };
    let provider = Arc::new(OpenIdProvider::new(settings.clone())?);
    let watched = Arc::downgrade(&provider);
    let issuer = settings.issuer_url.clone();
    let spawned = std::thread::Builder::new()
        .name("oidc-discovery".into())
        .spawn(move || discover_until_done(&watched, &issuer));
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start OIDC discovery in the background; it will run on first use");
    }
    Ok(provider)
}

fn discover_until_done(provider: &Weak<OpenIdProvider>, issuer: &str) {
    // Stops when the service is gone (the provider dropped) or discovery succeeded.
    while let Some(current) = provider.upgrade() {
        if current.is_discovered() {
            return;
        }
        match current.discover() {
            Ok(()) => {
                tracing::info!(%issuer, "OpenID Connect provider discovered");
                return;
            }
            Err(error) => {
                tracing::warn!(%issuer, %error, "OpenID Connect discovery failed; retrying")
            }
        }
        drop(current);
        std::thread::sleep(RETRY);
    }
}
