//! kubeplay-gitops: the Argo CD style GitOps engine of the playground.
//!
//! [`health`] assesses the health of live objects exactly like Argo CD's gitops engine
//! (built-in checks per kind) plus declarative rules for custom resources.

pub mod health;
pub mod hook;
