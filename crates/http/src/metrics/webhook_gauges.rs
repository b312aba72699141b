//! The webhook queue's figures, read when scraped.

use orderflow_application::webhooks::WebhookFigures;
use prometheus::proto::MetricFamily;
use prometheus::{Gauge, IntGaugeVec, Opts, Registry};

pub(super) fn families(figures: &WebhookFigures) -> Result<Vec<MetricFamily>, prometheus::Error> {
    let registry = Registry::new();
    let deliveries = IntGaugeVec::new(
        Opts::new(
            "orderflow_webhook_deliveries",
            "Webhook deliveries by outcome: pending (not delivered yet, retries included), sent (answered 2xx), \
             failed (every attempt failed; an admin's retry puts one back).",
        ),
        &["status"],
    )?;
    for (status, count) in [
        ("pending", figures.pending),
        ("sent", figures.sent),
        ("failed", figures.failed),
    ] {
        deliveries
            .get_metric_with_label_values(&[status])?
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }
    registry.register(Box::new(deliveries))?;
    let oldest = Gauge::new(
        "orderflow_webhook_oldest_pending_age_seconds",
        "How long the oldest undelivered webhook's event has waited (0 when none waits).",
    )?;
    oldest.set(
        figures
            .oldest_pending_age
            .map_or(0.0, |age| age.as_secs_f64()),
    );
    registry.register(Box::new(oldest))?;
    Ok(registry.gather())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use prometheus::TextEncoder;

    use super::*;

    #[test]
    fn deliveries_are_labelled_by_outcome_with_the_oldest_pending_age() {
        let text = TextEncoder::new()
            .encode_to_string(
                &families(&WebhookFigures {
                    pending: 3,
                    sent: 40,
                    failed: 1,
                    oldest_pending_age: Some(Duration::from_millis(2_500)),
                })
                .unwrap(),
            )
            .unwrap();
        for line in [
            "orderflow_webhook_deliveries{status=\"pending\"} 3",
            "orderflow_webhook_deliveries{status=\"sent\"} 40",
            "orderflow_webhook_deliveries{status=\"failed\"} 1",
            "orderflow_webhook_oldest_pending_age_seconds 2.5",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
    }
}
