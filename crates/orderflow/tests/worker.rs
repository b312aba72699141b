//! The delivery worker as a process: killed mid-send, stopped with SIGTERM, two of them draining one queue,
//! `worker-status` as a probe, and `serve` with the log backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::{run, Process};

use chrono::Utc;
use orderflow_application::ports::{
    transaction, NotificationQueries, NotificationStats, RepositoryError,
};
use orderflow_domain::identity::Customer;
use orderflow_domain::notifications::{Channel, Message, NewNotification};
use orderflow_persistence::{PgNotificationQueries, PgUnitOfWork};
use orderflow_test_support::fixtures::stored_customer;
use orderflow_test_support::{SmtpSink, TestDatabase};
use serde_json::{json, Value};

fn customer(db: &TestDatabase) -> Customer {
    stored_customer(db, "alice@example.com")
}

/// Queues `emails` emails and `sms` SMS, each with a text of its own, in one transaction.
fn enqueue(db: &TestDatabase, to: &Customer, emails: usize, sms: usize) {
    let mut queued = Vec::new();
    for n in 0..emails {
        queued.push(NewNotification {
            channel: Channel::Email,
            recipient: to.id,
            recipient_name: to.full_name(),
            address: to.email.to_string(),
            order_id: None,
            message: Message {
                subject: format!("Message {n}"),
                body: format!("Body of message {n}"),
            },
        });
    }
    for n in 0..sms {
        queued.push(NewNotification {
            channel: Channel::Sms,
            recipient: to.id,
            recipient_name: to.full_name(),
            address: "+254711000001".into(),
            order_id: None,
            message: Message {
                subject: "Text".into(),
                body: format!("SMS {n}"),
            },
        });
    }
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        tx.outbox().enqueue(&queued, Utc::now())?;
        Ok::<_, RepositoryError>(())
    })
    .unwrap();
}

fn stats(db: &TestDatabase) -> NotificationStats {
    PgNotificationQueries::new(db.pool()).stats(None).unwrap()
}

fn only_notification(db: &TestDatabase) -> orderflow_application::ports::NotificationView {
    let page = PgNotificationQueries::new(db.pool())
        .notifications(&Default::default(), Default::default())
        .unwrap();
    assert_eq!(page.items.len(), 1);
    page.items.into_iter().next().unwrap()
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A TCP server that accepts connections and never says a word: an SMTP server that hangs.
fn silent_server() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    (listener, port)
}

fn smtp_vars<'a>(db: &'a TestDatabase, port: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("DATABASE_URL", db.url()),
        ("RUST_LOG", "info"),
        ("EMAIL_BACKEND", "smtp"),
        ("SMTP_HOST", "127.0.0.1"),
        ("SMTP_PORT", port),
        ("SMTP_TLS", "none"),
        ("NOTIFY_POLL_MS", "20"),
    ]
}

#[test]
fn a_worker_killed_mid_send_loses_nothing_the_message_goes_out_when_the_lease_ends() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    enqueue(&db, &alice, 1, 0);
    let (_silent, silent_port) = silent_server();
    let lease = [
        ("NOTIFY_SEND_TIMEOUT_SECONDS", "4"),
        ("NOTIFY_LEASE_SECONDS", "9"),
    ];

    let mut vars = smtp_vars(&db, &silent_port);
    vars.extend(lease);
    let mut first = Process::start(&["worker"], &vars);
    wait_until("the first worker's claim", Duration::from_secs(20), || {
        only_notification(&db).attempts == 1
    });
    // Between claiming and recording: the send hangs on the silent server.
    first.kill_hard();
    let killed_at = Instant::now();

    let sink = SmtpSink::start();
    let port = sink.port().to_string();
    let mut vars = smtp_vars(&db, &port);
    vars.extend(lease);
    let _second = Process::start(&["worker"], &vars);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(sink.messages().len(), 0, "held by the dead worker's lease");
    assert_eq!(stats(&db).pending, 1);

    wait_until("delivery after the lease", Duration::from_secs(30), || {
        stats(&db).sent == 1
    });
    assert!(killed_at.elapsed() >= Duration::from_secs(2));
    let mails = sink.wait_for(1, Duration::from_secs(5));
    assert_eq!(mails.len(), 1, "delivered once");
    assert_eq!(mails[0].subject, "Message 0");
    let sent = only_notification(&db);
    assert_eq!(sent.attempts, 2, "the lost attempt counts");
}

#[test]
fn sigterm_lets_the_worker_finish_the_message_in_hand() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    enqueue(&db, &alice, 1, 0);
    let (_silent, silent_port) = silent_server();
    let mut vars = smtp_vars(&db, &silent_port);
    vars.extend([
        ("NOTIFY_SEND_TIMEOUT_SECONDS", "3"),
        ("NOTIFY_LEASE_SECONDS", "60"),
    ]);
    let mut worker = Process::start(&["worker"], &vars);
    wait_until("the claim", Duration::from_secs(20), || {
        only_notification(&db).attempts == 1
    });
    let asked = Instant::now();
    let status = worker.terminate(Duration::from_secs(15));
    assert!(status.success(), "{status}\n{}", worker.log());
    assert!(
        asked.elapsed() >= Duration::from_millis(300),
        "it waited for the send in hand to end (at its timeout)"
    );
    // The attempt was recorded, not abandoned to the lease: due again after the backoff.
    let view = only_notification(&db);
    assert_eq!(view.status.as_str(), "pending");
    assert_eq!(view.attempts, 1);
    assert!(
        view.error_message.starts_with("SMTP: "),
        "{}",
        view.error_message
    );
    let retry_at = view.next_attempt_at.unwrap();
    assert!(
        retry_at > Utc::now() + chrono::Duration::seconds(5),
        "backoff, not the 60 s lease"
    );
    assert!(retry_at < Utc::now() + chrono::Duration::seconds(45));
    assert!(worker.log().contains("stopping after the message in hand"));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workers_drain_a_thousand_messages_sending_each_exactly_once() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"SMSMessageData": {
            "Message": "Sent to 1/1", "Recipients": [{"statusCode": 101, "number": "+254711000001",
            "status": "Success", "cost": "KES 0.8000", "messageId": "ATXid_1"}]}})),
        )
        .mount(&gateway)
        .await;
    let uri = gateway.uri();
    let (db, sink, mut workers) = tokio::task::spawn_blocking(move || {
        let db = TestDatabase::new();
        let alice = customer(&db);
        enqueue(&db, &alice, 500, 500);
        let sink = SmtpSink::start();
        let port = sink.port().to_string();
        let mut vars = smtp_vars(&db, &port);
        vars.extend([
            ("SMS_BACKEND", "africastalking"),
            ("AFRICASTALKING_USERNAME", "orderflow"),
            ("AFRICASTALKING_API_KEY", "key"),
            ("AFRICASTALKING_BASE_URL", &uri),
            ("NOTIFY_BATCH_SIZE", "10"),
        ]);
        let workers = [
            Process::start(&["worker"], &vars),
            Process::start(&["worker"], &vars),
        ];
        (db, sink, workers)
    })
    .await
    .unwrap();

    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let s = stats(&db);
        if s.sent == 1000 {
            break;
        }
        assert!(s.failed == 0, "{s:?}");
        assert!(Instant::now() < deadline, "not drained: {s:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let status = run(&["worker-status"], &[("DATABASE_URL", db.url())]);
    let report = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        report.contains("workers seen in the last minute: 2"),
        "{report}"
    );

    let mails = sink.messages();
    assert_eq!(mails.len(), 500, "every email received once");
    let subjects: HashSet<_> = mails.iter().map(|m| m.subject.clone()).collect();
    assert_eq!(subjects.len(), 500, "no email received twice");
    let calls = gateway.received_requests().await.unwrap();
    assert_eq!(calls.len(), 500, "one gateway call per SMS");
    let texts: HashSet<String> = calls
        .iter()
        .map(|call| {
            url::form_urlencoded::parse(&call.body)
                .find(|(k, _)| k == "message")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert_eq!(texts.len(), 500, "no SMS sent twice");
    for worker in &mut workers {
        assert!(worker.terminate(Duration::from_secs(15)).success());
    }
}

#[test]
fn worker_status_reports_the_queue_and_fails_while_delivery_is_stalled() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    enqueue(&db, &alice, 2, 0);
    let probe = |stalled_after: &str| {
        run(
            &["worker-status", "--stalled-after", stalled_after],
            &[("DATABASE_URL", db.url())],
        )
    };
    let fresh = probe("300");
    let report = String::from_utf8_lossy(&fresh.stdout).into_owned();
    assert!(fresh.status.success(), "{report}");
    assert!(report.contains("pending: 2\n"), "{report}");
    assert!(
        report.contains("workers seen in the last minute: 0"),
        "{report}"
    );
    assert!(report.contains("delivery: ok"), "{report}");

    // The SMTP server is down: the worker keeps failing and retrying; the messages age.
    let mut sink = SmtpSink::start();
    sink.stop();
    let port = sink.port().to_string();
    let mut vars = smtp_vars(&db, &port);
    vars.extend([
        ("NOTIFY_RETRY_BASE_MS", "100"),
        ("NOTIFY_RETRY_MAX_MS", "200"),
        ("NOTIFY_MAX_ATTEMPTS", "100"),
    ]);
    let _worker = Process::start(&["worker"], &vars);
    std::thread::sleep(Duration::from_millis(2500));
    let stalled = probe("1");
    let report = String::from_utf8_lossy(&stalled.stdout).into_owned();
    assert_eq!(stalled.status.code(), Some(1), "{report}");
    assert!(report.contains("pending: 2\n"), "{report}");
    assert!(
        report.contains("workers seen in the last minute: 1"),
        "{report}"
    );
    assert!(report.contains("delivery: STALLED"), "{report}");
    let reason = String::from_utf8_lossy(&stalled.stderr).into_owned();
    assert_eq!(reason.trim_end().lines().count(), 1, "{reason}");
    assert!(reason.contains("delivery is stalled"), "{reason}");

    // The server comes back: everything goes out and the probe passes again.
    sink.restart();
    wait_until(
        "delivery once SMTP is back",
        Duration::from_secs(30),
        || stats(&db).sent == 2,
    );
    let recovered = probe("1");
    assert!(
        recovered.status.success(),
        "{}",
        String::from_utf8_lossy(&recovered.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_with_the_log_backends_logs_the_sms_and_emails_of_an_order_from_the_seed_data() {
    let db = tokio::task::spawn_blocking(TestDatabase::new)
        .await
        .unwrap();
    let url = db.url().to_owned();
    let seeded = run(&["seed"], &[("DATABASE_URL", &url)]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let (server, base) = common::serve(&[
        ("DATABASE_URL", &url),
        ("NOTIFY_POLL_MS", "50"),
        ("LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let client = reqwest::Client::new();
    let token = common::log_in(&client, &base, "john.doe@example.com", "testpass123").await;
    let products: Value = client
        .get(format!("{base}/api/v1/products/?in_stock=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let product = products["results"][0]["id"].as_str().unwrap().to_owned();
    let response = client
        .post(format!("{base}/api/v1/orders/"))
        .header("Authorization", format!("Token {token}"))
        .json(&json!({"shipping_address": "1 Moi Avenue", "billing_address": "1 Moi Avenue",
                      "phone_number": "+254722000002", "items": [{"product_id": product, "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    let order: Value = response.json().await.unwrap();
    let number = order["order_number"].as_str().unwrap().to_owned();

    let delivered = |log: &str| -> Vec<(String, String, String)> {
        log.lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|entry| entry["target"] == "orderflow::notifications")
            .map(|entry| {
                (
                    entry["channel"].as_str().unwrap_or_default().to_owned(),
                    entry["to"].as_str().unwrap_or_default().to_owned(),
                    entry["subject"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = delivered(&server.log());
    while lines.len() < 3 {
        assert!(Instant::now() < deadline, "log so far:\n{}", server.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
        lines = delivered(&server.log());
    }
    lines.sort();
    assert_eq!(
        lines,
        [
            (
                "email".to_owned(),
                "admin@orderflow.com".to_owned(),
                format!("New Order Received - #{number}")
            ),
            (
                "email".to_owned(),
                "john.doe@example.com".to_owned(),
                format!("Order Confirmation - #{number}")
            ),
            (
                "sms".to_owned(),
                "+254722000002".to_owned(),
                "Order Confirmation".to_owned()
            ),
        ]
    );
    drop(server);
    drop(db);
}
