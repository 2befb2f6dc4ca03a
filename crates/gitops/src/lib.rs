//! kubeplay-gitops: the Argo CD style GitOps engine of the playground.
//!
//! - [`health`]: the health of live objects exactly like Argo CD (the gitops engine's
//!   built-in checks per kind, plus declarative rules for custom resources) and the
//!   application's aggregated health.
//! - [`tree`]: the resource tree (owner references and inferred parents, pod details).
//! - [`hook`]: sync hooks as Argo CD recognises them from annotations.
//!
//! Pure functions over `serde_json::Value` objects: no I/O, so it runs in the browser.

pub mod health;
pub mod hook;
pub mod tree;
