//! `GET /metrics/`: the metrics in Prometheus's text format.

use std::time::{Duration, Instant};

use actix_web::web::Data;
use actix_web::HttpResponse;
use orderflow_application::notifications::DeliveryFigures;

use crate::error::ApiError;
use crate::state::AppState;

/// The longest a scrape waits for the notification queue's figures. A slow or unreachable database leaves them
/// out of that scrape (with a log line) instead of holding it past Prometheus's scrape timeout (10 s by default);
/// the other metrics are served as usual.
const DELIVERY_READ_BUDGET: Duration = Duration::from_secs(3);

pub(crate) async fn scrape(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    // The pool's own bookkeeping: no I/O, a moment's lock.
    let pool = state.health.connection_pool();
    let delivery = delivery_figures(&state).await;
    let text = state
        .metrics
        .render(pool, delivery.as_ref())
        .map_err(|error| ApiError::Internal(format!("rendering the metrics failed: {error}")))?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(text))
}

/// How long one reading of the queue answers every scrape. `/metrics` answers anyone who can reach it, and its
/// queue figures cost queries (a pass over `notifications` among them): however often and however many clients
/// scrape, an instance reads the queue at most once in this time, one reading at a time.
const DELIVERY_READING_FRESH_FOR: Duration = Duration::from_secs(1);

/// The last reading of the queue (failed ones too: a down database is not asked again at every scrape).
#[derive(Default)]
pub(crate) struct DeliveryReading(tokio::sync::Mutex<Option<(Instant, Option<DeliveryFigures>)>>);

/// The queue's figures, from the last reading if it is fresh, otherwise read now (concurrent scrapes wait for
/// that one reading instead of starting their own).
async fn delivery_figures(state: &Data<AppState>) -> Option<DeliveryFigures> {
    let mut last = state.metrics.delivery_reading.0.lock().await;
    if let Some((read_at, figures)) = last.as_ref() {
        if read_at.elapsed() < DELIVERY_READING_FRESH_FOR {
            return figures.clone();
        }
    }
    let figures = read_delivery_figures(state).await;
    *last = Some((Instant::now(), figures.clone()));
    figures
}

/// The queue's figures, read on the blocking pool (they are queries), or `None` when that failed or took longer
/// than [`DELIVERY_READ_BUDGET`]. A read that overran goes on in the background until its statement timeout ends
/// it; its result is dropped.
async fn read_delivery_figures(state: &Data<AppState>) -> Option<DeliveryFigures> {
    let reader = state.clone();
    let read = actix_web::web::block(move || reader.monitor_delivery.figures());
    match tokio::time::timeout(DELIVERY_READ_BUDGET, read).await {
        Ok(Ok(Ok(figures))) => Some(figures),
        Ok(Ok(Err(error))) => {
            tracing::warn!(%error, "metrics: notification queue unreadable; its gauges are left out of this scrape");
            None
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "metrics: reading the notification queue could not run");
            None
        }
        Err(_) => {
            tracing::warn!(
                budget_seconds = DELIVERY_READ_BUDGET.as_secs(),
                "metrics: the notification queue took too long to read; its gauges are left out of this scrape"
            );
            None
        }
    }
}
