//! Every probe result the kubelet's workers produced, successes included: the kubelet emits
//! no event for a passing probe, so a timeline of probes needs this log (bounded like the
//! event occurrences).

use crate::clock::Millis;
use crate::limits::MAX_PROBE_RECORDS;
use crate::podspec::ProbeKind;
use std::collections::VecDeque;
use std::rc::Rc;

/// How one probe attempt ended, as the kubelet judged it (spec 22-29).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeOutcome {
    Success,
    /// Counted as a success, with a ProbeWarning event (spec 23).
    Warning,
    Failure,
    /// A failure because the attempt ran into `timeoutSeconds`.
    Timeout,
    /// The probe could not be run; its result was thrown away (spec 22).
    Error,
}

impl ProbeOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeOutcome::Success => "Success",
            ProbeOutcome::Warning => "Warning",
            ProbeOutcome::Failure => "Failure",
            ProbeOutcome::Timeout => "Timeout",
            ProbeOutcome::Error => "Error",
        }
    }
}

/// The pod a record belongs to (shared by all records of that pod).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRef {
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

/// One probe result.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRecord {
    /// When the result was known (the attempt's start plus its duration).
    pub at: Millis,
    pub pod: Rc<PodRef>,
    pub container: Rc<str>,
    pub kind: ProbeKind,
    pub result: ProbeOutcome,
    /// The handler's output as the kubelet reports it (empty for most successes).
    pub output: String,
}

/// The bounded log: past [`MAX_PROBE_RECORDS`] the oldest half is dropped.
///
/// Results applied at once (steady successes) are known a few ms after their tick, later
/// than results pushed after them: while the simulation runs, records later than the clock
/// wait in `ahead` (a few, in order) so that the others are appended instead of inserted
/// before them; [`ProbeLog::publish`] appends them when the cluster hands control back.
/// The order is the one inserting each record after every record not later than it gives.
#[derive(Debug, Default)]
pub struct ProbeLog {
    records: Vec<ProbeRecord>,
    ahead: VecDeque<ProbeRecord>,
    /// The simulation's clock (see [`ProbeLog::settle`]).
    now: Millis,
    dropped: u64,
}

impl ProbeLog {
    pub fn push(&mut self, record: ProbeRecord) {
        if self.records.len() + self.ahead.len() >= MAX_PROBE_RECORDS {
            let half = MAX_PROBE_RECORDS / 2;
            let from_records = half.min(self.records.len());
            self.records.drain(..from_records);
            self.ahead
                .drain(..(half - from_records).min(self.ahead.len()));
            self.dropped += half as u64;
        }
        let at = record.at;
        if at > self.now {
            // After every waiting record not later than it.
            let pos = self.ahead.partition_point(|r| r.at <= at);
            self.ahead.insert(pos, record);
        } else if self.records.last().is_none_or(|r| r.at <= at) {
            self.records.push(record);
        } else {
            // Earlier than a record already logged (not from the kubelet, whose results are
            // never earlier than the clock).
            let pos = self.records.partition_point(|r| r.at <= at);
            self.records.insert(pos, record);
        }
    }

    /// The clock moved to `now`: records known by then join the log, later ones (published
    /// when control was handed back) wait again.
    pub fn settle(&mut self, now: Millis) {
        self.now = now;
        while self.records.last().is_some_and(|r| r.at > now) {
            if let Some(r) = self.records.pop() {
                self.ahead.push_front(r);
            }
        }
        while self.ahead.front().is_some_and(|r| r.at <= now) {
            if let Some(r) = self.ahead.pop_front() {
                self.records.push(r);
            }
        }
    }

    /// Every record, the waiting ones included, in the log (before control goes back to
    /// whoever reads it).
    pub fn publish(&mut self) {
        self.records.extend(self.ahead.drain(..));
    }

    /// The kept records, in time order (complete after [`ProbeLog::publish`]).
    pub fn records(&self) -> &[ProbeRecord] {
        &self.records
    }

    /// Records dropped so far to stay within the bound.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(at: Millis, pod: &Rc<PodRef>) -> ProbeRecord {
        ProbeRecord {
            at,
            pod: pod.clone(),
            container: "c".into(),
            kind: ProbeKind::Liveness,
            result: ProbeOutcome::Success,
            output: String::new(),
        }
    }

    #[test]
    fn keeps_time_order() {
        let pod = Rc::new(PodRef {
            namespace: "default".into(),
            name: "p".into(),
            uid: "u".into(),
        });
        let mut log = ProbeLog::default();
        for t in [10, 30, 20, 40, 5] {
            log.push(record(t, &pod));
        }
        log.publish();
        let times: Vec<Millis> = log.records().iter().map(|r| r.at).collect();
        assert_eq!(times, [5, 10, 20, 30, 40]);
        // Published records later than the clock are put back in order by the next settle.
        log.settle(35);
        log.push(record(35, &pod));
        log.publish();
        let times: Vec<Millis> = log.records().iter().map(|r| r.at).collect();
        assert_eq!(times, [5, 10, 20, 30, 35, 40]);
    }

    #[test]
    fn drops_the_oldest_half_past_the_bound() {
        let pod = Rc::new(PodRef {
            namespace: "default".into(),
            name: "p".into(),
            uid: "u".into(),
        });
        let mut log = ProbeLog::default();
        for t in 0..MAX_PROBE_RECORDS as Millis + 1 {
            log.push(record(t, &pod));
        }
        log.publish();
        assert_eq!(log.records().len(), MAX_PROBE_RECORDS / 2 + 1);
        assert_eq!(log.dropped(), (MAX_PROBE_RECORDS / 2) as u64);
        assert_eq!(log.records()[0].at, (MAX_PROBE_RECORDS / 2) as Millis);
    }
}
