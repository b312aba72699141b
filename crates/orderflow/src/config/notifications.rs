//! The notification variables: which providers, and how the delivery worker behaves.

use std::time::Duration;

use orderflow_application::notifications::DeliverySettings;
use orderflow_domain::notifications::{RetryPolicy, SmsCaps};
use orderflow_notifications::{AfricasTalkingConfig, SmtpConfig, SmtpSecurity};

use super::{ConfigError, Vars};

#[derive(Debug, Clone)]
pub enum SmsBackend {
    /// One log line per message.
    Log,
    AfricasTalking(AfricasTalkingConfig),
}

#[derive(Debug, Clone)]
pub enum EmailBackend {
    Log,
    Smtp(SmtpConfig),
}

#[derive(Debug, Clone)]
pub struct NotificationsConfig {
    /// Whether `orderflow serve` runs a delivery worker too (`orderflow worker` runs one alone).
    pub worker_in_server: bool,
    pub delivery: DeliverySettings,
    /// How long an idle worker waits before it looks for due messages again.
    pub poll_interval: Duration,
    /// `worker-status` reports delivery as stalled when the oldest undelivered message is older than this.
    pub stalled_after: Duration,
    pub sms: SmsBackend,
    pub email: EmailBackend,
    /// Text messages allowed per number per hour and per customer per day; more are kept suppressed.
    pub sms_caps: SmsCaps,
}

impl Vars<'_> {
    pub(super) fn notifications(&self) -> Result<NotificationsConfig, ConfigError> {
        let worker_in_server = self.switch("NOTIFY_WORKER", true)?;
        let max_attempts: u32 = self.parsed(
            "NOTIFY_MAX_ATTEMPTS",
            5,
            "a number of attempts (1-100)",
            |n| (1..=100).contains(n),
        )?;
        let base_ms: u64 = self.parsed(
            "NOTIFY_RETRY_BASE_MS",
            30_000,
            "milliseconds (0-86400000)",
            |n| *n <= 86_400_000,
        )?;
        let max_ms: u64 = self.parsed(
            "NOTIFY_RETRY_MAX_MS",
            3_600_000,
            "milliseconds (0-604800000)",
            |n| *n <= 604_800_000,
        )?;
        let send_timeout = Duration::from_secs(self.parsed(
            "NOTIFY_SEND_TIMEOUT_SECONDS",
            10,
            "a number of seconds (1-300)",
            |n: &u64| (1..=300).contains(n),
        )?);
        let lease_seconds: u64 = self.parsed(
            "NOTIFY_LEASE_SECONDS",
            60,
            "a number of seconds (1-86400)",
            |n| (1..=86_400).contains(n),
        )?;
        let lease = Duration::from_secs(lease_seconds);
        // A live worker must never lose its claim while a provider call is still allowed to run.
        if lease <= send_timeout * 2 {
            return Err(ConfigError {
                variable: "NOTIFY_LEASE_SECONDS",
                value: lease_seconds.to_string(),
                problem: format!(
                    "expected more than twice NOTIFY_SEND_TIMEOUT_SECONDS ({}s)",
                    send_timeout.as_secs()
                ),
            });
        }
        let defaults = SmsCaps::default();
        let sms_caps = SmsCaps {
            per_number_per_hour: self.parsed(
                "SMS_MAX_PER_NUMBER_PER_HOUR",
                defaults.per_number_per_hour,
                "a number of messages (1-10000)",
                |n| (1..=10_000).contains(n),
            )?,
            per_customer_per_day: self.parsed(
                "SMS_MAX_PER_CUSTOMER_PER_DAY",
                defaults.per_customer_per_day,
                "a number of messages (1-100000)",
                |n| (1..=100_000).contains(n),
            )?,
        };
        Ok(NotificationsConfig {
            sms_caps,
            worker_in_server,
            delivery: DeliverySettings {
                batch_size: self.parsed(
                    "NOTIFY_BATCH_SIZE",
                    20,
                    "a number of messages (1-1000)",
                    |n| (1..=1000).contains(n),
                )?,
                lease,
                retry: RetryPolicy {
                    max_attempts,
                    base_delay: Duration::from_millis(base_ms),
                    max_delay: Duration::from_millis(max_ms.max(base_ms)),
                },
            },
            poll_interval: Duration::from_millis(self.parsed(
                "NOTIFY_POLL_MS",
                1000,
                "milliseconds (10-60000)",
                |n: &u64| (10..=60_000).contains(n),
            )?),
            stalled_after: Duration::from_secs(self.parsed(
                "NOTIFY_STALLED_AFTER_SECONDS",
                300,
                "a number of seconds (1-604800)",
                |n: &u64| (1..=604_800).contains(n),
            )?),
            sms: self.sms(send_timeout)?,
            email: self.email(send_timeout)?,
        })
    }

    pub(super) fn switch(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name).map(|v| v.to_ascii_lowercase()).as_deref() {
            None => Ok(default),
            Some("on" | "true" | "1" | "yes") => Ok(true),
            Some("off" | "false" | "0" | "no") => Ok(false),
            Some(other) => Err(ConfigError {
                variable: name,
                value: other.to_owned(),
                problem: "expected on or off".into(),
            }),
        }
    }

    pub(super) fn required(
        &self,
        name: &'static str,
        because: &str,
    ) -> Result<String, ConfigError> {
        self.get(name).ok_or_else(|| ConfigError {
            variable: name,
            value: String::new(),
            problem: format!("required {because}"),
        })
    }

    fn sms(&self, timeout: Duration) -> Result<SmsBackend, ConfigError> {
        match self.get("SMS_BACKEND").as_deref() {
            None | Some("log") => Ok(SmsBackend::Log),
            Some("africastalking") => {
                let because = "with SMS_BACKEND=africastalking";
                let base_url = match self.get("AFRICASTALKING_BASE_URL") {
                    None => None,
                    Some(raw) => Some(
                        url::Url::parse(&raw)
                            .ok()
                            .filter(|u| u.scheme().starts_with("http"))
                            .ok_or(ConfigError {
                                variable: "AFRICASTALKING_BASE_URL",
                                value: raw,
                                problem:
                                    "expected an http(s) URL such as https://api.africastalking.com"
                                        .into(),
                            })?,
                    ),
                };
                Ok(SmsBackend::AfricasTalking(AfricasTalkingConfig {
                    username: self.required("AFRICASTALKING_USERNAME", because)?,
                    api_key: self.required("AFRICASTALKING_API_KEY", because)?.into(),
                    sender_id: self.get("AFRICASTALKING_SENDER_ID"),
                    base_url,
                    timeout,
                }))
            }
            Some(other) => Err(ConfigError {
                variable: "SMS_BACKEND",
                value: other.to_owned(),
                problem: "expected log or africastalking".into(),
            }),
        }
    }

    fn email(&self, timeout: Duration) -> Result<EmailBackend, ConfigError> {
        match self.get("EMAIL_BACKEND").as_deref() {
            None | Some("log") => Ok(EmailBackend::Log),
            Some("smtp") => {
                let security = match self.get("SMTP_TLS").as_deref() {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(other) => {
                        return Err(ConfigError {
                            variable: "SMTP_TLS",
                            value: other.to_owned(),
                            problem: "expected none, starttls or tls".into(),
                        })
                    }
                };
                let default_port = match security {
                    SmtpSecurity::None => 25,
                    SmtpSecurity::StartTls => 587,
                    SmtpSecurity::Tls => 465,
                };
                let from = self
                    .get("EMAIL_FROM")
                    .unwrap_or_else(|| "OrderFlow <no-reply@orderflow.local>".into());
                if !orderflow_notifications::is_valid_sender(&from) {
                    return Err(ConfigError {
                        variable: "EMAIL_FROM",
                        value: from,
                        problem: "expected an address such as OrderFlow <orders@example.com>"
                            .into(),
                    });
                }
                Ok(EmailBackend::Smtp(SmtpConfig {
                    host: self.required("SMTP_HOST", "with EMAIL_BACKEND=smtp")?,
                    port: self.parsed(
                        "SMTP_PORT",
                        default_port,
                        "a port number (1-65535)",
                        |p| *p > 0,
                    )?,
                    username: self.get("SMTP_USERNAME"),
                    password: self.get("SMTP_PASSWORD").map(Into::into),
                    security,
                    from,
                    timeout,
                }))
            }
            Some(other) => Err(ConfigError {
                variable: "EMAIL_BACKEND",
                value: other.to_owned(),
                problem: "expected log or smtp".into(),
            }),
        }
    }
}
