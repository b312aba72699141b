//! A blocking HTTP client built on first use and dropped off the async threads.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Built on first use, on the sending thread: a blocking client owns a runtime of its own, which may be neither
/// created nor dropped on an async thread (the service builds its providers on one). Follows no redirect: a
/// redirected POST could resend a message (or a signed event) somewhere nobody configured.
pub(crate) struct LazyClient {
    timeout: Duration,
    user_agent: Option<&'static str>,
    resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
    client: OnceLock<Result<reqwest::blocking::Client, String>>,
}

impl LazyClient {
    /// `timeout` bounds every request as a whole, and its connection.
    pub(crate) fn new(timeout: Duration, user_agent: Option<&'static str>) -> Self {
        Self {
            timeout,
            user_agent,
            resolver: None,
            client: OnceLock::new(),
        }
    }

    /// Names are resolved by `resolver` instead of the system's resolver directly.
    pub(crate) fn resolving_with(mut self, resolver: Arc<dyn reqwest::dns::Resolve>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    pub(crate) fn get(&self) -> Result<&reqwest::blocking::Client, String> {
        self.client
            .get_or_init(|| {
                let mut builder = reqwest::blocking::Client::builder()
                    .timeout(self.timeout)
                    .connect_timeout(self.timeout)
                    .redirect(reqwest::redirect::Policy::none());
                if let Some(agent) = self.user_agent {
                    builder = builder.user_agent(agent);
                }
                if let Some(resolver) = &self.resolver {
                    builder = builder.dns_resolver(Arc::new(Shared(resolver.clone())));
                }
                builder
                    .build()
                    .map_err(|e| format!("cannot build the HTTP client: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// A resolver shared as a trait object (the builder takes a sized one).
struct Shared(Arc<dyn reqwest::dns::Resolve>);

impl reqwest::dns::Resolve for Shared {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        self.0.resolve(name)
    }
}

impl Drop for LazyClient {
    fn drop(&mut self) {
        // A blocking client shuts its own runtime down when dropped, which must not happen on an async thread.
        if let Some(Ok(client)) = self.client.take() {
            let _ = std::thread::Builder::new()
                .name("http-client-drop".into())
                .spawn(move || drop(client));
        }
    }
}
