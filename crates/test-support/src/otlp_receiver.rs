//! A local OTLP/HTTP trace receiver for the tests: it accepts `POST /v1/traces` (protobuf, as the OpenTelemetry
//! exporters send it), decodes every span with the protocol's own message types, and answers as a collector does.
//! It listens on a loopback port and keeps what it received for the test to read.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use prost::Message;

/// One span as the receiver got it: ids in lowercase hex (empty parent for a root), attributes as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedSpan {
    pub service_name: String,
    pub name: String,
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub attributes: BTreeMap<String, String>,
}

pub struct OtlpReceiver {
    port: u16,
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
    failures: Arc<Mutex<Vec<String>>>,
}

impl OtlpReceiver {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let spans = Arc::new(Mutex::new(Vec::new()));
        let failures = Arc::new(Mutex::new(Vec::new()));
        let (kept, failed) = (spans.clone(), failures.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (kept, failed) = (kept.clone(), failed.clone());
                std::thread::spawn(move || {
                    if let Err(reason) = serve(stream, &kept) {
                        failed.lock().unwrap().push(reason);
                    }
                });
            }
        });
        Self {
            port,
            spans,
            failures,
        }
    }

    /// What `OTEL_EXPORTER_OTLP_ENDPOINT` should say.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn spans(&self) -> Vec<ReceivedSpan> {
        let failures = self.failures.lock().unwrap();
        assert!(failures.is_empty(), "bad OTLP requests: {failures:?}");
        self.spans.lock().unwrap().clone()
    }

    /// The spans received once `done` holds for them, failing the test after `within`.
    pub fn wait_for(
        &self,
        within: Duration,
        done: impl Fn(&[ReceivedSpan]) -> bool,
    ) -> Vec<ReceivedSpan> {
        let deadline = Instant::now() + within;
        loop {
            let spans = self.spans();
            if done(&spans) {
                return spans;
            }
            assert!(
                Instant::now() < deadline,
                "the spans never arrived; received: {spans:#?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Serves one connection's requests (the exporter keeps its connection alive between batches).
fn serve(stream: TcpStream, kept: &Mutex<Vec<ReceivedSpan>>) -> Result<(), String> {
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader
            .read_line(&mut request_line)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Ok(());
        }
        let mut length = None;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).map_err(|e| e.to_string())?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
                if name.eq_ignore_ascii_case("content-encoding") {
                    return Err(format!("compressed body ({header}): not expected"));
                }
            }
        }
        if !request_line.starts_with("POST /v1/traces ") {
            return Err(format!("unexpected request: {}", request_line.trim_end()));
        }
        let length = length.ok_or("no Content-Length")?;
        let mut body = vec![0; length];
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
        let request =
            ExportTraceServiceRequest::decode(body.as_slice()).map_err(|e| e.to_string())?;
        kept.lock().unwrap().extend(spans_of(request));
        // An empty ExportTraceServiceResponse: everything accepted.
        writer
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n",
            )
            .map_err(|e| e.to_string())?;
    }
}

fn spans_of(request: ExportTraceServiceRequest) -> Vec<ReceivedSpan> {
    let mut spans = Vec::new();
    for resource_spans in request.resource_spans {
        let service_name = resource_spans
            .resource
            .map(|resource| attributes(resource.attributes))
            .and_then(|attributes| attributes.get("service.name").cloned())
            .unwrap_or_default();
        for scope_spans in resource_spans.scope_spans {
            for span in scope_spans.spans {
                spans.push(ReceivedSpan {
                    service_name: service_name.clone(),
                    name: span.name,
                    trace_id: hex::encode(span.trace_id),
                    span_id: hex::encode(span.span_id),
                    parent_span_id: hex::encode(span.parent_span_id),
                    attributes: attributes(span.attributes),
                });
            }
        }
    }
    spans
}

fn attributes(pairs: Vec<KeyValue>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|pair| {
            let value = match pair.value.and_then(|value| value.value) {
                Some(AnyValue::StringValue(text)) => text,
                Some(AnyValue::IntValue(n)) => n.to_string(),
                Some(AnyValue::DoubleValue(x)) => x.to_string(),
                Some(AnyValue::BoolValue(b)) => b.to_string(),
                Some(other) => format!("{other:?}"),
                None => String::new(),
            };
            (pair.key, value)
        })
        .collect()
}
