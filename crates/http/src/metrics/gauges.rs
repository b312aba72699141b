//! The figures read when scraped, in a registry made for that one scrape.

use orderflow_application::notifications::DeliveryFigures;
use orderflow_application::ports::PoolUsage;
use prometheus::proto::MetricFamily;
use prometheus::{Gauge, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

/// The pool's connections, and the notification queue when it could be read.
pub(super) fn scrape_time(
    pool: PoolUsage,
    delivery: Option<&DeliveryFigures>,
) -> Result<Vec<MetricFamily>, prometheus::Error> {
    let registry = Registry::new();
    let connections = IntGaugeVec::new(
        Opts::new(
            "orderflow_db_pool_connections",
            "Open database connections of this process: in_use (handed out) or idle (waiting in the pool).",
        ),
        &["state"],
    )?;
    connections
        .get_metric_with_label_values(&["in_use"])?
        .set(i64::from(pool.in_use));
    connections
        .get_metric_with_label_values(&["idle"])?
        .set(i64::from(pool.idle));
    registry.register(Box::new(connections))?;
    gauge(
        &registry,
        "orderflow_db_pool_max_connections",
        "The most database connections the pool of this process opens (DATABASE_POOL_SIZE).",
        u64::from(pool.max),
    )?;
    if let Some(delivery) = delivery {
        register_delivery(&registry, delivery)?;
    }
    Ok(registry.gather())
}

fn register_delivery(
    registry: &Registry,
    delivery: &DeliveryFigures,
) -> Result<(), prometheus::Error> {
    gauge(
        registry,
        "orderflow_notifications_pending",
        "Messages not delivered yet, retries included.",
        delivery.pending,
    )?;
    gauge(
        registry,
        "orderflow_notifications_due",
        "Pending messages ready to be tried now.",
        delivery.due,
    )?;
    let oldest = Gauge::new(
        "orderflow_notifications_oldest_pending_age_seconds",
        "How long the oldest undelivered message has waited (0 when none waits).",
    )?;
    oldest.set(
        delivery
            .oldest_pending_age
            .map_or(0.0, |age| age.as_secs_f64()),
    );
    registry.register(Box::new(oldest))?;
    gauge(
        registry,
        "orderflow_notification_workers",
        "Delivery workers (in any process) that reported within the last minute.",
        u64::try_from(delivery.workers_seen).unwrap_or(u64::MAX),
    )?;
    let failed = IntGaugeVec::new(
        Opts::new(
            "orderflow_notifications_failed",
            "Messages given up on after their last attempt, by channel (an admin's retry puts one back in the \
             queue).",
        ),
        &["channel"],
    )?;
    let sent = IntCounterVec::new(
        Opts::new(
            "orderflow_notifications_sent_total",
            "Messages sent, by channel, since the database began (the same figure from every instance).",
        ),
        &["channel"],
    )?;
    for totals in &delivery.by_channel {
        let channel = [totals.channel.as_str()];
        failed
            .get_metric_with_label_values(&channel)?
            .set(saturating_i64(totals.failed));
        sent.get_metric_with_label_values(&channel)?
            .inc_by(totals.sent);
    }
    registry.register(Box::new(failed))?;
    registry.register(Box::new(sent))?;
    Ok(())
}

fn gauge(registry: &Registry, name: &str, help: &str, value: u64) -> Result<(), prometheus::Error> {
    let gauge = IntGauge::new(name, help)?;
    gauge.set(saturating_i64(value));
    registry.register(Box::new(gauge))
}

fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use orderflow_application::ports::ChannelTotals;
    use orderflow_domain::notifications::Channel;
    use prometheus::TextEncoder;

    use super::*;

    fn text(delivery: Option<&DeliveryFigures>) -> String {
        let pool = PoolUsage {
            in_use: 2,
            idle: 1,
            max: 5,
        };
        TextEncoder::new()
            .encode_to_string(&scrape_time(pool, delivery).unwrap())
            .unwrap()
    }

    #[test]
    fn the_pool_is_always_there_and_the_queue_only_when_it_was_read() {
        let without_queue = text(None);
        assert!(without_queue.contains("orderflow_db_pool_connections{state=\"in_use\"} 2"));
        assert!(without_queue.contains("orderflow_db_pool_connections{state=\"idle\"} 1"));
        assert!(without_queue.contains("orderflow_db_pool_max_connections 5"));
        assert!(
            !without_queue.contains("orderflow_notifications"),
            "{without_queue}"
        );

        let figures = DeliveryFigures {
            pending: 3,
            due: 2,
            oldest_pending_age: Some(Duration::from_millis(1500)),
            workers_seen: 1,
            by_channel: vec![
                ChannelTotals {
                    channel: Channel::Sms,
                    sent: 9,
                    failed: 1,
                },
                ChannelTotals {
                    channel: Channel::Email,
                    sent: 0,
                    failed: 0,
                },
            ],
        };
        let with_queue = text(Some(&figures));
        for line in [
            "orderflow_notifications_pending 3",
            "orderflow_notifications_due 2",
            "orderflow_notifications_oldest_pending_age_seconds 1.5",
            "orderflow_notification_workers 1",
            "orderflow_notifications_failed{channel=\"sms\"} 1",
            "orderflow_notifications_failed{channel=\"email\"} 0",
            "orderflow_notifications_sent_total{channel=\"sms\"} 9",
            "orderflow_notifications_sent_total{channel=\"email\"} 0",
        ] {
            assert!(
                with_queue.contains(line),
                "{line} missing from\n{with_queue}"
            );
        }
    }
}
