//! `GET /metrics/`: the metrics in Prometheus's text format.

use std::time::{Duration, Instant};

use actix_web::web::Data;
use actix_web::HttpResponse;
use orderflow_application::notifications::DeliveryFigures;
use orderflow_application::webhooks::WebhookFigures;

use crate::error::ApiError;
use crate::state::AppState;

/// The longest a scrape waits for a queue's figures. A slow or unreachable database leaves them
/// out of that scrape (with a log line) instead of holding it past Prometheus's scrape timeout (10 s by default);
/// the other metrics are served as usual.
const DELIVERY_READ_BUDGET: Duration = Duration::from_secs(3);

pub(crate) async fn scrape(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    // The pool's own bookkeeping: no I/O, a moment's lock.
    let pool = state.health.connection_pool();
    let delivery = state
        .metrics
        .delivery_reading
        .fresh_or(read_within_budget(&state, "notification queue", |state| {
            state.monitor_delivery.figures()
        }))
        .await;
    let webhooks = state
        .metrics
        .webhook_reading
        .fresh_or(read_within_budget(&state, "webhook queue", |state| {
            state.webhooks.figures()
        }))
        .await;
    let text = state
        .metrics
        .render(pool, delivery.as_ref(), webhooks.as_ref())
        .map_err(|error| ApiError::Internal(format!("rendering the metrics failed: {error}")))?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(text))
}

/// How long one reading of a queue answers every scrape. `/metrics` answers anyone who can reach it, and its
/// queue figures cost queries (a pass over `notifications` among them): however often and however many clients
/// scrape, an instance reads each queue at most once in this time, one reading at a time.
const DELIVERY_READING_FRESH_FOR: Duration = Duration::from_secs(1);

/// The last reading of a queue (failed ones too: a down database is not asked again at every scrape).
pub(crate) struct Reading<T>(tokio::sync::Mutex<Option<(Instant, Option<T>)>>);

impl<T> Default for Reading<T> {
    fn default() -> Self {
        Self(tokio::sync::Mutex::new(None))
    }
}

/// The notification queue's last reading.
pub(crate) type DeliveryReading = Reading<DeliveryFigures>;
/// The webhook queue's last reading.
pub(crate) type WebhookReading = Reading<WebhookFigures>;

impl<T: Clone> Reading<T> {
    /// The figures from the last reading if it is fresh, otherwise from `read` now (concurrent scrapes wait for
    /// that one reading instead of starting their own).
    async fn fresh_or(&self, read: impl std::future::Future<Output = Option<T>>) -> Option<T> {
        let mut last = self.0.lock().await;
        if let Some((read_at, figures)) = last.as_ref() {
            if read_at.elapsed() < DELIVERY_READING_FRESH_FOR {
                return figures.clone();
            }
        }
        let figures = read.await;
        *last = Some((Instant::now(), figures.clone()));
        figures
    }
}

/// `what`'s figures, read on the blocking pool (they are queries), or `None` when that failed or took longer
/// than [`DELIVERY_READ_BUDGET`]. A read that overran goes on in the background until its statement timeout ends
/// it; its result is dropped.
async fn read_within_budget<T, E>(
    state: &Data<AppState>,
    what: &'static str,
    read: impl FnOnce(&AppState) -> Result<T, E> + Send + 'static,
) -> Option<T>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let reader = state.clone();
    let read = actix_web::web::block(move || read(&reader));
    match tokio::time::timeout(DELIVERY_READ_BUDGET, read).await {
        Ok(Ok(Ok(figures))) => Some(figures),
        Ok(Ok(Err(error))) => {
            tracing::warn!(%error, what, "metrics: queue unreadable; its gauges are left out of this scrape");
            None
        }
        Ok(Err(error)) => {
            tracing::error!(%error, what, "metrics: reading the queue could not run");
            None
        }
        Err(_) => {
            tracing::warn!(
                what,
                budget_seconds = DELIVERY_READ_BUDGET.as_secs(),
                "metrics: the queue took too long to read; its gauges are left out of this scrape"
            );
            None
        }
    }
}
