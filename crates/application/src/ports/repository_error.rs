use std::sync::Arc;

/// A storage failure that no use case can recover from. Adapters translate their own errors into it; the HTTP
/// layer answers 503 for `Unavailable` (the database is down, try again) and 500 for `Failed`.
///
/// Each keeps its [`Cause`]: the adapter's own error object, for the log (and for a test or an operator tool to
/// downcast), never for a client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepositoryError {
    #[error("storage unavailable: {0}")]
    Unavailable(Cause),
    #[error("storage failure: {0}")]
    Failed(Cause),
}

impl RepositoryError {
    /// What went wrong underneath.
    pub fn cause(&self) -> &Cause {
        match self {
            RepositoryError::Unavailable(cause) | RepositoryError::Failed(cause) => cause,
        }
    }
}

/// The error underneath a [`RepositoryError`], kept whole (with its own chain of sources). Its `Display` is that
/// chain on one line (`a: b: c`), which is what the log shows; it is deliberately not also exposed as
/// `Error::source` of the `RepositoryError`, so that a log line never says it twice.
#[derive(Debug, Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// Keeps `error` as it is.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }

    /// The adapter's error, e.g. to `downcast_ref` it to the driver's type.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self.0.as_ref()
    }
}

/// A cause that is only a description (a broken invariant found by the adapter, not an error of a library).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Described(String);

impl From<String> for Cause {
    fn from(description: String) -> Self {
        Cause::new(Described(description))
    }
}

impl From<&str> for Cause {
    fn from(description: &str) -> Self {
        Cause::from(description.to_owned())
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        Ok(())
    }
}

/// Causes compare by what they say: enough for tests, which is where errors are compared.
impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Cause {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("connection refused")]
    struct Refused;

    #[derive(Debug, thiserror::Error)]
    #[error("could not connect")]
    struct Connect(#[source] Refused);

    #[test]
    fn the_cause_is_kept_whole_and_shown_with_its_chain() {
        let error = RepositoryError::Unavailable(Cause::new(Connect(Refused)));
        assert_eq!(
            error.to_string(),
            "storage unavailable: could not connect: connection refused"
        );
        assert!(error.cause().error().downcast_ref::<Connect>().is_some());
        assert_eq!(
            RepositoryError::Failed("stored order number is invalid".into()).to_string(),
            "storage failure: stored order number is invalid"
        );
    }
}
