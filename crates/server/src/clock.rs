//! The server's clock: wall time plus an offset that test mode can move forward (`POST /v1/test/clock`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Seconds since the Unix epoch, shiftable in test mode. Cheap to clone.
#[derive(Clone, Default)]
pub struct Clock {
    offset_s: Arc<AtomicI64>,
}

impl Clock {
    /// The current time in Unix seconds.
    pub fn now(&self) -> i64 {
        let wall =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        wall.saturating_add(self.offset_s.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `seconds` (never backwards); returns the new time.
    pub fn advance(&self, seconds: i64) -> i64 {
        self.offset_s.fetch_add(seconds.max(0), Ordering::Relaxed);
        self.now()
    }
}
