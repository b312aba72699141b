//! The service's Prometheus metrics (their catalogue: "Metrics" in `docs/operations.md`).
//!
//! One [`Metrics`] per application, each with a registry of its own rather than the process-wide default: tests
//! run several servers in one process, whose counts must not mix. What is counted as it happens (requests, pool
//! checkouts, orders, logins) lives in that registry; what is read when scraped (the pool's connections, the
//! notification queue) is made afresh for each scrape ([`gauges`]), so a figure that could not be read is left
//! out rather than shown stale.

mod endpoint;
mod gauges;
mod webhook_gauges;

use std::time::Duration;

use crate::middleware::UNMATCHED_ROUTE;
use orderflow_application::identity::LogInError;
use orderflow_application::notifications::DeliveryFigures;
use orderflow_application::ordering::{PlaceOrderError, Placement};
use orderflow_application::ports::PoolUsage;
use orderflow_application::webhooks::WebhookFigures;
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

pub(crate) use endpoint::scrape;

/// What the `orderflow_build_info` metric says about the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildInfo {
    pub version: &'static str,
    pub commit: &'static str,
}

/// Label of a request method outside HTTP's standard ones, for the same reason.
const OTHER_METHOD: &str = "other";

const STANDARD_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
];

/// A checkout without waiting takes microseconds; one that waits for a busy pool takes up to the connection
/// timeout (5 s by default).
const CHECKOUT_WAIT_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_request_duration: HistogramVec,
    pool_checkout_wait: Histogram,
    pool_checkout_timeouts: IntCounter,
    orders_placed: IntCounter,
    stock_shortfalls: IntCounter,
    idempotent_replays: IntCounter,
    logins_failed: IntCounter,
    logins_throttled: IntCounter,
    /// The notification queue's last reading, shared by every scrape for a moment (see `endpoint`).
    pub(crate) delivery_reading: endpoint::DeliveryReading,
    /// The webhook queue's, likewise.
    pub(crate) webhook_reading: endpoint::WebhookReading,
}

impl Metrics {
    pub fn new(build: BuildInfo) -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let request_labels = ["method", "route", "status"];
        let build_info = IntGauge::with_opts(
            Opts::new(
                "orderflow_build_info",
                "The running binary: its version and the commit it was built from (always 1).",
            )
            .const_label("version", build.version)
            .const_label("commit", build.commit),
        )?;
        build_info.set(1);
        registry.register(Box::new(build_info))?;
        let metrics = Self {
            http_requests: registered(
                &registry,
                IntCounterVec::new(
                    Opts::new(
                        "orderflow_http_requests_total",
                        "HTTP requests answered, by method, route template and status.",
                    ),
                    &request_labels,
                )?,
            )?,
            http_request_duration: registered(
                &registry,
                HistogramVec::new(
                    HistogramOpts::new(
                        "orderflow_http_request_duration_seconds",
                        "Time from a request's arrival to its answer, by method, route template and status.",
                    ),
                    &request_labels,
                )?,
            )?,
            pool_checkout_wait: registered(
                &registry,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "orderflow_db_pool_checkout_wait_seconds",
                        "Time to get a database connection from the pool (waiting for a free one, then its ping \
                         or opening), for every checkout that got one.",
                    )
                    .buckets(CHECKOUT_WAIT_BUCKETS.to_vec()),
                )?,
            )?,
            pool_checkout_timeouts: counter(
                &registry,
                "orderflow_db_pool_checkout_timeouts_total",
                "Checkouts that waited the whole connection timeout and got no connection (answered 503).",
            )?,
            orders_placed: counter(
                &registry,
                "orderflow_orders_placed_total",
                "Orders placed (replays of an Idempotency-Key not included).",
            )?,
            stock_shortfalls: counter(
                &registry,
                "orderflow_orders_stock_shortfalls_total",
                "Placements refused because a line asked for more than was in stock.",
            )?,
            idempotent_replays: counter(
                &registry,
                "orderflow_orders_idempotent_replays_total",
                "Placements answered with the order an earlier request with the same Idempotency-Key placed.",
            )?,
            logins_failed: counter(
                &registry,
                "orderflow_logins_failed_total",
                "Password logins refused for a wrong email or password (auth/login/ and auth/token/).",
            )?,
            logins_throttled: counter(
                &registry,
                "orderflow_logins_throttled_total",
                "Password logins refused with 429 after too many failures for the email or the client address.",
            )?,
            delivery_reading: endpoint::DeliveryReading::default(),
            webhook_reading: endpoint::WebhookReading::default(),
            registry,
        };
        Ok(metrics)
    }

    /// Counts one answered request. `route` is the template the router matched (`None`: no route matched).
    pub(crate) fn record_request(
        &self,
        method: &str,
        route: Option<&str>,
        status: u16,
        elapsed: Duration,
    ) {
        let method = STANDARD_METHODS
            .into_iter()
            .find(|standard| *standard == method)
            .unwrap_or(OTHER_METHOD);
        let status = status.to_string();
        let labels = [method, route.unwrap_or(UNMATCHED_ROUTE), status.as_str()];
        // The label count is fixed above, so these cannot fail.
        if let Ok(requests) = self.http_requests.get_metric_with_label_values(&labels) {
            requests.inc();
        }
        if let Ok(duration) = self
            .http_request_duration
            .get_metric_with_label_values(&labels)
        {
            duration.observe(elapsed.as_secs_f64());
        }
    }

    /// A connection was handed out after `waited`.
    pub fn record_checkout(&self, waited: Duration) {
        self.pool_checkout_wait.observe(waited.as_secs_f64());
    }

    /// A caller waited the whole connection timeout for nothing.
    pub fn record_checkout_timeout(&self) {
        self.pool_checkout_timeouts.inc();
    }

    /// Counts what a placement came to: an order, a replay, or a shortfall (other refusals are not counted here).
    pub(crate) fn record_placement(&self, outcome: &Result<Placement, PlaceOrderError>) {
        match outcome {
            Ok(placement) if placement.replayed => self.idempotent_replays.inc(),
            Ok(_) => self.orders_placed.inc(),
            Err(PlaceOrderError::Shortfall(_)) => self.stock_shortfalls.inc(),
            Err(_) => {}
        }
    }

    /// Counts a password login refused for its credentials, or throttled.
    pub(crate) fn record_login<T>(&self, outcome: &Result<T, LogInError>) {
        match outcome {
            Err(LogInError::InvalidCredentials) => self.logins_failed.inc(),
            Err(LogInError::Throttled(_)) => self.logins_throttled.inc(),
            _ => {}
        }
    }

    /// Every metric in Prometheus's text format (version 0.0.4): the counts kept here, and the gauges of `pool`
    /// and `delivery` as read for this scrape (`delivery` left out when it could not be read).
    pub(crate) fn render(
        &self,
        pool: PoolUsage,
        delivery: Option<&DeliveryFigures>,
        webhooks: Option<&WebhookFigures>,
    ) -> Result<String, prometheus::Error> {
        let mut families = self.registry.gather();
        families.extend(gauges::scrape_time(pool, delivery)?);
        if let Some(webhooks) = webhooks {
            families.extend(webhook_gauges::families(webhooks)?);
        }
        families.sort_by(|a, b| a.name().cmp(b.name()));
        let mut text = String::new();
        TextEncoder::new().encode_utf8(&families, &mut text)?;
        Ok(text)
    }
}

fn registered<C>(registry: &Registry, collector: C) -> Result<C, prometheus::Error>
where
    C: prometheus::core::Collector + Clone + 'static,
{
    registry.register(Box::new(collector.clone()))?;
    Ok(collector)
}

fn counter(registry: &Registry, name: &str, help: &str) -> Result<IntCounter, prometheus::Error> {
    registered(registry, IntCounter::new(name, help)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::new(BuildInfo {
            version: "1.2.3",
            commit: "abc123",
        })
        .unwrap()
    }

    fn rendered(metrics: &Metrics) -> String {
        metrics.render(PoolUsage::default(), None, None).unwrap()
    }

    #[test]
    fn requests_are_labelled_by_template_and_odd_methods_and_unmatched_paths_share_one_label() {
        let metrics = metrics();
        let second = Duration::from_secs(1);
        metrics.record_request("GET", Some("/api/v1/orders/{id}/"), 200, second);
        metrics.record_request("GET", Some("/api/v1/orders/{id}/"), 200, second);
        metrics.record_request("BREW", None, 404, second);
        let text = rendered(&metrics);
        assert!(text.contains(
            r#"orderflow_http_requests_total{method="GET",route="/api/v1/orders/{id}/",status="200"} 2"#
        ), "{text}");
        assert!(
            text.contains(
                r#"orderflow_http_requests_total{method="other",route="unmatched",status="404"} 1"#
            ),
            "{text}"
        );
        assert!(text.contains(
            r#"orderflow_http_request_duration_seconds_count{method="GET",route="/api/v1/orders/{id}/",status="200"} 2"#
        ), "{text}");
    }

    #[test]
    fn build_info_names_the_version_and_the_commit() {
        let text = rendered(&metrics());
        assert!(
            text.contains(r#"orderflow_build_info{commit="abc123",version="1.2.3"} 1"#),
            "{text}"
        );
    }

    #[test]
    fn logins_count_wrong_credentials_and_throttling_only() {
        let metrics = metrics();
        metrics.record_login::<()>(&Err(LogInError::InvalidCredentials));
        metrics.record_login::<()>(&Err(LogInError::Invalid(Default::default())));
        metrics.record_login(&Ok(()));
        let text = rendered(&metrics);
        assert!(text.contains("orderflow_logins_failed_total 1"), "{text}");
        assert!(
            text.contains("orderflow_logins_throttled_total 0"),
            "{text}"
        );
    }
}
