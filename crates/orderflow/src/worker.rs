//! The delivery worker as a process concern: a thread that runs rounds until asked to stop. A round expands the
//! recorded changes into messages (in one transaction), then delivers the messages and the webhooks that are due.
//!
//! Rounds follow each other without pause while there is work; an idle worker waits `poll_interval` (waking at
//! once when asked to stop). Stopping lets the round finish the message in hand and hand back the rest.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::Utc;
use orderflow_application::notifications::{
    DeliverNotifications, ExpandOutboxEvents, ExpansionRound, RoundOutcome,
};
use orderflow_application::ports::{RepositoryError, WorkerInfo};
use orderflow_application::webhooks::DeliverWebhooks;

#[derive(Clone)]
pub struct WorkerStopper {
    stop: Arc<AtomicBool>,
    wake: Sender<()>,
}

impl WorkerStopper {
    pub fn signal(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.wake.send(());
    }
}

pub struct DeliveryWorker {
    stop: Arc<AtomicBool>,
    wake: Sender<()>,
    thread: JoinHandle<()>,
    id: String,
}

/// This process, as `worker-status` shows it.
pub fn this_worker() -> WorkerInfo {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    let pid = std::process::id();
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    WorkerInfo {
        id: format!("{host}-{pid}-{}", &suffix[..8]),
        host,
        pid,
        started_at: Utc::now(),
    }
}

impl DeliveryWorker {
    pub fn start(
        expand: ExpandOutboxEvents,
        deliver: DeliverNotifications,
        webhooks: DeliverWebhooks,
        poll_interval: Duration,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let (wake, woken) = mpsc::channel::<()>();
        let id = deliver.worker().id.clone();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("notification-worker".into())
            .spawn(move || {
                tracing::info!(worker = %deliver.worker().id, "notification worker started");
                while !flag.load(Ordering::SeqCst) {
                    let idle = round(
                        || expand.run_round(),
                        || deliver_both(|| deliver.run_round(&flag), || webhooks.run_round(&flag)),
                    );
                    if idle {
                        match woken.recv_timeout(poll_interval) {
                            Err(RecvTimeoutError::Timeout) => {}
                            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                        }
                    }
                }
                tracing::info!(worker = %deliver.worker().id, "notification worker stopped");
            })?;
        Ok(Self {
            stop,
            wake,
            thread,
            id,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// A handle that asks the worker to stop without waiting for it.
    pub fn stopper(&self) -> WorkerStopper {
        WorkerStopper {
            stop: self.stop.clone(),
            wake: self.wake.clone(),
        }
    }

    /// Asks the worker to stop and waits until it has: the message in hand is finished first.
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.wake.send(());
        if self.thread.join().is_err() {
            tracing::error!("the notification worker panicked");
        }
    }
}

/// One round: expands the recorded changes, then delivers what is due. Delivery runs every round, whatever was
/// expanded: under a steady stream of orders there is always something to expand, and messages must not wait for a
/// quiet moment. Returns whether the round found nothing to do (the worker then waits for the poll interval).
fn round(
    expand: impl FnOnce() -> Result<ExpansionRound, RepositoryError>,
    deliver: impl FnOnce() -> Result<RoundOutcome, RepositoryError>,
) -> bool {
    let expanded = match expand() {
        Ok(round) => {
            for (event, reason) in &round.set_aside {
                tracing::error!(
                    ?event,
                    %reason,
                    "a recorded change cannot be expanded into messages: set aside (outbox_events.set_aside_at)"
                );
            }
            round.handled()
        }
        Err(error) => {
            tracing::warn!(%error, "expanding recorded changes failed; trying again shortly");
            0
        }
    };
    let delivered_nothing = match deliver() {
        Ok(round) => {
            if round.handled() > 0 {
                tracing::debug!(sent = round.sent, failed = round.failed, "delivery round");
            }
            round.handled() == 0
        }
        Err(error) => {
            tracing::warn!(%error, "delivery round failed; trying again shortly");
            true
        }
    };
    expanded == 0 && delivered_nothing
}

/// Delivers the due messages, then the due webhooks, and counts both. A failing webhook round is logged and does
/// not hold back the messages (nor they it).
fn deliver_both(
    notifications: impl FnOnce() -> Result<RoundOutcome, RepositoryError>,
    webhooks: impl FnOnce() -> Result<RoundOutcome, RepositoryError>,
) -> Result<RoundOutcome, RepositoryError> {
    let notified = notifications();
    let hooked = webhooks().unwrap_or_else(|error| {
        tracing::warn!(%error, "webhook delivery round failed; trying again shortly");
        RoundOutcome::default()
    });
    notified.map(|mut outcome| {
        outcome.sent += hooked.sent;
        outcome.failed += hooked.failed;
        outcome.released += hooked.released;
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn every_round_delivers_even_while_changes_keep_coming() {
        let delivered = Cell::new(0);
        for _ in 0..3 {
            let idle = round(
                || Ok(expanded(50)),
                || {
                    delivered.set(delivered.get() + 1);
                    Ok(RoundOutcome::default())
                },
            );
            assert!(!idle, "there was something to expand");
        }
        assert_eq!(delivered.get(), 3);
    }

    #[test]
    fn webhooks_are_delivered_and_counted_even_when_messages_fail() {
        let one_sent = || {
            Ok(RoundOutcome {
                sent: 1,
                ..RoundOutcome::default()
            })
        };
        let delivered = Cell::new(false);
        let failing = deliver_both(
            || Err(RepositoryError::Unavailable("down".into())),
            || {
                delivered.set(true);
                one_sent()
            },
        );
        assert!(failing.is_err() && delivered.get());
        let both = deliver_both(one_sent, one_sent).unwrap();
        assert_eq!(both.sent, 2);
        let webhooks_failing =
            deliver_both(one_sent, || Err(RepositoryError::Failed("x".into()))).unwrap();
        assert_eq!(webhooks_failing.sent, 1);
    }

    #[test]
    fn a_round_is_idle_only_when_it_found_nothing_to_expand_or_deliver() {
        let nothing = || Ok(RoundOutcome::default());
        assert!(round(|| Ok(expanded(0)), nothing));
        assert!(round(
            || Err(RepositoryError::Unavailable("down".into())),
            nothing
        ));
        let sent_one = || {
            Ok(RoundOutcome {
                sent: 1,
                ..RoundOutcome::default()
            })
        };
        assert!(!round(|| Ok(expanded(0)), sent_one));
        let set_aside = ExpansionRound {
            set_aside: vec![(
                orderflow_application::ports::OutboxEvent::OrderPlaced(
                    orderflow_domain::ordering::OrderId(uuid::Uuid::nil()),
                ),
                "damaged".into(),
            )],
            ..ExpansionRound::default()
        };
        assert!(
            !round(|| Ok(set_aside), nothing),
            "an event set aside was work: the next one may be waiting"
        );
    }

    fn expanded(expanded: usize) -> ExpansionRound {
        ExpansionRound {
            expanded,
            ..ExpansionRound::default()
        }
    }
}
