/// A storage failure that no use case can recover from. Adapters translate their own errors into it; the HTTP
/// layer answers 503 for `Unavailable` (the database is down, try again) and 500 for `Failed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepositoryError {
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("storage failure: {0}")]
    Failed(String),
}
