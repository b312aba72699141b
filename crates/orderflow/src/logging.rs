//! Log output: human-readable (`LOG_FORMAT=pretty`) or one JSON object a line (`json`), filtered by `RUST_LOG`,
//! on standard error with every credential redacted (see `redact`).
//!
//! With `json`, nothing else reaches standard error: libraries' `log` records come through the same subscriber
//! (tracing-subscriber's `log` bridge), a panic is logged as an event instead of the default hook's text, and a
//! failure that stops the process is logged too (see [`json_output`]). Every line written while serving a
//! request carries the request's span: its id, method and route.
//!
//! With `OTEL_EXPORTER_OTLP_ENDPOINT`, the spans of each request (the request, its use case, its SQL statements)
//! are also exported over OTLP/HTTP, continuing the caller's trace when the request has a `traceparent`.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{Config, LogFormat};
use crate::redact;

static JSON_OUTPUT: AtomicBool = AtomicBool::new(false);

/// Whether the log was set up as JSON lines: then a failure that ends the process is logged, not printed.
pub fn json_output() -> bool {
    JSON_OUTPUT.load(Ordering::SeqCst)
}

/// What must outlive the server for its traces to leave: the exporter's queue, flushed by [`Telemetry::shutdown`].
#[must_use = "call shutdown() when the process stops, or the last traces are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends the traces still queued (waiting up to the exporter's timeout).
    pub fn shutdown(self) {
        let Some(provider) = self.provider else {
            return;
        };
        // The exporter's blocking HTTP client must not be driven (or dropped) on an async thread.
        let flushed = std::thread::spawn(move || provider.shutdown()).join();
        if !matches!(flushed, Ok(Ok(()))) {
            tracing::warn!("some traces could not be sent before stopping");
        }
    }
}

/// Sets up the log (and, with `OTEL_EXPORTER_OTLP_ENDPOINT`, the trace export). The first call in a process
/// wins: tests start several servers in one process.
pub fn init(config: &Config) -> Telemetry {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let output = match config.log_format {
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .with_target(false)
            .with_writer(RedactedStderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(RedactedStderr)
            .boxed(),
    }
    .with_filter(filter);
    let (provider, export_failure) = match &config.otlp_endpoint {
        None => (None, None),
        Some(endpoint) => match tracer_provider(endpoint, &config.service_name) {
            Ok(provider) => (Some(provider), None),
            Err(reason) => (None, Some(reason)),
        },
    };
    // Its own filter: the request, use-case and query spans (debug level below the request) are exported
    // whatever RUST_LOG says of the log, and cost nothing when no trace is exported.
    let traces = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("orderflow"))
            .with_filter(
                Targets::new()
                    .with_target("orderflow_http", Level::DEBUG)
                    .with_target("orderflow_persistence", Level::DEBUG),
            )
    });
    let result = tracing_subscriber::registry()
        .with(output)
        .with(traces)
        .try_init();
    if result.is_err() {
        return Telemetry { provider: None };
    }
    JSON_OUTPUT.store(config.log_format == LogFormat::Json, Ordering::SeqCst);
    // A panic becomes an event of the log, in the span it happened in (a handler's carries the request id).
    std::panic::set_hook(Box::new(|panic| {
        tracing::error!(panic = %panic, "panicked");
    }));
    if provider.is_some() {
        // An incoming W3C `traceparent` continues the caller's trace.
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    }
    if let Some(reason) = export_failure {
        tracing::error!(%reason, "traces will not be exported");
    }
    Telemetry { provider }
}

/// The OTLP/HTTP exporter behind a batching provider, built off the async threads (its blocking HTTP client may
/// not be built there).
fn tracer_provider(endpoint: &url::Url, service_name: &str) -> Result<SdkTracerProvider, String> {
    let traces = format!("{}/v1/traces", endpoint.as_str().trim_end_matches('/'));
    let service_name = service_name.to_owned();
    std::thread::spawn(move || {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(traces)
            .with_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("cannot set up the OTLP exporter: {e}"))?;
        Ok(SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name(service_name).build())
            .build())
    })
    .join()
    .map_err(|_| "the OTLP exporter's set-up panicked".to_owned())?
}

/// Standard error, through [`Redacted`]: whatever a library put in an error that gets logged, no password
/// reaches the log.
struct RedactedStderr;

impl<'a> MakeWriter<'a> for RedactedStderr {
    type Writer = Redacted<io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        Redacted(io::stderr())
    }
}

/// Writes what it is given with every credential redacted. The log formatter hands over each event whole, in
/// one call, so a URL is never split between two writes.
struct Redacted<W>(W);

impl<W: Write> Write for Redacted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(redact::credentials(text).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logged_line_reaches_the_output_without_its_credentials() {
        let mut writer = Redacted(Vec::new());
        let line = "WARN discovery of http://client:s3cr3t-pw@id.example/ failed; retrying\n";
        writer.write_all(line.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(writer.0).unwrap(),
            "WARN discovery of http://client:***@id.example/ failed; retrying\n"
        );
    }
}
