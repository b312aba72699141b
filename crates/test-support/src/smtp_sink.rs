//! A real SMTP server for the tests: Python's `aiosmtpd` (PyPI), writing each message it receives to a Maildir
//! that the test reads back.
//!
//! The interpreter is `$ORDERFLOW_SMTP_SINK_PYTHON`, else the virtualenv `scripts/test-peers.sh` installs under
//! `target/test-peers/smtp-venv` (`make test` runs that script first).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;

/// One message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope recipients (`RCPT TO`).
    pub envelope_to: Vec<String>,
    /// The `To:` header, as `Name <address>` or the address alone.
    pub to: String,
    pub from: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
}

pub struct SmtpSink {
    child: Option<Child>,
    port: u16,
    maildir: PathBuf,
}

fn python() -> PathBuf {
    if let Ok(path) = std::env::var("ORDERFLOW_SMTP_SINK_PYTHON") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-peers/smtp-venv/bin/python")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free local port")
}

impl SmtpSink {
    /// Starts a server on a free port of 127.0.0.1 and waits until it accepts connections.
    pub fn start() -> Self {
        let port = free_port();
        let maildir =
            std::env::temp_dir().join(format!("orderflow-smtp-{}", uuid::Uuid::new_v4().simple()));
        let mut sink = Self {
            child: None,
            port,
            maildir,
        };
        sink.spawn();
        sink
    }

    fn spawn(&mut self) {
        let python = python();
        assert!(
            python.exists(),
            "no SMTP sink: {} is missing; run scripts/test-peers.sh (make test does)",
            python.display()
        );
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!("aiosmtpd exited at start: {status}");
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server, as an outage would; messages received so far stay readable.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Every message received so far, in no particular order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .filter_map(|raw| parse(&raw))
            .collect()
    }

    /// Waits until at least `count` messages arrived (or `timeout` passed), and returns them all.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() >= deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn parse(raw: &[u8]) -> Option<ReceivedMail> {
    let message = MessageParser::default().parse(raw)?;
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|value| value.trim().to_owned())
            .unwrap_or_default()
    };
    let address = |list: Option<&mail_parser::Address>| {
        list.and_then(|a| a.first())
            .map(|addr| match (addr.name(), addr.address()) {
                (Some(name), Some(address)) => format!("{name} <{address}>"),
                (None, Some(address)) => address.to_owned(),
                _ => String::new(),
            })
            .unwrap_or_default()
    };
    Some(ReceivedMail {
        envelope_to: header("X-RcptTo")
            .split(',')
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
        to: address(message.to()),
        from: address(message.from()),
        subject: message.subject().unwrap_or_default().to_owned(),
        body: message
            .body_text(0)
            .map(|b| b.replace("\r\n", "\n"))
            .unwrap_or_default(),
        message_id: message
            .message_id()
            .map(|id| format!("<{id}>"))
            .unwrap_or_default(),
    })
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}
