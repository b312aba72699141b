//! Stopping under load: SIGTERM turns readiness to 503 at once, the listener stays open for the drain, the request
//! in flight when it closes still gets its answer, nothing is answered with a 5xx, and the process exits 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use orderflow_test_support::TestDatabase;
use reqwest::StatusCode;

const DRAIN: Duration = Duration::from_secs(2);

/// A login whose body arrives in two parts, `gap` apart: the request is in flight for that long.
fn slow_login(port: &str, gap: Duration) -> String {
    let body = br#"{"email": "nobody@x.com", "password": "not-the-password"}"#;
    let (first, rest) = body.split_at(10);
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/auth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(first).unwrap();
    std::thread::sleep(gap);
    stream.write_all(rest).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_drains_then_finishes_what_is_in_flight_and_exits_0_without_a_5xx() {
    let db = tokio::task::spawn_blocking(TestDatabase::new)
        .await
        .unwrap();
    let drain = DRAIN.as_secs().to_string();
    let (mut server, base) = common::serve(&[
        ("DATABASE_URL", db.url()),
        ("SHUTDOWN_DRAIN_SECONDS", &drain),
        ("LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let port = base.rsplit(':').next().unwrap().to_owned();

    // Load: clients that stop sending once readiness says so, as a load balancer would.
    let stop_sending = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (base, stop_sending, answered) = (base.clone(), stop_sending.clone(), answered.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut statuses = Vec::new();
            while !stop_sending.load(Ordering::SeqCst) {
                let response = client
                    .get(format!("{base}/api/v1/products/"))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("a request failed during the drain: {e}"));
                statuses.push(response.status());
                answered.fetch_add(1, Ordering::SeqCst);
            }
            statuses
        }));
    }
    while answered.load(Ordering::SeqCst) < 100 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // A request that will still be in flight when the listener closes, a little after the drain.
    let slow_port = port.clone();
    let in_flight = tokio::task::spawn_blocking(move || {
        slow_login(&slow_port, DRAIN + Duration::from_millis(700))
    });
    tokio::time::sleep(Duration::from_millis(200)).await;

    let signalled = Instant::now();
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());

    // Readiness turns at once; liveness and the API keep answering during the drain.
    let probe = reqwest::Client::new();
    let ready = loop {
        let response = probe
            .get(format!("{base}/health/ready/"))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            break response.json::<serde_json::Value>().await.unwrap();
        }
        assert!(
            signalled.elapsed() < Duration::from_millis(500),
            "readiness still {} after SIGTERM",
            response.status()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(ready["shutting_down"], true);
    assert_eq!(ready["status"], "not_ready");
    let served_after_signal = answered.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        answered.load(Ordering::SeqCst) > served_after_signal,
        "the listener still serves during the drain"
    );
    assert_eq!(
        probe
            .get(format!("{base}/health/live/"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    stop_sending.store(true, Ordering::SeqCst);
    let mut statuses = Vec::new();
    for client in clients {
        statuses.extend(client.await.unwrap());
    }
    drop(probe);

    // The in-flight request gets its real answer (wrong credentials), after the listener closed.
    let answer = in_flight.await.unwrap();
    let status_line = answer.lines().next().unwrap_or_default().to_owned();
    assert!(
        status_line.starts_with("HTTP/1.1 400") || status_line.starts_with("HTTP/1.1 401"),
        "{status_line}\n{}",
        server.log()
    );

    let limit = DRAIN + Duration::from_secs(30 + 10);
    let status = server.wait_for_exit(limit);
    assert!(status.success(), "exit {status:?}\n{}", server.log());
    assert!(signalled.elapsed() < limit);
    assert!(
        std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
        "the listener is closed"
    );
    let failures: Vec<_> = statuses.iter().filter(|s| s.is_server_error()).collect();
    assert!(
        failures.is_empty(),
        "{} 5xx of {}",
        failures.len(),
        statuses.len()
    );
    assert!(statuses.iter().all(|s| *s == StatusCode::OK));
}
