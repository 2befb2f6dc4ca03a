//! Explicit limits, so absurd input ends in a clear error instead of a hang or an OOM.

use crate::clock::{Millis, HOUR};

/// How far the virtual clock may run: 7 days covers any playground scenario.
pub const MAX_VIRTUAL_TIME: Millis = 7 * 24 * HOUR;

/// Steps (queued tasks executed) per cluster lifetime. 1,000 pods with three probes for an hour
/// take about 1.5 million; this leaves room while bounding a runaway.
pub const MAX_PROCESSED_TASKS: u64 = 50_000_000;

/// Objects in the store.
pub const MAX_OBJECTS: usize = 20_000;

/// Entries of the store's change feed (`Cluster::changes_since`); a watcher further behind
/// must list again.
pub const MAX_CHANGES: usize = 100_000;

/// Distinct (aggregated) events kept; beyond this, the oldest are dropped like the API server's
/// TTL would.
pub const MAX_EVENTS: usize = 200_000;

/// Largest seconds value accepted in probe and grace fields (int32 in the API).
pub const MAX_INT32: i64 = i32::MAX as i64;

/// Event occurrences kept for timelines (16 bytes each); past this the oldest half is dropped.
/// Aggregated events (counts, first/last time) are unaffected.
pub const MAX_EVENT_OCCURRENCES: usize = 4_000_000;

/// Probe results kept in `Cluster::probe_results`; past this the oldest half is dropped.
/// 1,000 pods with three probes produce about 1.2 million an hour.
pub const MAX_PROBE_RECORDS: usize = 200_000;

/// Pod status snapshots kept in `Cluster::history`; past this the oldest half is dropped.
pub const MAX_HISTORY: usize = 1_000_000;

/// Nodes in a simulated cluster.
pub const MAX_NODES: usize = 100;

/// `ClusterConfig::node_max_pods` is capped here (the kubelet's default is 110).
pub const MAX_PODS_PER_NODE: usize = 10_000;
