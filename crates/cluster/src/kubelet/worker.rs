//! One probe worker per (container, probe type): the state machine of the kubelet's
//! `prober/worker.go` (spec 11-22), driven by tick tasks on the virtual clock.

use crate::clock::Millis;
use crate::podspec::{ProbeKind, ProbeSpec};

/// A probe result as the results manager stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeResult {
    Success,
    Failure,
    Unknown,
}

impl ProbeResult {
    /// Spec 16: the value a worker sets when it sees a new container.
    pub fn initial(kind: ProbeKind) -> ProbeResult {
        match kind {
            ProbeKind::Readiness => ProbeResult::Failure,
            ProbeKind::Liveness => ProbeResult::Success,
            ProbeKind::Startup => ProbeResult::Unknown,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Worker {
    /// Index of the container in the pod runtime.
    pub container: usize,
    pub kind: ProbeKind,
    pub spec: ProbeSpec,
    /// When the ticker was started (after any jitter); ticks fall on `anchor + k * period`.
    pub anchor: Millis,
    /// Instance number of the container last seen (0 = none yet).
    pub seen_instance: u32,
    pub on_hold: bool,
    pub last_result: Option<ProbeResult>,
    pub result_run: u32,
    pub stopped: bool,
    /// A probe is in flight (spec 12: at most one).
    pub busy: bool,
    /// A tick or manual trigger arrived while busy: probe right after the current one.
    pub pending: bool,
    /// A manual trigger task is already queued (the kubelet's channel holds one).
    pub manual_queued: bool,
    /// Idle with no tick queued; woken by the events it waits for.
    pub parked: bool,
    /// Output of the last failure and the Unhealthy event it produced.
    pub last_failure: Option<(String, usize)>,
}

impl Worker {
    pub fn new(container: usize, spec: ProbeSpec, anchor: Millis) -> Worker {
        Worker {
            container,
            kind: spec.kind,
            spec,
            anchor,
            seen_instance: 0,
            on_hold: false,
            last_result: None,
            result_run: 0,
            stopped: false,
            busy: false,
            pending: false,
            manual_queued: false,
            parked: false,
            last_failure: None,
        }
    }

    /// The first tick of the worker's ticker at or after `t` (ticks: anchor + k * period).
    pub fn next_tick_at_or_after(&self, t: Millis) -> Millis {
        if t <= self.anchor {
            return self.anchor;
        }
        let k = (t - self.anchor).div_ceil(self.spec.period);
        self.anchor + k * self.spec.period
    }

    /// The first tick strictly after `t`.
    pub fn next_tick_after(&self, t: Millis) -> Millis {
        self.next_tick_at_or_after(t + 1)
    }

    /// Counts a result into the streak (spec 19); returns the result to publish, if the streak
    /// reached its threshold.
    pub fn count(&mut self, result: ProbeResult) -> Option<ProbeResult> {
        if self.last_result == Some(result) {
            self.result_run += 1;
        } else {
            self.last_result = Some(result);
            self.result_run = 1;
        }
        let below = match result {
            ProbeResult::Failure => self.result_run < self.spec.failure_threshold,
            ProbeResult::Success => self.result_run < self.spec.success_threshold,
            ProbeResult::Unknown => false,
        };
        if below {
            return None;
        }
        // Spec 20: a published liveness/startup failure holds the worker until a new container.
        if result == ProbeResult::Failure && self.kind != ProbeKind::Readiness {
            self.on_hold = true;
            self.result_run = 0;
        }
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::podspec::{Handler, ProbeSpec};

    fn spec(kind: ProbeKind, success: u32, failure: u32) -> ProbeSpec {
        ProbeSpec {
            kind,
            handler: Handler::Exec { command: vec![] },
            initial_delay_s: 0,
            timeout: 1_000,
            period: 10_000,
            success_threshold: success,
            failure_threshold: failure,
            termination_grace_s: None,
        }
    }

    #[test]
    fn thresholds_count_consecutive_results() {
        let mut w = Worker::new(0, spec(ProbeKind::Readiness, 2, 3), 0);
        assert_eq!(w.count(ProbeResult::Success), None);
        assert_eq!(w.count(ProbeResult::Success), Some(ProbeResult::Success));
        assert_eq!(w.count(ProbeResult::Failure), None);
        assert_eq!(w.count(ProbeResult::Failure), None);
        assert_eq!(w.count(ProbeResult::Success), None);
        assert_eq!(w.count(ProbeResult::Failure), None);
        assert_eq!(w.count(ProbeResult::Failure), None);
        assert_eq!(w.count(ProbeResult::Failure), Some(ProbeResult::Failure));
        assert!(!w.on_hold);
    }

    #[test]
    fn liveness_failure_holds_and_resets_the_streak() {
        let mut w = Worker::new(0, spec(ProbeKind::Liveness, 1, 1), 0);
        assert_eq!(w.count(ProbeResult::Failure), Some(ProbeResult::Failure));
        assert!(w.on_hold);
        assert_eq!(w.result_run, 0);
    }
}
