//! The SMTP adapter against a real SMTP server (aiosmtpd), reading back what it received.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use orderflow_application::ports::{Notifier, OutgoingMessage};
use orderflow_domain::notifications::Channel;
use orderflow_notifications::{SmtpConfig, SmtpEmail, SmtpSecurity};
use orderflow_test_support::SmtpSink;

fn config(port: u16, timeout: Duration) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        security: SmtpSecurity::None,
        from: "OrderFlow <orders@orderflow.test>".into(),
        timeout,
    }
}

fn email() -> OutgoingMessage {
    OutgoingMessage {
        channel: Channel::Email,
        address: "alice@example.com".into(),
        recipient_name: "Alice Wanjiru".into(),
        subject: "Order Confirmation - #ORD-20261126-0001".into(),
        body: "Dear Alice,\n\nThank you for your order!\n- Total Amount: Ksh 1,234.50\n\nBest regards,\nOrderFlow Team"
            .into(),
    }
}

#[test]
fn the_server_receives_recipient_subject_and_body_as_sent() {
    let sink = SmtpSink::start();
    let smtp = SmtpEmail::new(config(sink.port(), Duration::from_secs(5))).unwrap();
    let receipt = smtp.send(&email()).unwrap();

    let received = sink.wait_for(1, Duration::from_secs(10));
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.envelope_to, ["alice@example.com"]);
    assert_eq!(mail.to, "Alice Wanjiru <alice@example.com>");
    assert_eq!(mail.from, "OrderFlow <orders@orderflow.test>");
    assert_eq!(mail.subject, email().subject);
    assert_eq!(mail.body.trim_end(), email().body);
    assert_eq!(mail.message_id, receipt.provider_message_id);
}

#[test]
fn a_server_that_is_down_is_a_failure() {
    let mut sink = SmtpSink::start();
    sink.stop();
    let smtp = SmtpEmail::new(config(sink.port(), Duration::from_secs(5))).unwrap();
    let failure = smtp.send(&email()).unwrap_err();
    assert!(failure.0.starts_with("SMTP: "), "{failure}");
}

#[test]
fn a_server_that_never_answers_is_a_failure_at_the_timeout() {
    // Accepts the connection and says nothing.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let smtp = SmtpEmail::new(config(port, Duration::from_millis(500))).unwrap();
    let started = Instant::now();
    assert!(smtp.send(&email()).is_err());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "gave up at the timeout"
    );
    drop(silent);
}
