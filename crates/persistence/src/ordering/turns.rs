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
/// Two turns since the statement lets go of its locks before its commit is flushed (`durability`): one placement
/// works in Postgres while the next is already there, waiting on the lock, instead of on its way from this
/// process. `cargo bench --bench orders` (8 clients, 100 products, alternated runs): 64–74% of the pgbench ceiling
/// of the same statements with one turn (once 50%), 74–104% with two, 67–75% with no turns at all.
///
/// The turn covers the placement's statement, which commits by itself when the order has no idempotency key;
/// with a key, the key's row is written and the transaction committed after the turn is passed on. Other
/// instances of the service take their own turns: Postgres' locks keep the orders right either way.
pub(super) static PLACEMENTS: Turns = Turns::new(2);

/// How long a placement waits for its turn: as long as the default statement timeout let it wait for the
/// counter's lock in Postgres. A placement that waits longer is answered "unavailable, try again" instead of
/// holding its request, its thread and its pooled connection.
pub(super) const PATIENCE: Duration = Duration::from_secs(5);

/// At most `capacity` at a time, waiters woken one by one as each turn ends.
pub(super) struct Turns {
    capacity: usize,
    taken: Mutex<usize>,
    passed: Condvar,
}

/// A turn; passed on when dropped.
pub(super) struct Turn<'a>(&'a Turns);

impl Turns {
    pub(super) const fn new(capacity: usize) -> Self {
        Self {
            capacity,
            taken: Mutex::new(0),
            passed: Condvar::new(),
        }
    }

    /// Waits up to `patience` for the turn; `None` if it did not come.
    pub(super) fn take(&self, patience: Duration) -> Option<Turn<'_>> {
        let deadline = Instant::now() + patience;
        let mut taken = self.flag();
        while *taken >= self.capacity {
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
        *taken += 1;
        Some(Turn(self))
    }

    /// The count guards nothing but itself: a placement that panicked left no state to distrust.
    fn flag(&self) -> MutexGuard<'_, usize> {
        self.taken.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut taken = self.0.flag();
        *taken = taken.saturating_sub(1);
        drop(taken);
        self.0.passed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn as_many_turns_as_its_capacity_and_a_waiter_gives_up_after_its_patience() {
        let turns = Turns::new(2);
        let _first = turns.take(Duration::ZERO).expect("a free turn");
        let held = turns.take(Duration::ZERO).expect("a second free turn");
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
    fn waiters_each_get_their_turn_and_never_more_than_the_capacity_at_once() {
        for capacity in [1, 2] {
            assert!(most_at_once(capacity) <= capacity);
        }
    }

    fn most_at_once(capacity: usize) -> usize {
        let turns = Arc::new(Turns::new(capacity));
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
        most.load(Ordering::SeqCst)
    }
}
