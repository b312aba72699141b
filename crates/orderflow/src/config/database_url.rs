//! `DATABASE_URL`: where the database is, and often its password. Held as a secret from here to the connection;
//! wherever it is shown (the startup log, errors, `Debug`), its password is `***`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use super::{ConfigError, Vars, DEFAULT_DATABASE_URL};
use crate::redact;

#[derive(Clone)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    /// The URL as configured, password included: for connecting, nothing else.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(self.expose_secret()))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.to_string())
            .finish()
    }
}

/// `raw` with its password as `***`. A value that does not parse as a URL may have its password anywhere
/// before its last `@`: all of that goes, user name included.
fn shown(raw: &str) -> String {
    if url::Url::parse(raw).is_err() {
        if let (Some(separator), Some(at)) = (raw.find("://"), raw.rfind('@')) {
            if at > separator {
                return format!("{}://{}{}", &raw[..separator], redact::HIDDEN, &raw[at..]);
            }
        }
    }
    redact::credentials(raw).into_owned()
}

/// Whether `raw` has a `%` escape that is not two hex digits, or is `%00`: libpq refuses those with a message
/// that quotes the escaped part back, password and all.
fn has_bad_escape(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| {
        byte == b'%'
            && !matches!(
                bytes.get(at + 1..at + 3),
                Some([high, low]) if high.is_ascii_hexdigit() && low.is_ascii_hexdigit()
                    && (*high, *low) != (b'0', b'0')
            )
    })
}

impl Vars<'_> {
    pub(super) fn database_url(&self) -> Result<DatabaseUrl, ConfigError> {
        let raw = self
            .get("DATABASE_URL")
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let problem = match url::Url::parse(&raw) {
            Ok(_) if has_bad_escape(&raw) => {
                "expected %-escapes of two hex digits (not %00), such as %40 for @".to_owned()
            }
            Ok(url)
                if matches!(url.scheme(), "postgres" | "postgresql") && url.path().len() > 1 =>
            {
                return Ok(DatabaseUrl(raw.into()))
            }
            Ok(_) => "expected postgres://user[:password]@host[:port]/database".to_owned(),
            Err(error) => format!("not a URL ({error})"),
        };
        Err(ConfigError {
            variable: "DATABASE_URL",
            value: shown(&raw),
            problem,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;
    use super::*;

    #[test]
    fn the_url_is_shown_with_its_password_hidden() {
        for (raw, expected) in [
            (DEFAULT_DATABASE_URL, DEFAULT_DATABASE_URL),
            (
                "postgres://orderflow:s3cr3t-pw@db.internal:5432/orderflow",
                "postgres://orderflow:***@db.internal:5432/orderflow",
            ),
            (
                "postgres://orderflow@db/orderflow?password=s3cr3t-pw&sslmode=require",
                "postgres://orderflow@db/orderflow?password=***&sslmode=require",
            ),
        ] {
            let url = config(&[("DATABASE_URL", raw)]).unwrap().database_url;
            assert_eq!(url.expose_secret(), raw);
            assert_eq!(url.to_string(), expected);
            assert_eq!(format!("{url:?}"), format!("DatabaseUrl({expected:?})"));
        }
    }

    #[test]
    fn a_refused_url_is_named_without_its_password() {
        for (raw, shown) in [
            (
                "postgres://orderflow:s3cr3t-pw@db.internal:5432",
                "postgres://orderflow:***@db.internal:5432",
            ),
            (
                "mysql://orderflow:s3cr3t-pw@db/orderflow",
                "mysql://orderflow:***@db/orderflow",
            ),
            (
                "postgres://orderflow:s3cr3t-pw@db:port/orderflow",
                "postgres://***@db:port/orderflow",
            ),
            (
                "postgres://orderflow:s3cr3t/pw@db/orderflow",
                "postgres://***@db/orderflow",
            ),
            (
                "postgres://orderflow:s3cr3t-pw%zz@db/orderflow",
                "postgres://orderflow:***@db/orderflow",
            ),
            (
                "postgres://orderflow@db/orderflow?password=s3cr3t-pw%00",
                "postgres://orderflow@db/orderflow?password=***",
            ),
        ] {
            let error = config(&[("DATABASE_URL", raw)]).unwrap_err();
            assert_eq!(error.variable, "DATABASE_URL");
            assert_eq!(error.value, shown);
            for written in [error.to_string(), format!("{error:?}")] {
                assert!(!written.contains("s3cr3t"), "{written}");
            }
        }
    }
}
