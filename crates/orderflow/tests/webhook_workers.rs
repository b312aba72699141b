//! Webhook delivery by `orderflow worker` processes: two workers share one queue, a worker killed with SIGKILL
//! loses nothing, and a private destination is refused at delivery time. The receiver verifies every request with
//! the Standard Webhooks reference library; every destination is loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::Process;

use chrono::Utc;
use orderflow_application::listing::PageRequest;
use orderflow_application::ports::{NewWebhookEndpoint, WebhookId, WebhookStore};
use orderflow_domain::webhooks::{self, DeliveryState, WebhookSecret};
use orderflow_persistence::PgWebhookStore;
use orderflow_test_support::{TestDatabase, WebhookReceiver};

/// An endpoint at `url` for every event, and its secret.
fn endpoint(db: &TestDatabase, url: &str) -> (WebhookId, String) {
    let secret = WebhookSecret::from_bytes([7; 32]);
    let created = PgWebhookStore::new(db.pool())
        .create(
            &NewWebhookEndpoint {
                id: WebhookId(uuid::Uuid::new_v4()),
                url: url.into(),
                events: webhooks::events(&["*"]).unwrap(),
                description: String::new(),
                secret: secret.clone(),
            },
            Utc::now(),
        )
        .unwrap();
    (created.id, secret.expose())
}

/// Queues `count` test deliveries, each with a body of its own.
fn queue(db: &TestDatabase, hook: WebhookId, count: usize) {
    let store = PgWebhookStore::new(db.pool());
    for n in 0..count {
        store
            .queue_test(
                hook,
                &format!("{{\"type\":\"webhook.test\",\"n\":{n}}}"),
                Utc::now(),
            )
            .unwrap();
    }
}

fn count(db: &TestDatabase, hook: WebhookId, status: DeliveryState) -> u64 {
    PgWebhookStore::new(db.pool())
        .deliveries(hook, Some(status), PageRequest::new(1, 1))
        .unwrap()
        .total
}

fn vars(db: &TestDatabase) -> Vec<(&str, &str)> {
    vec![
        ("DATABASE_URL", db.url()),
        ("RUST_LOG", "info"),
        ("NOTIFY_POLL_MS", "20"),
        ("WEBHOOK_ALLOW_HTTP", "true"),
        ("WEBHOOK_ALLOW_PRIVATE", "true"),
        ("WEBHOOK_TIMEOUT_SECONDS", "2"),
    ]
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How many times each `webhook-id` arrived, every request verified.
fn arrivals(receiver: &WebhookReceiver) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for request in receiver.requests() {
        assert_eq!(request.valid, [true], "{request:?}");
        *seen.entry(request.webhook_id.unwrap()).or_default() += 1;
    }
    seen
}

#[test]
fn two_workers_deliver_five_hundred_webhooks_each_exactly_once() {
    let db = TestDatabase::new();
    let mut receiver = WebhookReceiver::start(&[]);
    let (hook, secret) = endpoint(&db, &receiver.url("/bulk"));
    receiver.set_secrets(&[&secret]);
    queue(&db, hook, 500);
    let vars = vars(&db);
    let mut workers = [
        Process::start(&["worker"], &vars),
        Process::start(&["worker"], &vars),
    ];
    wait_until("500 sent", Duration::from_secs(180), || {
        count(&db, hook, DeliveryState::Sent) == 500
    });
    let seen = arrivals(&receiver);
    assert_eq!(seen.len(), 500, "every delivery arrived");
    assert!(seen.values().all(|n| *n == 1), "none twice");
    assert_eq!(count(&db, hook, DeliveryState::Failed), 0);
    for worker in &mut workers {
        assert!(worker.terminate(Duration::from_secs(15)).success());
    }
    let both_worked = workers
        .iter()
        .all(|w| w.log().contains("notification worker started"));
    assert!(both_worked);
}

#[test]
fn a_worker_killed_with_sigkill_loses_no_webhook() {
    let db = TestDatabase::new();
    let mut receiver = WebhookReceiver::start(&[]);
    let (hook, secret) = endpoint(&db, &receiver.url("/kill"));
    receiver.set_secrets(&[&secret]);
    // The first answers hang, so that the first worker is killed with deliveries claimed and one in hand.
    receiver.script(&["hang"]);
    queue(&db, hook, 100);
    let mut first = Process::start(&["worker"], &vars(&db));
    wait_until("the first claim", Duration::from_secs(20), || {
        !receiver.requests().is_empty()
    });
    first.kill_hard();
    let second = Process::start(&["worker"], &vars(&db));
    // The dead worker's claims come back when their lease (7 x the 2 s timeout) ends.
    wait_until("100 sent", Duration::from_secs(120), || {
        count(&db, hook, DeliveryState::Sent) == 100
    });
    let seen = arrivals(&receiver);
    assert_eq!(seen.len(), 100, "none lost");
    let repeated: Vec<_> = seen.values().filter(|n| **n > 1).collect();
    assert!(
        repeated.len() <= 1,
        "only the one in hand may arrive twice (at least once): {repeated:?}"
    );
    drop(second);
}

#[test]
fn a_private_destination_is_refused_at_delivery_time_without_a_request() {
    let db = TestDatabase::new();
    let receiver = WebhookReceiver::start(&[]);
    // Accepted while private destinations were allowed; the worker runs without that permission.
    let (hook, _) = endpoint(&db, &receiver.url("/private"));
    queue(&db, hook, 1);
    let strict: Vec<_> = vars(&db)
        .into_iter()
        .filter(|(name, _)| *name != "WEBHOOK_ALLOW_PRIVATE")
        .collect();
    let _worker = Process::start(&["worker"], &strict);
    let store = PgWebhookStore::new(db.pool());
    wait_until("an attempt", Duration::from_secs(20), || {
        let page = store
            .deliveries(hook, None, PageRequest::default())
            .unwrap();
        page.items[0].attempts >= 1 && !page.items[0].last_error.is_empty()
    });
    let delivery = store
        .deliveries(hook, None, PageRequest::default())
        .unwrap()
        .items
        .remove(0);
    assert!(
        delivery.last_error.contains("not a public address"),
        "{}",
        delivery.last_error
    );
    assert_eq!(delivery.status, DeliveryState::Pending, "retried later");
    std::thread::sleep(Duration::from_millis(300));
    assert!(receiver.requests().is_empty(), "no request was made");
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_and_signatures_never_reach_the_log_even_at_debug() {
    let db = tokio::task::spawn_blocking(TestDatabase::new)
        .await
        .unwrap();
    let url = db.url().to_owned();
    let made = common::run(
        &[
            "create-admin",
            "--email",
            "hooks@x.com",
            "--password",
            common::STAFF_PASSWORD,
            "--first-name",
            "Hook",
            "--last-name",
            "Admin",
            "--role",
            "admin",
        ],
        &[("DATABASE_URL", &url)],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let mut receiver = tokio::task::spawn_blocking(|| WebhookReceiver::start(&[]))
        .await
        .unwrap();
    let (server, base) = common::serve(&[
        ("DATABASE_URL", &url),
        ("RUST_LOG", "debug"),
        ("NOTIFY_POLL_MS", "20"),
        ("WEBHOOK_ALLOW_HTTP", "true"),
        ("WEBHOOK_ALLOW_PRIVATE", "true"),
    ])
    .await;
    let client = reqwest::Client::new();
    let token = common::log_in(&client, &base, "hooks@x.com", common::STAFF_PASSWORD).await;
    let admin_post = |path: String, body: serde_json::Value| {
        client
            .post(format!("{base}/api/v1/webhooks/{path}"))
            .header("Authorization", format!("Token {token}"))
            .json(&body)
            .send()
    };
    let created: serde_json::Value = admin_post(
        String::new(),
        serde_json::json!({"url": receiver.url("/logged"), "events": ["*"]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = created["id"].as_str().unwrap();
    let first = created["secret"].as_str().unwrap().to_owned();
    let rotated: serde_json::Value =
        admin_post(format!("{id}/rotate_secret/"), serde_json::json!({}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let second = rotated["secret"].as_str().unwrap().to_owned();
    receiver.set_secrets(&[&second]);
    let queued = admin_post(format!("{id}/test/"), serde_json::json!({}))
        .await
        .unwrap();
    assert_eq!(queued.status(), reqwest::StatusCode::ACCEPTED);
    let requests = tokio::task::block_in_place(|| receiver.wait_for(1, Duration::from_secs(20)));
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].valid, [true]);
    std::thread::sleep(Duration::from_millis(300));

    let log = server.log();
    assert!(
        log.contains("webhook") || log.contains("/api/v1/webhooks/"),
        "the log is read"
    );
    let signatures = requests[0].webhook_signature.clone().unwrap();
    let mut secrets = vec![first.clone(), second.clone()];
    // The keys without their prefix, and each signature's digest.
    secrets.extend([&first, &second].map(|s| s.trim_start_matches("whsec_").to_owned()));
    secrets.extend(
        signatures
            .split(' ')
            .map(|s| s.trim_start_matches("v1,").to_owned()),
    );
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "{secret} in the log");
    }
}
