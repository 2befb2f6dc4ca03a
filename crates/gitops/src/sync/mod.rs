//! Sync, modelled as gitops-engine does: a list of tasks sorted by phase, wave, kind and
//! name ([`order`]), built from desired and live objects ([`tasks`]), run group by group
//! against the cluster ([`operation`]), with hooks ([`hooks`]) and pruning ([`prune`]).

pub mod hooks;
pub mod kube;
pub mod operation;
pub mod order;
pub mod prune;
pub mod tasks;

pub use operation::{Initiator, Operation, OperationOptions, OperationPhase};
pub use tasks::{Action, Phase, ResultCode, SyncTask, TaskState};
