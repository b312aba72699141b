//! The one way handlers reach the blocking thread pool.

use std::time::Instant;

use actix_web::error::BlockingError;

/// Runs blocking work (diesel, argon2) on actix's blocking pool, in a span of its own (`use_case`, named
/// `what`) inside the current request's: whatever the work logs carries the request's id, and an exported trace
/// shows the use case, and its SQL statements under it. Notes at debug level how long the work queued for a
/// thread and ran (a long queue means the pool, or the database behind it, is saturated).
pub(crate) async fn in_blocking_pool<R: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, BlockingError> {
    // The request id again: a log line shows only its innermost span's fields, and every line of a request must
    // carry its id.
    let span = tracing::debug_span!(
        "use_case",
        handler = what,
        request_id = %crate::middleware::current_request_id()
    );
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

/// What a handler's use case is called in traces: the handler's module path, from its closure's type
/// (`orderflow_http::routes::orders::place::place::{{closure}}` is `orders::place`).
pub(crate) fn use_case_name<F>() -> &'static str {
    let full = std::any::type_name::<F>();
    let path = full
        .strip_prefix("orderflow_http::routes::")
        .unwrap_or(full);
    let path = path.split("::{{closure}}").next().unwrap_or(path);
    // The handler function repeats the module's last segment or names the action: keep the modules.
    path.rsplit_once("::").map_or(path, |(modules, _)| modules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_case_is_named_after_its_handler_module() {
        fn named<F>(_: &F) -> &'static str {
            use_case_name::<F>()
        }
        let closure = || ();
        assert_eq!(named(&closure), "orderflow_http::blocking::tests");
    }
}
