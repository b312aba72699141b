//! The Africa's Talking adapter against a stand-in for its API (wiremock): the exact request, and every kind
//! of answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use orderflow_application::ports::{DeliveryFailure, DeliveryReceipt, Notifier, OutgoingMessage};
use orderflow_domain::notifications::{Channel, SmsCost};
use orderflow_notifications::{AfricasTalkingConfig, AfricasTalkingSms};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn config(server: &MockServer, sender_id: Option<&str>, timeout: Duration) -> AfricasTalkingConfig {
    AfricasTalkingConfig {
        username: "orderflow".into(),
        api_key: "secret-key".into(),
        sender_id: sender_id.map(str::to_owned),
        base_url: Some(url::Url::parse(&server.uri()).unwrap()),
        timeout,
    }
}

fn sms() -> OutgoingMessage {
    OutgoingMessage {
        channel: Channel::Sms,
        address: "+254711000001".into(),
        recipient_name: "Alice Wanjiru".into(),
        subject: "Order Confirmation".into(),
        body: "Order #ORD-20261126-0001 confirmed!\nTotal: Ksh 1,234.50".into(),
    }
}

/// Sends on a blocking thread: the adapter's client must not run inside the test's async runtime.
async fn send(config: AfricasTalkingConfig) -> Result<DeliveryReceipt, DeliveryFailure> {
    tokio::task::spawn_blocking(move || AfricasTalkingSms::new(config).unwrap().send(&sms()))
        .await
        .unwrap()
}

fn answer(status: &str, code: i64) -> serde_json::Value {
    serde_json::json!({"SMSMessageData": {
        "Message": "Sent to 1/1 Total Cost: KES 0.8000",
        "Recipients": [{"statusCode": code, "number": "+254711000001", "status": status,
                        "cost": "KES 0.8000", "messageId": "ATXid_4f1b"}]
    }})
}

fn form(request: &Request) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

#[tokio::test]
async fn a_sent_message_is_one_form_post_with_the_key_and_comes_back_with_its_id_and_cost() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/version1/messaging"))
        .and(header("apiKey", "secret-key"))
        .and(header("Accept", "application/json"))
        .and(header("Content-Type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer("Success", 101)))
        .expect(1)
        .mount(&server)
        .await;

    let receipt = send(config(&server, Some("ORDERFLOW"), Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(receipt.provider_message_id, "ATXid_4f1b");
    assert_eq!(receipt.cost, SmsCost::parse("KES 0.8000"));
    assert_eq!(receipt.cost.unwrap().currency, "KES");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        form(&requests[0]),
        BTreeMap::from([
            ("username".to_owned(), "orderflow".to_owned()),
            ("to".to_owned(), "+254711000001".to_owned()),
            ("message".to_owned(), sms().body),
            ("from".to_owned(), "ORDERFLOW".to_owned()),
        ])
    );
}

#[tokio::test]
async fn without_a_sender_id_there_is_no_from_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer("Success", 101)))
        .mount(&server)
        .await;
    send(config(&server, None, Duration::from_secs(5)))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let fields: Vec<_> = form(&requests[0]).into_keys().collect();
    assert_eq!(fields, ["message", "to", "username"]);
}

#[tokio::test]
async fn a_recipient_status_other_than_success_is_a_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer("InvalidPhoneNumber", 403)))
        .mount(&server)
        .await;
    let failure = send(config(&server, None, Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert_eq!(failure.0, "InvalidPhoneNumber: 403");
}

#[tokio::test]
async fn an_http_error_is_a_failure_that_quotes_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("Internal Server Error"))
        .mount(&server)
        .await;
    let failure = send(config(&server, None, Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert_eq!(
        failure.0,
        "Africa's Talking answered HTTP 500: Internal Server Error"
    );
}

#[tokio::test]
async fn no_answer_within_the_timeout_is_a_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(answer("Success", 101))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let failure = send(config(&server, None, Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert_eq!(failure.0, "Africa's Talking did not answer in time");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "gave up at the timeout"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_the_expected_json_is_a_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_string("<xml/>"))
        .mount(&server)
        .await;
    let failure = send(config(&server, None, Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert!(
        failure
            .0
            .starts_with("unexpected answer from Africa's Talking"),
        "{failure}"
    );
}

#[test]
fn the_sandbox_username_selects_the_sandbox_and_anything_else_the_live_api() {
    let endpoint = |username: &str| {
        AfricasTalkingSms::new(AfricasTalkingConfig {
            username: username.into(),
            api_key: "k".into(),
            sender_id: None,
            base_url: None,
            timeout: Duration::from_secs(1),
        })
        .unwrap()
        .endpoint()
        .to_string()
    };
    assert_eq!(
        endpoint("sandbox"),
        "https://api.sandbox.africastalking.com/version1/messaging"
    );
    assert_eq!(
        endpoint("orderflow"),
        "https://api.africastalking.com/version1/messaging"
    );
}

#[test]
fn a_key_no_header_can_carry_stops_the_adapter_at_setup_without_showing_it() {
    let Err(error) = AfricasTalkingSms::new(AfricasTalkingConfig {
        username: "orderflow".into(),
        api_key: "at-key-4712\n".into(),
        sender_id: None,
        base_url: None,
        timeout: Duration::from_secs(1),
    }) else {
        panic!("a key with a line break must be refused")
    };
    assert!(
        error.to_string().starts_with("AFRICASTALKING_API_KEY"),
        "{error}"
    );
    assert!(!error.to_string().contains("at-key-4712"), "{error}");
}
