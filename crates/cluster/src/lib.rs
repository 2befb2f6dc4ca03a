//! kubeplay-cluster: a simulated Kubernetes cluster on a virtual clock.
//!
//! Objects are `serde_json::Value`s in an in-memory API store with the API server's defaulting
//! and validation; a scheduler fits pods' requests to the
//! nodes' capacity (three nodes by default); a kubelet model pulls images,
//! runs containers whose behaviour is derived from their image and command, probes them with the
//! kubelet's exact semantics (first-probe timing, thresholds, startup gating, timeouts, kills with
//! the right grace period, restart back-off) and publishes pod status and Events; an
//! EndpointSlice controller keeps Service endpoints in step with readiness; ReplicaSet and
//! Deployment controllers create pods from templates and roll them out. See ARCHITECTURE.md.
//!
//! Deterministic: no wall clock, no OS randomness, no I/O. Same input and seed, same timeline.
//! Rules cite `specs/probe-semantics.md` by item number ("spec 15").
//!
//! ```
//! use kubeplay_cluster::{Cluster, ClusterConfig};
//! use serde_json::json;
//!
//! let mut cluster = Cluster::new(ClusterConfig::default());
//! cluster.apply(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
//!     "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}})).unwrap();
//! cluster.run_until(30_000).unwrap();
//! let pod = cluster.get("Pod", "default", "web").unwrap();
//! assert_eq!(pod["status"]["phase"], "Running");
//! ```

pub mod behaviour;
pub mod clock;
pub mod cluster;
pub mod cron;
pub mod defaults;
pub mod error;
pub mod events;
pub mod kubelet;
pub mod limits;
pub mod podspec;
pub mod printers;
pub mod queue;
pub mod resources;
pub mod rng;
pub mod scenario;
pub mod scheduler;
pub mod service;
pub mod store;
pub mod validation;

pub use cluster::{Applied, Cluster, ClusterConfig, ContainerSnapshot, PodSnapshot};
pub use error::{ApiError, SimError};
pub use kubelet::probe_log::{PodRef, ProbeOutcome, ProbeRecord};
pub use podspec::ProbeKind;
pub use resources::CustomKind;
pub use store::{Change, ChangeType};
