//! Traces over OTLP/HTTP to a real receiver: a request continues its caller's W3C trace, with spans for the request,
//! its use case and its SQL statements, and no bound value (an email, a password hash) in any of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use orderflow_test_support::{OtlpReceiver, ReceivedSpan, TestDatabase};
use reqwest::StatusCode;
use serde_json::json;

const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";
const CALLER_SPAN: &str = "b7ad6b7169203331";

fn children<'a>(spans: &'a [ReceivedSpan], parent: &ReceivedSpan) -> Vec<&'a ReceivedSpan> {
    spans
        .iter()
        .filter(|span| span.parent_span_id == parent.span_id)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_continues_the_callers_trace_with_its_use_case_and_statements() {
    let receiver = OtlpReceiver::start();
    let db = tokio::task::spawn_blocking(TestDatabase::new)
        .await
        .unwrap();
    let endpoint = receiver.endpoint();
    let (mut server, base) = common::serve(&[
        ("DATABASE_URL", db.url()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_SERVICE_NAME", "orderflow-under-test"),
        ("NOTIFY_WORKER", "off"),
        ("RUST_LOG", "warn"),
    ])
    .await;
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{base}/api/v1/auth/login/"))
        .header("traceparent", format!("00-{TRACE_ID}-{CALLER_SPAN}-01"))
        .header("X-Request-Id", "traced-login")
        .json(&json!({"email": "secret-probe@x.com", "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::BAD_REQUEST);
    // Without a traceparent a request starts a trace of its own.
    let page = client
        .get(format!("{base}/api/v1/products/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    // Stopping flushes the exporter's queue.
    assert!(server.terminate(Duration::from_secs(40)).success());

    let spans = receiver.wait_for(Duration::from_secs(10), |spans| {
        spans
            .iter()
            .any(|s| s.name == "request" && s.trace_id == TRACE_ID)
            && spans.iter().any(|s| {
                s.name == "request"
                    && s.attributes.get("route").map(String::as_str) == Some("/api/v1/products/")
            })
    });
    assert!(spans
        .iter()
        .all(|s| s.service_name == "orderflow-under-test"));

    let request = spans
        .iter()
        .find(|s| s.name == "request" && s.trace_id == TRACE_ID)
        .unwrap();
    assert_eq!(
        request.parent_span_id, CALLER_SPAN,
        "the caller's span is the parent"
    );
    assert_eq!(request.attributes["request_id"], "traced-login");
    assert_eq!(request.attributes["route"], "/api/v1/auth/login/");
    assert_eq!(request.attributes["method"], "POST");
    assert_eq!(request.attributes["status"], "400");

    let use_cases = children(&spans, request);
    let use_case = use_cases
        .iter()
        .find(|s| s.name == "use_case")
        .unwrap_or_else(|| panic!("no use case under the request: {use_cases:#?}"));
    assert_eq!(use_case.trace_id, TRACE_ID);
    assert_eq!(use_case.attributes["handler"], "auth::log_in");
    assert_eq!(use_case.attributes["request_id"], "traced-login");
    let statements = children(&spans, use_case);
    assert!(
        statements.iter().any(|s| s.name == "db.query"
            && s.attributes["db.statement"].contains("customers")
            && s.attributes["db.system"] == "postgresql"),
        "the login's look-up of the account: {statements:#?}"
    );

    let page = spans
        .iter()
        .find(|s| {
            s.name == "request"
                && s.attributes.get("route").map(String::as_str) == Some("/api/v1/products/")
        })
        .unwrap();
    assert_ne!(page.trace_id, TRACE_ID);
    assert!(page.parent_span_id.is_empty(), "a root span");
    let page_statements: Vec<_> = children(&spans, page)
        .into_iter()
        .flat_map(|use_case| children(&spans, use_case))
        .collect();
    assert!(
        page_statements
            .iter()
            .any(|s| s.attributes["db.statement"].contains("FROM \"products\"")),
        "{page_statements:#?}"
    );

    // Bound values never leave: not the email looked up, not anything else a statement was given.
    for span in &spans {
        for (key, value) in &span.attributes {
            assert!(
                !value.contains("secret-probe"),
                "{} {key}={value}",
                span.name
            );
            assert!(!value.contains("-- binds"), "{} {key}={value}", span.name);
        }
    }
}
