//! Memory a hostile client can make the server take, measured on the real process (`orderflow serve`), from the
//! peak resident size the kernel records (`VmHWM` in `/proc/<pid>/status`). (Issue 9, item 5: thirty
//! registrations at once took 520 MiB, a 10 MiB CSV of tiny rows 1.2 GB, a 200 MB form was read to its end.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{serve, Process};
use orderflow_test_support::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};

const MIB: u64 = 1024 * 1024;

/// The process's peak resident memory so far, in bytes.
fn peak_memory(process: &Process) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", process.child.id())).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|n| n.trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status");
    kib * 1024
}

struct Server {
    process: Process,
    base: String,
    _db: TestDatabase,
    client: reqwest::Client,
}

impl Server {
    async fn start(vars: &[(&str, &str)]) -> Self {
        let db = tokio::task::spawn_blocking(TestDatabase::new)
            .await
            .unwrap();
        let url = db.url().to_owned();
        let mut all = vec![
            ("DATABASE_URL", url.as_str()),
            ("NOTIFY_WORKER", "off"),
            ("RUST_LOG", "warn"),
        ];
        all.extend_from_slice(vars);
        let (process, base) = serve(&all).await;
        Self {
            process,
            base,
            _db: db,
            client: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A staff account made by the `create-admin` command, signed in.
    async fn staff_token(&self) -> String {
        common::create_staff(self._db.url());
        common::log_in(
            &self.client,
            &self.base,
            "staff@x.com",
            common::STAFF_PASSWORD,
        )
        .await
    }

    async fn register(&self, n: usize) -> StatusCode {
        self.client
            .post(self.url("/api/v1/auth/register/"))
            .json(&json!({"email": format!("customer{n}@x.com"), "password": "kamau-wanjiru-77",
                          "password_confirm": "kamau-wanjiru-77", "first_name": "A", "last_name": "B"}))
            .send()
            .await
            .unwrap()
            .status()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_registrations_at_once_take_the_memory_of_the_hashes_allowed_at_once() {
    let server = Server::start(&[
        ("PASSWORD_HASH_CONCURRENCY", "2"),
        ("PASSWORD_HASH_WAIT_MS", "60000"),
        ("HTTP_WORKERS", "2"),
    ])
    .await;
    assert_eq!(server.register(0).await, StatusCode::CREATED);
    let before = peak_memory(&server.process);
    let registrations = (1..=30).map(|n| server.register(n));
    for status in futures_util::future::join_all(registrations).await {
        assert_eq!(status, StatusCode::CREATED);
    }
    let grew = peak_memory(&server.process).saturating_sub(before);
    eprintln!(
        "30 registrations at once: peak memory grew by {} MiB",
        grew / MIB
    );
    // argon2id takes 19 MiB a hash: two at once, plus room for the allocator. Unbounded, it was 520 MiB.
    assert!(grew < 100 * MIB, "peak memory grew by {} MiB", grew / MIB);
}

#[tokio::test(flavor = "multi_thread")]
async fn when_every_hashing_slot_stays_taken_a_registration_is_told_to_come_back() {
    let server = Server::start(&[
        ("PASSWORD_HASH_CONCURRENCY", "1"),
        ("PASSWORD_HASH_WAIT_MS", "0"),
    ])
    .await;
    let server = &server;
    let statuses: Vec<StatusCode> = futures_util::future::join_all((0..16).map(|n| async move {
        server
            .client
            .post(server.url("/api/v1/auth/login/"))
            .json(&json!({"email": format!("nobody{n}@x.com"), "password": "kamau-wanjiru-77"}))
            .send()
            .await
            .unwrap()
    }))
    .await
    .into_iter()
    .map(|response| {
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(response.headers()["retry-after"], "1");
        }
        response.status()
    })
    .collect();
    assert!(
        statuses.contains(&StatusCode::SERVICE_UNAVAILABLE),
        "sixteen hashes at once, one slot and no wait: {statuses:?}"
    );
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::SERVICE_UNAVAILABLE || *s == StatusCode::BAD_REQUEST));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ten_mebibyte_file_of_tiny_rows_is_refused_within_a_few_mebibytes_of_its_size() {
    let server = Server::start(&[]).await;
    let staff = server.staff_token().await;
    let csv = format!("name\n{}", "a\n".repeat(5 * 1024 * 1024 - 3));
    let json_rows = format!("[{}{{}}]", "{},".repeat(3 * 1024 * 1024 + 100_000));
    for (content_type, body) in [("text/csv", csv), ("application/json", json_rows)] {
        let size = body.len() as u64;
        assert!(size > 9 * MIB && size <= 10 * MIB, "{size}");
        let before = peak_memory(&server.process);
        let started = Instant::now();
        let response = server
            .client
            .post(server.url("/api/v1/products/bulk_upload/"))
            .header("Authorization", format!("Token {staff}"))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let took = started.elapsed();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{content_type}: {answer}");
        assert_eq!(
            answer["non_field_errors"][0],
            "At most 10000 rows can be imported at once; this file has more."
        );
        assert!(
            took < Duration::from_secs(5),
            "{content_type} took {took:?}"
        );
        let grew = peak_memory(&server.process).saturating_sub(before);
        eprintln!(
            "{content_type}, {} MiB of tiny rows: refused in {took:?}, peak memory grew by {} MiB",
            size / MIB,
            grew / MIB
        );
        assert!(
            grew < size + 16 * MIB,
            "{content_type}: peak memory grew by {} MiB for a {} MiB file",
            grew / MIB,
            size / MIB
        );
    }
}

/// Sends a `multipart/form-data` request of up to `total` bytes in 40 file parts over a raw connection, announcing
/// its length or not, and returns the response's status line and how many bytes the server let it send.
fn send_huge_form(base: &str, token: &str, total: usize, announce_length: bool) -> (String, usize) {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let boundary = "hostileboundary";
    let mut head = format!(
        "POST /api/v1/products/upload/ HTTP/1.1\r\nHost: {address}\r\nAuthorization: Token {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n"
    );
    if announce_length {
        head.push_str(&format!("Content-Length: {total}\r\n\r\n"));
    } else {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    }
    stream.write_all(head.as_bytes()).unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        let sent = sent.clone();
        std::thread::spawn(move || {
            let part_size = total / 40;
            let chunk = vec![b'x'; 64 * 1024];
            for part in 0..40 {
                let header = format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file{part}\"; filename=\"f{part}.png\"\r\n\
                     Content-Type: image/png\r\n\r\n"
                );
                let mut pieces: Vec<&[u8]> = vec![header.as_bytes()];
                pieces.extend(std::iter::repeat_n(&chunk[..], part_size / chunk.len()));
                pieces.push(b"\r\n");
                for piece in pieces {
                    let written = if announce_length {
                        stream.write_all(piece)
                    } else {
                        stream
                            .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                            .and_then(|()| stream.write_all(piece))
                            .and_then(|()| stream.write_all(b"\r\n"))
                    };
                    if written.is_err() {
                        return;
                    }
                    sent.fetch_add(piece.len(), Ordering::SeqCst);
                }
            }
        })
    };
    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&buffer[..n]),
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    writer.join().unwrap();
    let status_line = String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    (status_line, sent.load(Ordering::SeqCst))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_hundred_megabyte_form_is_cut_off_at_the_form_limit() {
    let server = Server::start(&[]).await;
    let staff = server.staff_token().await;
    let total = 200 * 1000 * 1000;
    for announce_length in [true, false] {
        let before = peak_memory(&server.process);
        let started = Instant::now();
        let (base, token) = (server.base.clone(), staff.clone());
        let (status_line, sent) = tokio::task::spawn_blocking(move || {
            send_huge_form(&base, &token, total, announce_length)
        })
        .await
        .unwrap();
        assert!(
            status_line.contains(" 413 "),
            "announced length {announce_length}: {status_line:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            sent < total / 4,
            "announced length {announce_length}: the server let {} MB in",
            sent / 1_000_000
        );
        let grew = peak_memory(&server.process).saturating_sub(before);
        eprintln!(
            "200 MB form (length announced: {announce_length}): {status_line} in {:?}, {} MB let in, peak memory grew by {} MiB",
            started.elapsed(),
            sent / 1_000_000,
            grew / MIB
        );
        assert!(grew < 32 * MIB, "peak memory grew by {} MiB", grew / MIB);
    }
    let health = server
        .client
        .get(server.url("/health/"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
