//! Kubernetes Events, aggregated the way the client-go event recorder does: a repeat of the same
//! (object, type, reason, message, source) bumps `count` and `lastTimestamp` instead of adding a
//! new event. Every occurrence is also kept with its time, for timelines and scenario checks.

use crate::clock::{rfc3339, Millis};
use crate::limits::{MAX_EVENTS, MAX_EVENT_OCCURRENCES};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// The Fx hash (rustc's): events are looked up on every kubelet event, and SipHash's
/// flood resistance buys nothing for keys the simulator makes itself.
#[derive(Default)]
struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// The object an event is about (`involvedObject`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// `spec.containers{name}` for container events.
    pub field_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `<object>.<16 hex>`, like the recorder's names.
    pub name: String,
    pub involved: ObjectRef,
    pub event_type: EventType,
    pub reason: String,
    pub message: String,
    /// `kubelet`, `default-scheduler`, ...
    pub component: String,
    pub host: String,
    pub first: Millis,
    pub last: Millis,
    pub count: u32,
}

impl Event {
    pub fn to_json(&self) -> Value {
        let mut involved = json!({
            "apiVersion": "v1",
            "kind": self.involved.kind,
            "name": self.involved.name,
            "namespace": self.involved.namespace,
            "uid": self.involved.uid,
        });
        if let Some(fp) = &self.involved.field_path {
            involved["fieldPath"] = json!(fp);
        }
        let mut source = json!({"component": self.component});
        if !self.host.is_empty() {
            source["host"] = json!(self.host);
        }
        json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": self.name,
                "namespace": self.involved.namespace,
                "creationTimestamp": rfc3339(self.first),
            },
            "involvedObject": involved,
            "reason": self.reason,
            "message": self.message,
            "source": source,
            "firstTimestamp": rfc3339(self.first),
            "lastTimestamp": rfc3339(self.last),
            "count": self.count,
            "type": self.event_type.as_str(),
        })
    }
}

/// All events of the cluster.
pub struct EventLog {
    /// Distinct events kept; further new ones are dropped and counted.
    limit: usize,
    events: Vec<Event>,
    /// Aggregation key hash -> events with that hash. The map is only looked up, never iterated,
    /// so its order cannot leak into output.
    index: HashMap<u64, Vec<u32>, BuildHasherDefault<FxHasher>>,
    /// (time, index into `events`) for every emission, in order.
    occurrences: Vec<(Millis, u32)>,
    dropped: u64,
    serial: u64,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::with_limit(MAX_EVENTS)
    }
}

impl EventLog {
    pub fn with_limit(limit: usize) -> Self {
        EventLog {
            limit,
            events: Vec::new(),
            index: HashMap::default(),
            occurrences: Vec::new(),
            dropped: 0,
            serial: 0,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        now: Millis,
        involved: &ObjectRef,
        event_type: EventType,
        reason: &str,
        message: String,
        component: &str,
        host: &str,
    ) -> Option<usize> {
        // Hashing borrowed fields first: repeats (the common case) allocate nothing.
        let mut h = FxHasher::default();
        (involved, event_type, reason, message.as_str(), component).hash(&mut h);
        let hash = h.finish();
        if let Some(candidates) = self.index.get(&hash) {
            for &i in candidates {
                let e = &mut self.events[i as usize];
                if e.involved == *involved
                    && e.event_type == event_type
                    && e.reason == reason
                    && e.message == message
                    && e.component == component
                {
                    e.count += 1;
                    e.last = now;
                    self.push_occurrence(now, i);
                    return Some(i as usize);
                }
            }
        }
        if self.events.len() >= self.limit {
            self.dropped += 1;
            return None;
        }
        self.serial += 1;
        let i = self.events.len();
        self.events.push(Event {
            name: format!(
                "{}.{:016x}",
                involved.name,
                0x1800_0000_0000_0000u64 + now * 1_000_000 + self.serial
            ),
            involved: involved.clone(),
            event_type,
            reason: reason.to_string(),
            message,
            component: component.to_string(),
            host: host.to_string(),
            first: now,
            last: now,
            count: 1,
        });
        self.index.entry(hash).or_default().push(i as u32);
        self.push_occurrence(now, i as u32);
        Some(i)
    }

    /// Another occurrence of event `i` (as returned by [`EventLog::record`]).
    pub fn repeat(&mut self, i: usize, now: Millis) {
        if let Some(e) = self.events.get_mut(i) {
            e.count += 1;
            e.last = now;
            self.push_occurrence(now, i as u32);
        }
    }

    fn push_occurrence(&mut self, now: Millis, i: u32) {
        if self.occurrences.len() >= MAX_EVENT_OCCURRENCES {
            self.occurrences.drain(..MAX_EVENT_OCCURRENCES / 2);
        }
        self.occurrences.push((now, i));
    }

    /// Aggregated events, in order of first occurrence.
    pub fn all(&self) -> &[Event] {
        &self.events
    }

    /// Every emission as (time, event), in time order (the most recent
    /// [`MAX_EVENT_OCCURRENCES`] at most).
    pub fn occurrences(&self) -> impl Iterator<Item = (Millis, &Event)> {
        self.occurrences
            .iter()
            .map(|(t, i)| (*t, &self.events[*i as usize]))
    }

    /// Emissions dropped because the limit of distinct events ([`MAX_EVENTS`]) was reached.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_aggregated_and_occurrences_kept() {
        let mut log = EventLog::default();
        let pod = ObjectRef {
            kind: "Pod".into(),
            namespace: "default".into(),
            name: "p".into(),
            uid: "u".into(),
            field_path: Some("spec.containers{c}".into()),
        };
        for t in [1_000, 4_000, 7_000] {
            log.record(
                t,
                &pod,
                EventType::Warning,
                "Unhealthy",
                "Liveness probe failed: x".into(),
                "kubelet",
                "n",
            );
        }
        log.record(
            8_000,
            &pod,
            EventType::Normal,
            "Killing",
            "k".into(),
            "kubelet",
            "n",
        );
        assert_eq!(log.len(), 2);
        let e = &log.all()[0];
        assert_eq!((e.count, e.first, e.last), (3, 1_000, 7_000));
        assert_eq!(log.occurrences().count(), 4);
        let j = e.to_json();
        let mut small = EventLog::with_limit(1);
        assert!(small
            .record(0, &pod, EventType::Normal, "A", "a".into(), "kubelet", "n")
            .is_some());
        assert!(small
            .record(0, &pod, EventType::Normal, "B", "b".into(), "kubelet", "n")
            .is_none());
        assert_eq!((small.len(), small.dropped()), (1, 1));
        assert_eq!(j["lastTimestamp"], "2025-01-01T00:00:07Z");
        assert_eq!(j["involvedObject"]["fieldPath"], "spec.containers{c}");
    }
}
