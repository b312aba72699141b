//! A real browser for the HTML pages: Debian's Chromium, headless, with no network beyond 127.0.0.1.
//!
//! The program is `$ORDERFLOW_CHROMIUM`, else `/usr/bin/chromium` (`scripts/test-peers.sh` installs it with apt
//! when missing; `make test` runs that script first).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// What a page did once its scripts had run.
pub struct PageVisit {
    /// The DOM as the page's scripts left it.
    pub dom: String,
    /// The page's console messages, Content-Security-Policy violations included.
    pub console: Vec<String>,
    /// Every URL the page asked the network for, itself included (requests the policy blocked are not asked).
    pub requests: Vec<String>,
}

impl PageVisit {
    /// The console messages that report something the Content-Security-Policy blocked.
    pub fn policy_violations(&self) -> Vec<&str> {
        self.console
            .iter()
            .map(String::as_str)
            .filter(|message| message.contains("Content Security Policy"))
            .collect()
    }
}

/// A fresh profile directory, which also holds what the browser wrote; removed even when the test fails.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!(
            "orderflow-chromium-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn chromium() -> PathBuf {
    std::env::var_os("ORDERFLOW_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Opens `url` in a fresh profile, lets the page run until it is idle (up to 20 s of virtual time), and reports
/// what it showed, said and asked for.
pub fn visit(url: &str) -> PageVisit {
    let chromium = chromium();
    assert!(
        chromium.exists(),
        "no Chromium: {} is missing; run scripts/test-peers.sh (make test does)",
        chromium.display()
    );
    let profile = Profile::new();
    let net_log = profile.0.join("net-log.json");
    let dom = profile.0.join("dom.html");
    let log = profile.0.join("stderr.log");
    let child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Everything but 127.0.0.1 (never proxied) goes to a closed port: the page gets no other network.
            "--proxy-server=http://127.0.0.1:1",
            // Console messages, CSP violations among them, on stderr.
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.0.display()))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg(url)
        // Files, not pipes: a pipe nobody reads while the browser runs would stall it once full.
        .stdin(Stdio::null())
        .stdout(File::create(&dom).unwrap())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .unwrap_or_else(|error| panic!("start {}: {error}", chromium.display()));
    let status = wait_with_deadline(child, Duration::from_secs(120));
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(status.success(), "Chromium failed ({status}):\n{log}");
    PageVisit {
        dom: std::fs::read_to_string(&dom).unwrap(),
        console: console_messages(&log),
        requests: page_requests(&net_log, url),
    }
}

fn wait_with_deadline(mut child: Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Chromium logs each console message as `[pid:tid:time:INFO:CONSOLE...] "message", source: url (line)`.
fn console_messages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .filter_map(|line| line.split_once("] ").map(|(_, message)| message.to_owned()))
        .collect()
}

/// The URLs the page asked for, from Chromium's NetLog: its own navigation and the requests it initiated. The
/// browser's own (updates, time, accounts, autofill) are not the page's.
fn page_requests(net_log: &Path, page_url: &str) -> Vec<String> {
    let log: Value = serde_json::from_slice(&std::fs::read(net_log).unwrap()).unwrap();
    let start_job = &log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"];
    assert!(start_job.is_u64(), "no URL_REQUEST_START_JOB in the NetLog");
    let origin = url::Url::parse(page_url)
        .unwrap()
        .origin()
        .ascii_serialization();
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| &event["type"] == start_job)
        .map(|event| &event["params"])
        .filter(|request| {
            request["initiator"] == origin.as_str() || request["request_type"] == "main frame"
        })
        .filter_map(|request| request["url"].as_str().map(str::to_owned))
        .collect()
}
