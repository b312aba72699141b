//! Placements of one process take turns here, where waiting is cheap, instead of in Postgres.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Every placement updates its day's order counter, one row that all the day's orders update, and holds that
/// row's lock from the update to its commit: Postgres runs placements one after another whatever their products.
/// Left to Postgres, a busy shop's placements queue on that lock, and each commit wakes a waiter that must take
/// the row's latest version and re-check the products it locked. Measured under `make loadtest` (2 cores, 32
/// clients, one product): Postgres spent 2.2–2.5 ms of CPU per order that way and 1.6–1.7 ms when this process
/// let one placement at a time reach it, and the orders per second rose by about a fifth.
///
/// The turn covers the placement's statement, which commits by itself when the order has no idempotency key;
/// with a key, the key's row is written and the transaction committed after the turn is passed on. Other
/// instances of the service take their own turns: Postgres' locks keep the orders right either way.
pub(super) static PLACEMENTS: Turns = Turns::new();

/// How long a placement waits for its turn: as long as the default statement timeout let it wait for the
/// counter's lock in Postgres. A placement that waits longer is answered "unavailable, try again" instead of
/// holding its request, its thread and its pooled connection.
pub(super) const PATIENCE: Duration = Duration::from_secs(5);

/// One at a time, waiters woken one by one as each turn ends.
pub(super) struct Turns {
    taken: Mutex<bool>,
    passed: Condvar,
}

/// A turn; passed on when dropped.
pub(super) struct Turn<'a>(&'a Turns);

impl Turns {
    pub(super) const fn new() -> Self {
        Self {
            taken: Mutex::new(false),
            passed: Condvar::new(),
        }
    }

    /// Waits up to `patience` for the turn; `None` if it did not come.
    pub(super) fn take(&self, patience: Duration) -> Option<Turn<'_>> {
        let deadline = Instant::now() + patience;
        let mut taken = self.flag();
        while *taken {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            taken = self
                .passed
                .wait_timeout(taken, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *taken = true;
        Some(Turn(self))
    }

    /// The flag guards nothing but itself: a placement that panicked left no state to distrust.
    fn flag(&self) -> MutexGuard<'_, bool> {
        self.taken.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        *self.0.flag() = false;
        self.0.passed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn one_turn_at_a_time_and_a_waiter_gives_up_after_its_patience() {
        let turns = Turns::new();
        let held = turns.take(Duration::ZERO).expect("a free turn");
        let started = Instant::now();
        assert!(turns.take(Duration::from_millis(50)).is_none());
        assert!(started.elapsed() >= Duration::from_millis(50));
        drop(held);
        assert!(
            turns.take(Duration::ZERO).is_some(),
            "passed on when dropped"
        );
    }

    #[test]
    fn waiters_each_get_their_turn_and_never_two_at_once() {
        let turns = Arc::new(Turns::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (turns, inside, most) = (turns.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let _turn = turns.take(Duration::from_secs(30)).expect("a turn");
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("no panic");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }
}
