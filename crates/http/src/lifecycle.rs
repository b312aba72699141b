//! Where the process is in its life, as the readiness probe reports it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Shared by the server and whoever handles the stop signal: once shutting down, `/health/ready/` answers 503
/// so that load balancers and orchestrators stop sending new requests while those in flight finish.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    shutting_down: Arc<AtomicBool>,
}

impl Lifecycle {
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}
