//! A real webhook receiver for the tests: a small Python HTTP server (`peers/webhooks/receiver.py`) that checks
//! every request's signature with `standardwebhooks` from PyPI, the Standard Webhooks reference library, and
//! answers with the statuses a test scripts. Listens on 127.0.0.1 only.
//!
//! The interpreter is `$ORDERFLOW_WEBHOOK_RECEIVER_PYTHON`, else the virtualenv `scripts/test-peers.sh` installs
//! under `target/test-peers/webhooks-venv`.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// One request as the receiver got it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReceivedWebhook {
    pub method: String,
    pub path: String,
    /// Unix seconds, fractional.
    pub received_at: f64,
    pub content_type: Option<String>,
    pub webhook_id: Option<String>,
    pub webhook_timestamp: Option<String>,
    pub webhook_signature: Option<String>,
    pub body: String,
    /// For each secret the receiver knew, in order: whether the library accepted the request with it alone.
    pub valid: Vec<bool>,
    /// The status it answered, or `hang`.
    pub answer: String,
}

impl ReceivedWebhook {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

pub struct WebhookReceiver {
    child: Child,
    port: u16,
    dir: PathBuf,
}

fn python() -> PathBuf {
    if let Ok(path) = std::env::var("ORDERFLOW_WEBHOOK_RECEIVER_PYTHON") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-peers/webhooks-venv/bin/python")
}

impl WebhookReceiver {
    /// Starts a receiver on a free port of 127.0.0.1 verifying with `secrets`, and waits until it accepts
    /// connections.
    pub fn start(secrets: &[&str]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .expect("a free local port");
        let dir = std::env::temp_dir().join(format!(
            "orderflow-webhooks-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("the receiver's folder");
        let python = python();
        assert!(
            python.exists(),
            "no webhook receiver: {} is missing; run scripts/test-peers.sh (make test does)",
            python.display()
        );
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/webhooks/receiver.py");
        let child = Command::new(&python)
            .arg(&script)
            .arg(port.to_string())
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the webhook receiver");
        let mut receiver = Self { child, port, dir };
        receiver.set_secrets(secrets);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = receiver.child.try_wait() {
                panic!("the webhook receiver exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "the webhook receiver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        receiver
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The secrets requests are verified with from now on, each alone.
    pub fn set_secrets(&mut self, secrets: &[&str]) {
        let text: String = secrets.iter().map(|s| format!("{s}\n")).collect();
        std::fs::write(self.dir.join("secrets"), text).expect("write the secrets");
    }

    /// The answers to the next requests, in order (a status, or `hang`); 204 once they are used up.
    pub fn script(&self, answers: &[&str]) {
        let text: String = answers.iter().map(|a| format!("{a}\n")).collect();
        std::fs::write(self.dir.join("answers"), text).expect("write the answers");
    }

    /// Every request so far, in the order they arrived.
    pub fn requests(&self) -> Vec<ReceivedWebhook> {
        let Ok(text) = std::fs::read_to_string(self.dir.join("requests.jsonl")) else {
            return Vec::new();
        };
        text.lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// Waits until at least `count` requests arrived (or `timeout` passed), and returns them all.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedWebhook> {
        let deadline = Instant::now() + timeout;
        loop {
            let requests = self.requests();
            if requests.len() >= count || Instant::now() >= deadline {
                return requests;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
