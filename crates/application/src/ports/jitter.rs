/// A source of jitter for retry delays: a number in [0, 1), different on each call.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Jitter: Send + Sync {
    fn sample(&self) -> f64;
}
