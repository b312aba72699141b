//! The delivery worker's webhook round: claim due deliveries, write each one's body at its first attempt, check
//! the destination, sign, POST, record.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use orderflow_domain::webhooks::{self, WebhookSecret};

use super::body::envelope;
use super::destination::check_destination;
use super::WebhookSettings;
use crate::notifications::RoundOutcome;
use crate::ports::{
    AddressResolver, ClaimedWebhook, Clock, Jitter, RepositoryError, WebhookOutcome,
    WebhookPayloads, WebhookQueue, WebhookRequest, WebhookSender, WebhookSubject,
};

/// The most characters of an error (a receiver's answer among them) kept with a delivery.
pub const LAST_ERROR_MAX: usize = 1_000;

pub struct DeliverWebhooks {
    queue: Arc<dyn WebhookQueue>,
    payloads: Arc<dyn WebhookPayloads>,
    sender: Arc<dyn WebhookSender>,
    resolver: Arc<dyn AddressResolver>,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    settings: WebhookSettings,
    worker: String,
}

/// Why an attempt was not made or not accepted.
enum Refusal {
    /// Worth trying again later.
    Retry(Option<u16>, String),
    /// Never deliverable (the order or product is gone before the first attempt).
    Final(String),
}

fn truncated(text: &str) -> String {
    text.chars().take(LAST_ERROR_MAX).collect()
}

impl DeliverWebhooks {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        queue: Arc<dyn WebhookQueue>,
        payloads: Arc<dyn WebhookPayloads>,
        sender: Arc<dyn WebhookSender>,
        resolver: Arc<dyn AddressResolver>,
        clock: Arc<dyn Clock>,
        jitter: Arc<dyn Jitter>,
        settings: WebhookSettings,
        worker: String,
    ) -> Self {
        Self {
            queue,
            payloads,
            sender,
            resolver,
            clock,
            jitter,
            settings,
            worker,
        }
    }

    /// One round. Once `stop` is set it finishes the delivery in hand and hands the others back.
    pub fn run_round(&self, stop: &AtomicBool) -> Result<RoundOutcome, RepositoryError> {
        let lease = chrono::Duration::from_std(self.settings.lease)
            .map_err(|e| RepositoryError::Failed(format!("lease out of range: {e}").into()))?;
        let claimed = self.queue.claim(
            &self.worker,
            self.settings.batch_size,
            lease,
            self.settings.retry.max_attempts,
            self.clock.now(),
        )?;
        let mut round = RoundOutcome::default();
        for (index, delivery) in claimed.iter().enumerate() {
            if stop.load(Ordering::SeqCst) {
                let untried: Vec<_> = claimed[index..].iter().map(|d| d.id).collect();
                self.queue
                    .release(&self.worker, &untried, self.clock.now())?;
                round.released = untried.len();
                break;
            }
            let outcome = match self.attempt(delivery)? {
                Ok(status) => WebhookOutcome::Sent { status },
                Err(Refusal::Retry(status, error)) => WebhookOutcome::Failed {
                    status,
                    error: truncated(&error),
                    retry_at: self.retry_at(delivery.attempt),
                },
                Err(Refusal::Final(error)) => WebhookOutcome::Failed {
                    status: None,
                    error: truncated(&error),
                    retry_at: None,
                },
            };
            match outcome {
                WebhookOutcome::Sent { .. } => round.sent += 1,
                WebhookOutcome::Failed { .. } => round.failed += 1,
            }
            self.queue
                .record(&self.worker, delivery.id, &outcome, self.clock.now())?;
        }
        Ok(round)
    }

    fn retry_at(&self, attempt: u32) -> Option<DateTime<Utc>> {
        self.settings
            .retry
            .after_failure(attempt, self.jitter.sample())
            .and_then(|wait| chrono::Duration::from_std(wait).ok())
            .map(|wait| self.clock.now() + wait)
    }

    /// The body every attempt sends: kept from an earlier attempt, or rendered now and kept.
    fn body(&self, delivery: &ClaimedWebhook) -> Result<Option<String>, RepositoryError> {
        if let Some(body) = &delivery.body {
            return Ok(Some(body.clone()));
        }
        let data = match delivery.subject {
            WebhookSubject::Order(id) => self.payloads.order(id, delivery.state.as_deref())?,
            WebhookSubject::Product(id) => self.payloads.product(id)?,
            WebhookSubject::Nothing => None,
        };
        let Some(data) = data else {
            return Ok(None);
        };
        let body = envelope(&delivery.event_type, delivery.created_at, &data);
        self.queue.keep_body(delivery.id, &body).map(Some)
    }

    /// The answer's status if it was a 2xx.
    fn attempt(&self, delivery: &ClaimedWebhook) -> Result<Result<u16, Refusal>, RepositoryError> {
        let Some(body) = self.body(delivery)? else {
            return Ok(Err(Refusal::Final(format!(
                "nothing to send: what {} reports on no longer exists",
                delivery.event_type
            ))));
        };
        // The rules at creation apply again: the operator may have changed them, and a name may now point
        // elsewhere.
        let url = match webhooks::url(&delivery.url, self.settings.url_rules()) {
            Ok(url) => url,
            Err(error) => return Ok(Err(Refusal::Retry(None, format!("URL refused: {error}")))),
        };
        if let Err(refusal) =
            check_destination(&url, self.resolver.as_ref(), self.settings.allow_private)
        {
            return Ok(Err(Refusal::Retry(None, refusal.to_string())));
        }
        let timestamp = self.clock.now().timestamp();
        let secrets: Vec<&WebhookSecret> = delivery.secrets.iter().collect();
        let request = WebhookRequest {
            url: delivery.url.clone(),
            message_id: delivery.message_id.clone(),
            timestamp,
            signature: WebhookSecret::header(&secrets, &delivery.message_id, timestamp, &body),
            body,
        };
        Ok(match self.sender.post(&request) {
            Ok(answer) if (200..300).contains(&answer.status) => Ok(answer.status),
            Ok(answer) => Err(Refusal::Retry(
                Some(answer.status),
                format!("HTTP {}: {}", answer.status, answer.body_excerpt),
            )),
            Err(error) => Err(Refusal::Retry(None, error)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{
        MockAddressResolver, MockJitter, MockWebhookPayloads, MockWebhookQueue, MockWebhookSender,
        WebhookDeliveryId, WebhookId, WebhookResponse,
    };
    use crate::test_support::{fixed_clock, now};
    use orderflow_domain::ordering::OrderId;
    use std::sync::Mutex;
    use uuid::Uuid;

    fn claimed(url: &str, attempt: u32, body: Option<&str>) -> ClaimedWebhook {
        ClaimedWebhook {
            id: WebhookDeliveryId(Uuid::from_u128(7)),
            endpoint_id: WebhookId(Uuid::from_u128(1)),
            url: url.into(),
            message_id: "msg_1".into(),
            event_type: "order.paid".into(),
            subject: WebhookSubject::Order(OrderId(Uuid::from_u128(5))),
            body: body.map(str::to_owned),
            created_at: now(),
            state: Some(r#"{"status":"confirmed"}"#.into()),
            secrets: vec![
                WebhookSecret::from_bytes([1; 32]),
                WebhookSecret::from_bytes([2; 32]),
            ],
            attempt,
        }
    }

    struct Setup {
        queue: MockWebhookQueue,
        payloads: MockWebhookPayloads,
        sender: MockWebhookSender,
        settings: WebhookSettings,
    }

    impl Setup {
        fn new(claims: Vec<ClaimedWebhook>) -> Self {
            let mut queue = MockWebhookQueue::new();
            queue
                .expect_claim()
                .times(1)
                .return_once(move |_, _, _, _, _| Ok(claims));
            Self {
                queue,
                payloads: MockWebhookPayloads::new(),
                sender: MockWebhookSender::new(),
                settings: WebhookSettings {
                    allow_http: true,
                    ..WebhookSettings::default()
                },
            }
        }

        fn run(self) -> RoundOutcome {
            let mut resolver = MockAddressResolver::new();
            resolver
                .expect_resolve()
                .returning(|_, _| Ok(vec!["93.184.215.14".parse().unwrap()]));
            let mut jitter = MockJitter::new();
            jitter.expect_sample().returning(|| 1.0);
            DeliverWebhooks::new(
                Arc::new(self.queue),
                Arc::new(self.payloads),
                Arc::new(self.sender),
                Arc::new(resolver),
                fixed_clock(),
                Arc::new(jitter),
                self.settings,
                "w1".into(),
            )
            .run_round(&AtomicBool::new(false))
            .unwrap()
        }
    }

    #[test]
    fn a_first_attempt_renders_keeps_signs_with_every_secret_and_records_the_2xx() {
        let mut setup = Setup::new(vec![claimed("https://hooks.example.com/", 1, None)]);
        setup
            .payloads
            .expect_order()
            .withf(|_, state| *state == Some(r#"{"status":"confirmed"}"#))
            .returning(|_, _| Ok(Some(r#"{"id":"o"}"#.into())));
        let kept = Arc::new(Mutex::new(String::new()));
        let seen = kept.clone();
        setup
            .queue
            .expect_keep_body()
            .times(1)
            .returning(move |_, body| {
                *seen.lock().unwrap() = body.to_owned();
                Ok(body.to_owned())
            });
        let kept_for_send = kept.clone();
        setup
            .sender
            .expect_post()
            .withf(move |request| {
                let body = kept_for_send.lock().unwrap().clone();
                let expected = WebhookSecret::header(
                    &[
                        &WebhookSecret::from_bytes([1; 32]),
                        &WebhookSecret::from_bytes([2; 32]),
                    ],
                    "msg_1",
                    now().timestamp(),
                    &body,
                );
                request.body == body
                    && request.message_id == "msg_1"
                    && request.timestamp == now().timestamp()
                    && request.signature == expected
                    && request.signature.split(' ').count() == 2
            })
            .times(1)
            .returning(|_| {
                Ok(WebhookResponse {
                    status: 204,
                    body_excerpt: String::new(),
                })
            });
        setup
            .queue
            .expect_record()
            .withf(|_, _, outcome, _| *outcome == WebhookOutcome::Sent { status: 204 })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        assert_eq!(setup.run().sent, 1);
        assert!(kept
            .lock()
            .unwrap()
            .starts_with(r#"{"type":"order.paid","timestamp":""#));
    }

    #[test]
    fn a_non_2xx_answer_is_retried_later_with_its_status_and_truncated_answer() {
        let mut setup = Setup::new(vec![claimed(
            "https://hooks.example.com/",
            2,
            Some("{\"kept\":1}"),
        )]);
        setup.payloads.expect_order().never();
        setup.queue.expect_keep_body().never();
        setup
            .sender
            .expect_post()
            .withf(|request| request.body == "{\"kept\":1}")
            .returning(|_| {
                Ok(WebhookResponse {
                    status: 500,
                    body_excerpt: "x".repeat(5_000),
                })
            });
        setup
            .queue
            .expect_record()
            .withf(|_, _, outcome, _| match outcome {
                WebhookOutcome::Failed {
                    status: Some(500),
                    error,
                    retry_at: Some(at),
                } => {
                    // Second attempt: twice the base wait, at full jitter.
                    error.chars().count() == LAST_ERROR_MAX
                        && *at == now() + chrono::Duration::seconds(60)
                }
                _ => false,
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        assert_eq!(setup.run().failed, 1);
    }

    #[test]
    fn the_last_attempt_fails_for_good_and_a_private_destination_is_never_contacted() {
        let mut setup = Setup::new(vec![claimed("http://127.0.0.1:9/", 8, Some("{}"))]);
        setup.sender.expect_post().never();
        setup
            .queue
            .expect_record()
            .withf(|_, _, outcome, _| {
                matches!(outcome, WebhookOutcome::Failed { status: None, error, retry_at: None }
                    if error.contains("not a public address"))
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        assert_eq!(setup.run().failed, 1);
    }

    #[test]
    fn an_order_gone_before_the_first_attempt_fails_without_retry() {
        let mut setup = Setup::new(vec![claimed("https://hooks.example.com/", 1, None)]);
        setup.payloads.expect_order().returning(|_, _| Ok(None));
        setup.sender.expect_post().never();
        setup
            .queue
            .expect_record()
            .withf(|_, _, outcome, _| {
                matches!(outcome, WebhookOutcome::Failed { retry_at: None, .. })
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        assert_eq!(setup.run().failed, 1);
    }
}
