//! kubeplay-gitops: the Argo CD style GitOps engine of the playground.
//!
//! - [`git`]: an in-memory Git repository (commits, branch, tags, history, diffs).
//! - [`app`]: the Application resource in Argo CD's format.
//! - [`repo_server`]: renders a revision's manifests (plain, Kustomize, Helm) with a cache.
//! - [`health`]: the health of live objects exactly like Argo CD (the gitops engine's
//!   built-in checks per kind, plus declarative rules for custom resources) and the
//!   application's aggregated health.
//! - [`tree`]: the resource tree (owner references and inferred parents, pod details).
//! - [`hook`]: sync hooks as Argo CD recognises them from annotations.
//!
//! No I/O: everything runs over values and the simulated cluster, so it runs in the browser.

pub mod activity;
pub mod api;
pub mod app;
pub mod controller;
pub mod diff;
pub mod git;
pub mod health;
pub mod hook;
pub mod repo_server;
pub mod sync;
pub mod textdiff;
pub mod tree;
