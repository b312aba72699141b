//! The body of a delivery: `{"type", "timestamp", "data"}`.

use chrono::{DateTime, SecondsFormat, Utc};
use orderflow_domain::webhooks::WebhookEvent;

/// The body reporting `event` at `at`, `data` being JSON already (the order or product as the API renders it).
/// Written by hand: the type's name and an RFC 3339 time hold nothing JSON would have to escape.
pub fn envelope(event_type: &str, at: DateTime<Utc>, data: &str) -> String {
    format!(
        r#"{{"type":"{event_type}","timestamp":"{}","data":{data}}}"#,
        at.to_rfc3339_opts(SecondsFormat::Micros, true)
    )
}

/// The body of a test delivery: the endpoint's id as data.
pub(super) fn test_body(endpoint: uuid::Uuid, at: DateTime<Utc>) -> String {
    envelope(
        WebhookEvent::Test.as_str(),
        at,
        &format!(r#"{{"webhook_id":"{endpoint}"}}"#),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_envelope_is_type_timestamp_and_data() {
        let at = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
        assert_eq!(
            envelope("order.paid", at, r#"{"id":"x"}"#),
            r#"{"type":"order.paid","timestamp":"2026-12-05T10:00:00.000000Z","data":{"id":"x"}}"#
        );
        assert_eq!(
            test_body(uuid::Uuid::nil(), at),
            r#"{"type":"webhook.test","timestamp":"2026-12-05T10:00:00.000000Z","data":{"webhook_id":"00000000-0000-0000-0000-000000000000"}}"#
        );
    }
}
