//! Log output: human-readable (`LOG_FORMAT=pretty`) or one JSON object a line (`json`), filtered by `RUST_LOG`,
//! on standard error with every credential redacted (see `redact`).
//!
//! With `json`, nothing else reaches standard error: libraries' `log` records come through the same subscriber
//! (tracing-subscriber's `log` bridge), a panic is logged as an event instead of the default hook's text, and a
//! failure that stops the process is logged too (see [`json_output`]). Every line written while serving a
//! request carries the request's span: its id, method and route.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};
use crate::redact;

static JSON_OUTPUT: AtomicBool = AtomicBool::new(false);

/// Whether the log was set up as JSON lines: then a failure that ends the process is logged, not printed.
pub fn json_output() -> bool {
    JSON_OUTPUT.load(Ordering::SeqCst)
}

pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactedStderr);
    let result = match config.log_format {
        LogFormat::Pretty => builder.with_target(false).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    // Already initialised (tests start several servers in one process): keep the first.
    if result.is_ok() {
        JSON_OUTPUT.store(config.log_format == LogFormat::Json, Ordering::SeqCst);
        // A panic becomes an event of the log, in the span it happened in (a handler's carries the request id).
        std::panic::set_hook(Box::new(|panic| {
            tracing::error!(panic = %panic, "panicked");
        }));
    }
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
