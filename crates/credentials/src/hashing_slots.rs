//! A bound on how many password hashes run at once, each in working memory allocated once and reused.
//!
//! argon2id takes 19 MiB and a core's worth of time per hash, by design. Bounding only how many run at once is not
//! enough: each hash would run on whichever blocking thread the request landed on, and the allocator keeps freed
//! memory per thread, so thirty registrations still left thirty threads holding 19 MiB each. Here the slots own
//! their memory: `limit` buffers at most, ever, handed from one hash to the next. A caller waits for a free
//! slot for a bounded time, after which it is told to come back.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use argon2::Block;
use orderflow_application::ports::PasswordHashError;

pub struct HashingSlots {
    state: Mutex<State>,
    freed: Condvar,
    limit: usize,
    wait: Duration,
    /// The size of each buffer, in argon2 blocks of 1 KiB.
    blocks: usize,
}

struct State {
    /// Buffers not in use.
    free: Vec<Vec<Block>>,
    /// Slots taken or free: never more than `limit`.
    made: usize,
}

/// A slot held while one hash runs, with its working memory; dropping it hands both to the next caller.
pub struct Slot<'a> {
    slots: &'a HashingSlots,
    memory: Vec<Block>,
}

impl HashingSlots {
    /// At most `limit` (at least one) hashes at once, each with `blocks` KiB of memory; a caller waits at most
    /// `wait` for a slot.
    pub fn new(limit: usize, wait: Duration, blocks: usize) -> Self {
        Self {
            state: Mutex::new(State {
                free: Vec::new(),
                made: 0,
            }),
            freed: Condvar::new(),
            limit: limit.max(1),
            wait,
            blocks,
        }
    }

    /// Takes a slot, waiting for one to be freed; `Busy` when none was within the wait.
    pub fn take(&self) -> Result<Slot<'_>, PasswordHashError> {
        // The state stays consistent even if a holder panicked: it is only changed under the lock.
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut state, _) = self
            .freed
            .wait_timeout_while(state, self.wait, |state| {
                state.free.is_empty() && state.made >= self.limit
            })
            .unwrap_or_else(PoisonError::into_inner);
        let memory = match state.free.pop() {
            Some(memory) => memory,
            None if state.made < self.limit => {
                state.made += 1;
                drop(state);
                // Allocated outside the lock; zeroed once (argon2 writes every block before it reads it).
                vec![Block::new(); self.blocks]
            }
            None => return Err(PasswordHashError::Busy),
        };
        Ok(Slot {
            slots: self,
            memory,
        })
    }
}

impl Slot<'_> {
    /// The slot's working memory, exactly as many blocks as the hasher's parameters take.
    pub fn memory(&mut self) -> &mut [Block] {
        &mut self.memory
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        let mut state = self
            .slots
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        state.free.push(memory);
        self.slots.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Instant;

    #[test]
    fn never_more_than_the_limit_at_once_and_never_more_buffers_than_slots() {
        let slots = Arc::new(HashingSlots::new(2, Duration::from_secs(10), 4));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (slots, running, most, start) =
                    (slots.clone(), running.clone(), most.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let mut slot = slots.take().unwrap();
                    assert_eq!(slot.memory().len(), 4);
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        let state = slots.state.lock().unwrap();
        assert_eq!((state.made, state.free.len()), (2, 2));
    }

    #[test]
    fn a_caller_that_waits_too_long_is_told_busy_and_a_freed_slot_is_reused() {
        let slots = HashingSlots::new(1, Duration::from_millis(100), 4);
        let held = slots.take().unwrap();
        let started = Instant::now();
        assert_eq!(slots.take().err(), Some(PasswordHashError::Busy));
        assert!(started.elapsed() >= Duration::from_millis(100));
        drop(held);
        assert!(slots.take().is_ok());
    }
}
