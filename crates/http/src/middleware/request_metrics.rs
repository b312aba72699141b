//! Counts and times every request by method, route template and status, for `orderflow_http_requests_total` and
//! `orderflow_http_request_duration_seconds`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::Error;

use crate::metrics::Metrics;

pub async fn request_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(metrics) = req.app_data::<Data<Metrics>>().cloned() else {
        return next.call(req).await;
    };
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    // The template (`/api/v1/orders/{id}/`), never the path: one series per route, whatever the ids.
    let route = req.match_pattern();
    let outcome = next.call(req).await;
    let status = match &outcome {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    metrics.record_request(
        &method,
        route.as_deref(),
        status.as_u16(),
        started.elapsed(),
    );
    outcome
}
