//! The kubelet's per-container restart back-off (client-go `flowcontrol.Backoff`, spec 38-40):
//! 10 s initial, doubling, capped at 300 s, reset when the exited instance finished more than
//! twice the cap after the entry was last advanced.

use crate::clock::{Millis, SECOND};
use std::collections::BTreeMap;

pub const INITIAL: Millis = 10 * SECOND;
pub const MAX: Millis = 300 * SECOND;

#[derive(Debug, Clone, Copy)]
struct Entry {
    backoff: Millis,
    last_update: Millis,
}

/// Back-off entries keyed by container index within the pod.
#[derive(Debug, Default, Clone)]
pub struct BackOff {
    entries: BTreeMap<usize, Entry>,
}

fn has_expired(event_time: Millis, last_update: Millis) -> bool {
    event_time > last_update && event_time - last_update > 2 * MAX
}

impl BackOff {
    /// `IsInBackOffSince`: is a start refused, given the exited instance finished at `finished`?
    pub fn in_backoff_since(&self, key: usize, finished: Millis, now: Millis) -> bool {
        match self.entries.get(&key) {
            None => false,
            Some(e) if has_expired(finished, e.last_update) => false,
            Some(e) => now.saturating_sub(finished) < e.backoff,
        }
    }

    /// `Next`: creates the entry at 10 s (or resets it when expired), else doubles it (cap 300 s).
    pub fn next(&mut self, key: usize, finished: Millis, now: Millis) {
        let backoff = match self.entries.get(&key) {
            Some(e) if !has_expired(finished, e.last_update) => (e.backoff * 2).min(MAX),
            _ => INITIAL,
        };
        self.entries.insert(
            key,
            Entry {
                backoff,
                last_update: now,
            },
        );
    }

    /// The current back-off of a container (for the CrashLoopBackOff message).
    pub fn get(&self, key: usize) -> Millis {
        self.entries.get(&key).map_or(0, |e| e.backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec 39: a container that exits at once waits 0, 10, 20, 40, 80, 160, 300, 300 s.
    #[test]
    fn crash_loop_waits_follow_the_table() {
        let mut b = BackOff::default();
        let mut now = 0;
        let mut waits = Vec::new();
        for _ in 0..8 {
            let finished = now; // the instance exits immediately
            let mut waited = 0;
            while b.in_backoff_since(0, finished, finished + waited) {
                waited += SECOND;
            }
            waits.push(waited / SECOND);
            now = finished + waited;
            b.next(0, finished, now);
        }
        assert_eq!(waits, [0, 10, 20, 40, 80, 160, 300, 300]);
    }

    #[test]
    fn long_runs_reset_the_back_off() {
        let mut b = BackOff::default();
        b.next(0, 0, 0);
        b.next(0, 5_000, 5_000);
        assert_eq!(b.get(0), 20 * SECOND);
        // The next instance ran 11 minutes: the entry is treated as expired.
        let finished = 5_000 + 11 * 60 * SECOND;
        assert!(!b.in_backoff_since(0, finished, finished));
        b.next(0, finished, finished);
        assert_eq!(b.get(0), INITIAL);
    }
}
