//! Every response carries `X-Request-Id` (the caller's, if it sent a sane one) and every request is logged once
//! with its method, path, status and latency.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;
use opentelemetry::propagation::Extractor;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled, for error bodies and logs ("-" outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_owned())
}

/// Accepts a caller's id when it is short and printable; otherwise a fresh UUID.
fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// The route template a request matched (`/api/v1/orders/{id}/`), never its raw path: a bounded set of values
/// for logs, traces and metrics. Requests no route matches share one value.
pub fn route_template(req: &ServiceRequest) -> String {
    req.match_pattern()
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned())
}

/// The route label of requests no route matches: one value for them all, so that no client can make a label per
/// path it invents (in logs, traces and metrics alike).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Opens the request's span (request id, method, route template; status and latency once known), entered wherever
/// the request's work runs (the blocking pool too, see `blocking`), and logs the request once when it is answered.
pub async fn request_id_and_access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = request_id_of(&req);
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        route = %route_template(&req),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    // A caller's W3C `traceparent` makes this request a part of its trace (when traces are exported at all).
    let caller = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&RequestHeaders(req.headers()))
    });
    // Refused only when the span is not exported: nothing to continue then.
    let _ = span.set_parent(caller);
    // No clone of the request may live across the call: routing needs the only reference to it.
    let outcome = REQUEST_ID
        .scope(id.clone(), next.call(req))
        .instrument(span.clone())
        .await;
    let _entered = span.enter();
    let mut response = match outcome {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            // Handlers' errors are responses by now; only a failing middleware ends up here.
            tracing::error!(path = %path, %error, "request failed in middleware");
            return Err(error);
        }
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let status = response.status().as_u16();
    let latency_ms = crate::blocking::millis(started.elapsed());
    span.record("status", status);
    span.record("latency_ms", latency_ms);
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        status,
        latency_ms,
        "request"
    );
    Ok(response)
}

/// A request's headers, as trace propagation reads them.
struct RequestHeaders<'a>(&'a actix_web::http::header::HeaderMap);

impl Extractor for RequestHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0
            .keys()
            .map(actix_web::http::header::HeaderName::as_str)
            .collect()
    }
}
