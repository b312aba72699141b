//! The one way handlers reach the blocking thread pool.

use std::time::Instant;

use actix_web::error::BlockingError;

/// Runs blocking work (diesel, argon2) on actix's blocking pool, inside the current request's span: whatever the
/// work logs carries the request's id. Notes at debug level how long the work queued for a thread and ran (a
/// long queue means the pool, or the database behind it, is saturated).
pub(crate) async fn in_blocking_pool<R: Send + 'static>(
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, BlockingError> {
    let span = tracing::Span::current();
    let queued = Instant::now();
    actix_web::web::block(move || {
        let _entered = span.enter();
        let waited = queued.elapsed();
        let started = Instant::now();
        let result = work();
        tracing::debug!(
            waited_ms = millis(waited),
            ran_ms = millis(started.elapsed()),
            "blocking work done"
        );
        result
    })
    .await
}

/// Milliseconds with two decimals, as the access log writes them.
pub(crate) fn millis(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 100_000.0).round() / 100.0
}
