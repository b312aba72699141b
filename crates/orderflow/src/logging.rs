//! Log output: human-readable (`LOG_FORMAT=pretty`) or one JSON object a line (`json`), filtered by `RUST_LOG`,
//! on standard error with every credential redacted (see `redact`).

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};
use crate::redact;

pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactedStderr);
    let result = match config.log_format {
        LogFormat::Pretty => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    // Already initialised (tests start several servers in one process): keep the first.
    let _ = result;
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
