//! Configuration from the environment (and an optional `.env`, which never overrides a variable already set).
//! Every variable is listed, one a line, in `env.example`. A bad value stops start-up with one line naming it.

use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use orderflow_application::identity::AttemptLimits;
use orderflow_domain::identity::TokenLifetime;

mod database_url;
mod limits;
mod network;
mod notifications;
mod oidc;
mod webhooks;

pub use database_url::DatabaseUrl;
pub use notifications::{EmailBackend, NotificationsConfig, SmsBackend};
pub use webhooks::WebhooksConfig;

/// How long requests in flight may take to finish once the listener has closed.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/orderflow";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub host: IpAddr,
    pub port: u16,
    pub database_pool_size: u32,
    /// How long a request waits for a pooled connection.
    pub database_timeout: Duration,
    /// The longest any one SQL statement may run (`statement_timeout` of every session).
    pub database_statement_timeout: Duration,
    /// At most this many password hashes at once ...
    pub password_hash_concurrency: usize,
    /// ... and a request waits at most this long for its turn.
    pub password_hash_wait: Duration,
    /// The origin of every absolute URL the API writes, whatever the request's headers say.
    pub public_base_url: Option<url::Url>,
    /// Peers allowed to tell the client's address, scheme and host through `X-Forwarded-*`.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Where `/metrics` is served when not on HOST:PORT with the API.
    pub metrics_addr: Option<std::net::SocketAddr>,
    pub token_lifetime: TokenLifetime,
    pub media_root: PathBuf,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// Where traces go (OTLP over HTTP, protobuf): the collector's base URL, `/v1/traces` appended as the
    /// OpenTelemetry specification says for `OTEL_EXPORTER_OTLP_ENDPOINT`. `None`: no traces are exported.
    pub otlp_endpoint: Option<url::Url>,
    /// `service.name` of the exported traces (`OTEL_SERVICE_NAME`).
    pub service_name: String,
    pub http_workers: usize,
    /// After SIGTERM, how long the listener keeps accepting (with readiness already 503) so that load balancers
    /// stop sending first; then requests in flight get up to [`SHUTDOWN_GRACE`] to finish.
    pub shutdown_drain: Duration,
    /// Failed logins, registrations, sign-ins started and old-password guesses allowed per key and window.
    pub attempt_limits: AttemptLimits,
    pub notifications: NotificationsConfig,
    /// `None`: OpenID Connect is off.
    pub oidc: Option<orderflow_oidc::OidcSettings>,
    pub webhooks: WebhooksConfig,
}

/// A variable with a value the service cannot use. Written (`Display` and `Debug`) with any credential in it as
/// `***`, so that no value quoted back shows a password.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub problem: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = format!(
            "invalid configuration: {}={:?}: {}",
            self.variable, self.value, self.problem
        );
        f.write_str(&crate::redact::credentials(&line))
    }
}

impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigError")
            .field("variable", &self.variable)
            .field("value", &crate::redact::credentials(&self.value))
            .field("problem", &crate::redact::credentials(&self.problem))
            .finish()
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the process environment, after loading `.env` from the working directory if there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` (the environment, or a map in tests). Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars(&lookup);
        let workers_default = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(2);
        Ok(Config {
            database_url: vars.database_url()?,
            host: vars.parsed(
                "HOST",
                IpAddr::from([127, 0, 0, 1]),
                "an IP address such as 127.0.0.1 or 0.0.0.0",
                |_| true,
            )?,
            port: vars.parsed("PORT", 8000, "a port number (0-65535)", |_| true)?,
            database_pool_size: vars.parsed(
                "DATABASE_POOL_SIZE",
                default_pool_size(cpu_count()),
                "a pool size between 1 and 1000",
                |n| (1..=1000).contains(n),
            )?,
            database_timeout: Duration::from_secs(vars.parsed(
                "DATABASE_TIMEOUT_SECONDS",
                5,
                "a number of seconds (1-300)",
                |n: &u64| (1..=300).contains(n),
            )?),
            database_statement_timeout: Duration::from_millis(vars.parsed(
                "DATABASE_STATEMENT_TIMEOUT_MS",
                5000,
                "a number of milliseconds (100-600000)",
                |n: &u64| (100..=600_000).contains(n),
            )?),
            password_hash_concurrency: vars.parsed(
                "PASSWORD_HASH_CONCURRENCY",
                workers_default,
                "a number of hashes (1-256)",
                |n| (1..=256).contains(n),
            )?,
            password_hash_wait: Duration::from_millis(vars.parsed(
                "PASSWORD_HASH_WAIT_MS",
                2000,
                "a number of milliseconds (0-60000)",
                |n: &u64| *n <= 60_000,
            )?),
            public_base_url: vars.public_base_url()?,
            trusted_proxies: vars.trusted_proxies()?,
            metrics_addr: vars.metrics_addr()?,
            token_lifetime: TokenLifetime::hours(vars.parsed(
                "TOKEN_TTL_HOURS",
                TokenLifetime::DEFAULT_HOURS,
                "a positive number of hours",
                |n| *n > 0 && *n <= 24 * 366 * 10,
            )?),
            media_root: PathBuf::from(vars.get("MEDIA_ROOT").unwrap_or_else(|| "media".into())),
            log_filter: vars.log_filter()?,
            log_format: vars.log_format()?,
            otlp_endpoint: vars.otlp_endpoint()?,
            service_name: vars
                .get("OTEL_SERVICE_NAME")
                .unwrap_or_else(|| "orderflow".into()),
            http_workers: vars.parsed(
                "HTTP_WORKERS",
                workers_default,
                "a number of workers (1-256)",
                |n| (1..=256).contains(n),
            )?,
            shutdown_drain: Duration::from_secs(vars.parsed(
                "SHUTDOWN_DRAIN_SECONDS",
                0,
                "a number of seconds (0-300)",
                |n: &u64| *n <= 300,
            )?),
            attempt_limits: vars.attempt_limits()?,
            notifications: vars.notifications()?,
            oidc: vars.oidc()?,
            webhooks: vars.webhooks()?,
        })
    }
}

impl Config {
    /// The database pool as configured.
    pub fn pool_options(&self) -> orderflow_persistence::PoolOptions {
        orderflow_persistence::PoolOptions {
            max_size: self.database_pool_size,
            connection_timeout: self.database_timeout,
            statement_timeout: self.database_statement_timeout,
            ..orderflow_persistence::PoolOptions::default()
        }
    }
}

struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn parsed<T: FromStr>(
        &self,
        name: &'static str,
        default: T,
        expected: &str,
        valid: impl Fn(&T) -> bool,
    ) -> Result<T, ConfigError> {
        let Some(raw) = self.get(name) else {
            return Ok(default);
        };
        match raw.parse::<T>() {
            Ok(value) if valid(&value) => Ok(value),
            _ => Err(ConfigError {
                variable: name,
                value: raw,
                problem: format!("expected {expected}"),
            }),
        }
    }

    fn log_filter(&self) -> Result<String, ConfigError> {
        let raw = self.get("RUST_LOG").unwrap_or_else(|| "info".into());
        match tracing_subscriber::EnvFilter::try_new(&raw) {
            Ok(_) => Ok(raw),
            Err(error) => Err(ConfigError {
                variable: "RUST_LOG",
                value: raw,
                problem: format!("not a log filter ({error}); try info or orderflow=debug,info"),
            }),
        }
    }

    fn otlp_endpoint(&self) -> Result<Option<url::Url>, ConfigError> {
        let Some(raw) = self.get("OTEL_EXPORTER_OTLP_ENDPOINT") else {
            return Ok(None);
        };
        match url::Url::parse(&raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(Some(url)),
            _ => Err(ConfigError {
                variable: "OTEL_EXPORTER_OTLP_ENDPOINT",
                value: raw,
                problem: "expected the collector's http(s) URL, such as http://127.0.0.1:4318"
                    .into(),
            }),
        }
    }

    fn log_format(&self) -> Result<LogFormat, ConfigError> {
        match self.get("LOG_FORMAT").as_deref() {
            None | Some("pretty") => Ok(LogFormat::Pretty),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(ConfigError {
                variable: "LOG_FORMAT",
                value: other.to_owned(),
                problem: "expected pretty or json".into(),
            }),
        }
    }
}

/// Connections per instance when `DATABASE_POOL_SIZE` is not set: twice the cores plus one, the rule of
/// PostgreSQL's wiki and HikariCP ("core count × 2 + effective spindle count"), with this machine's cores standing
/// for the database server's. More connections than that only queue inside Postgres: measured on 2 cores, 10
/// connections gave order placement 471 req/s and the pages p99 of 100-280 ms, 5 gave 605 req/s and p99 under
/// 60 ms (`docs/performance.md`). Set it for a database on a machine of another size.
fn default_pool_size(cores: usize) -> u32 {
    u32::try_from(cores.saturating_mul(2).saturating_add(1))
        .unwrap_or(1000)
        .min(1000)
}

fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(super) fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_serve_locally_against_the_local_database() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url.expose_secret(), DEFAULT_DATABASE_URL);
        assert_eq!(config.host.to_string(), "127.0.0.1");
        assert_eq!(config.port, 8000);
        assert_eq!(config.database_pool_size, default_pool_size(cpu_count()));
        assert_eq!(config.token_lifetime, TokenLifetime::hours(720));
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.shutdown_drain, Duration::ZERO);
        assert_eq!(config.attempt_limits.login_per_email.max_attempts, 10);
        assert_eq!(
            config.attempt_limits.login_per_email.window,
            chrono::Duration::minutes(15)
        );
    }

    #[test]
    fn the_default_pool_is_twice_the_cores_plus_one() {
        assert_eq!(default_pool_size(1), 3);
        assert_eq!(default_pool_size(2), 5);
        assert_eq!(default_pool_size(16), 33);
        assert_eq!(
            default_pool_size(usize::MAX),
            1000,
            "within what the variable accepts"
        );
    }

    #[test]
    fn values_are_read_and_empty_ones_ignored() {
        let config = config(&[
            ("PORT", "9001"),
            ("HOST", "0.0.0.0"),
            ("LOG_FORMAT", "json"),
            ("MEDIA_ROOT", ""),
        ])
        .unwrap();
        assert_eq!(config.port, 9001);
        assert_eq!(config.host.to_string(), "0.0.0.0");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.media_root, PathBuf::from("media"));
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        for (variable, value) in [
            ("PORT", "eighty"),
            ("PORT", "70000"),
            ("HOST", "localhost:8000"),
            ("DATABASE_POOL_SIZE", "0"),
            ("TOKEN_TTL_HOURS", "-1"),
            ("LOG_FORMAT", "xml"),
            ("DATABASE_URL", "mysql://x/y"),
            ("DATABASE_URL", "postgres://host-only"),
            ("RUST_LOG", "info,[[["),
            ("SHUTDOWN_DRAIN_SECONDS", "301"),
            ("SHUTDOWN_DRAIN_SECONDS", "soon"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"),
        ] {
            let error = config(&[(variable, value)]).unwrap_err();
            assert_eq!(error.variable, variable);
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("invalid configuration: {variable}=")),
                "{error}"
            );
            assert!(!error.to_string().contains('\n'));
        }
    }

    #[test]
    fn the_debug_output_of_the_configuration_shows_no_secret() {
        let secrets = [
            "smtp-pw-4711",
            "at-key-4712",
            "oidc-secret-4713",
            "db-pw-4714",
        ];
        let config = config(&[
            (
                "DATABASE_URL",
                "postgres://orderflow:db-pw-4714@db/orderflow",
            ),
            ("SMS_BACKEND", "africastalking"),
            ("AFRICASTALKING_USERNAME", "sandbox"),
            ("AFRICASTALKING_API_KEY", secrets[1]),
            ("EMAIL_BACKEND", "smtp"),
            ("SMTP_HOST", "smtp.example.com"),
            ("SMTP_USERNAME", "mailer"),
            ("SMTP_PASSWORD", secrets[0]),
            ("OIDC_ISSUER_URL", "https://id.example"),
            ("OIDC_CLIENT_ID", "orderflow"),
            ("OIDC_CLIENT_SECRET", secrets[2]),
            ("OIDC_REDIRECT_URL", "https://shop.example/cb/"),
        ])
        .unwrap();
        let shown = format!("{config:?} {config:#?}");
        assert!(
            shown.contains("mailer") && shown.contains("orderflow"),
            "{shown}"
        );
        for secret in secrets {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }

    #[test]
    fn a_refused_value_is_quoted_back_without_its_credentials() {
        for (vars, variable) in [
            (
                vec![("PUBLIC_BASE_URL", "https://shop:s3cr3t-pw@shop.example")],
                "PUBLIC_BASE_URL",
            ),
            (
                vec![
                    ("SMS_BACKEND", "africastalking"),
                    ("AFRICASTALKING_USERNAME", "u"),
                    ("AFRICASTALKING_API_KEY", "k"),
                    ("AFRICASTALKING_BASE_URL", "ftp://u:s3cr3t-pw@sms.example"),
                ],
                "AFRICASTALKING_BASE_URL",
            ),
            (
                vec![("OIDC_ISSUER_URL", "ftp://u:s3cr3t-pw@id.example")],
                "OIDC_ISSUER_URL",
            ),
        ] {
            let error = config(&vars).unwrap_err();
            assert_eq!(error.variable, variable);
            let (shown, debug) = (error.to_string(), format!("{error:?}"));
            assert!(shown.contains(":***@"), "{shown}");
            assert!(
                !shown.contains("s3cr3t") && !debug.contains("s3cr3t"),
                "{debug}"
            );
        }
    }

    #[test]
    fn resource_limits_have_defaults_and_are_read() {
        let defaults = config(&[]).unwrap();
        assert_eq!(defaults.database_statement_timeout, Duration::from_secs(5));
        assert!(defaults.password_hash_concurrency >= 1);
        assert_eq!(defaults.password_hash_wait, Duration::from_secs(2));
        assert_eq!(defaults.public_base_url, None);
        assert!(defaults.trusted_proxies.is_empty());
        let set = config(&[
            ("DATABASE_STATEMENT_TIMEOUT_MS", "750"),
            ("PASSWORD_HASH_CONCURRENCY", "3"),
            ("PASSWORD_HASH_WAIT_MS", "0"),
        ])
        .unwrap();
        assert_eq!(set.database_statement_timeout, Duration::from_millis(750));
        assert_eq!(set.password_hash_concurrency, 3);
        assert_eq!(set.password_hash_wait, Duration::ZERO);
        for (variable, value) in [
            ("DATABASE_STATEMENT_TIMEOUT_MS", "0"),
            ("DATABASE_STATEMENT_TIMEOUT_MS", "5s"),
            ("PASSWORD_HASH_CONCURRENCY", "0"),
            ("PASSWORD_HASH_WAIT_MS", "-1"),
        ] {
            assert_eq!(config(&[(variable, value)]).unwrap_err().variable, variable);
        }
    }

    #[test]
    fn notifications_default_to_the_log_sink_with_a_worker_in_the_server() {
        let config = config(&[]).unwrap().notifications;
        assert!(config.worker_in_server);
        assert!(matches!(config.sms, SmsBackend::Log));
        assert!(matches!(config.email, EmailBackend::Log));
        assert_eq!(config.delivery.retry.max_attempts, 5);
        assert_eq!(config.delivery.lease, Duration::from_secs(60));
    }

    #[test]
    fn real_providers_are_read_with_their_settings() {
        let config = config(&[
            ("SMS_BACKEND", "africastalking"),
            ("AFRICASTALKING_USERNAME", "sandbox"),
            ("AFRICASTALKING_API_KEY", "k"),
            ("EMAIL_BACKEND", "smtp"),
            ("SMTP_HOST", "smtp.example.com"),
            ("SMTP_TLS", "tls"),
            ("NOTIFY_WORKER", "off"),
        ])
        .unwrap()
        .notifications;
        assert!(!config.worker_in_server);
        let SmsBackend::AfricasTalking(sms) = config.sms else {
            panic!("expected Africa's Talking")
        };
        assert_eq!((sms.username.as_str(), sms.base_url), ("sandbox", None));
        let EmailBackend::Smtp(smtp) = config.email else {
            panic!("expected SMTP")
        };
        assert_eq!(smtp.port, 465, "implicit TLS defaults to 465");
    }

    #[test]
    fn a_bad_notification_setting_names_its_variable() {
        for (vars, variable) in [
            (vec![("NOTIFY_WORKER", "maybe")], "NOTIFY_WORKER"),
            (vec![("SMS_BACKEND", "twilio")], "SMS_BACKEND"),
            (
                vec![("SMS_BACKEND", "africastalking")],
                "AFRICASTALKING_USERNAME",
            ),
            (vec![("EMAIL_BACKEND", "smtp")], "SMTP_HOST"),
            (
                vec![
                    ("EMAIL_BACKEND", "smtp"),
                    ("SMTP_HOST", "h"),
                    ("SMTP_TLS", "ssl"),
                ],
                "SMTP_TLS",
            ),
            (
                vec![
                    ("EMAIL_BACKEND", "smtp"),
                    ("SMTP_HOST", "h"),
                    ("EMAIL_FROM", "not an address"),
                ],
                "EMAIL_FROM",
            ),
            (vec![("NOTIFY_LEASE_SECONDS", "20")], "NOTIFY_LEASE_SECONDS"),
            (vec![("NOTIFY_MAX_ATTEMPTS", "0")], "NOTIFY_MAX_ATTEMPTS"),
            (
                vec![
                    ("SMS_BACKEND", "africastalking"),
                    ("AFRICASTALKING_USERNAME", "u"),
                    ("AFRICASTALKING_API_KEY", "k"),
                    ("AFRICASTALKING_BASE_URL", "ftp://x"),
                ],
                "AFRICASTALKING_BASE_URL",
            ),
        ] {
            let error = config(&vars).unwrap_err();
            assert_eq!(error.variable, variable, "{error}");
        }
    }

    #[test]
    fn oidc_is_off_unless_an_issuer_is_given_and_then_needs_a_client_and_a_redirect() {
        assert!(config(&[]).unwrap().oidc.is_none());
        let oidc = config(&[
            ("OIDC_ISSUER_URL", "https://accounts.example.com"),
            ("OIDC_CLIENT_ID", "orderflow"),
            (
                "OIDC_REDIRECT_URL",
                "https://shop.example.com/api/v1/auth/oidc/callback/",
            ),
        ])
        .unwrap()
        .oidc
        .unwrap();
        assert_eq!(oidc.scopes, ["openid", "email", "profile", "phone"]);
        assert!(oidc.client_secret.is_none());
        for (vars, variable) in [
            (
                vec![("OIDC_ISSUER_URL", "https://id.example")],
                "OIDC_CLIENT_ID",
            ),
            (
                vec![
                    ("OIDC_ISSUER_URL", "https://id.example"),
                    ("OIDC_CLIENT_ID", "c"),
                ],
                "OIDC_REDIRECT_URL",
            ),
            (vec![("OIDC_ISSUER_URL", "id.example")], "OIDC_ISSUER_URL"),
            (
                vec![
                    ("OIDC_ISSUER_URL", "https://id.example"),
                    ("OIDC_CLIENT_ID", "c"),
                    ("OIDC_REDIRECT_URL", "https://shop/cb/"),
                    ("OIDC_SCOPES", "email profile"),
                ],
                "OIDC_SCOPES",
            ),
        ] {
            assert_eq!(config(&vars).unwrap_err().variable, variable);
        }
    }
}
