//! kubeplay-gitops: the Argo CD style GitOps engine of the playground.
//!
//! The components of Argo CD's architecture, each observable through [`activity`]:
//!
//! - [`git`]: an in-memory Git repository (content-addressed commits, branch, tags, history,
//!   per-file diffs), the single source of truth.
//! - [`repo_server`]: renders a revision's manifests (plain directory, Kustomize, Helm, with
//!   Argo CD's tool detection) and caches them by commit (the Redis role).
//! - [`controller`]: the application controller: compares on a loop driven by the virtual
//!   clock, runs sync operations, automated sync, self-heal with back-off, retries, rollback.
//! - [`api`]: the API server facade the page and the CLI use (apps, sync, rollback, tree,
//!   live drift by hand).
//!
//! And the building blocks they use:
//!
//! - [`app`]: the Application resource in Argo CD's format, with located errors.
//! - [`diff`]: normalise-then-compare with a three-way merge (last-applied-configuration).
//! - [`sync`]: tasks sorted by phase, wave, kind and name, run group by group, with hooks,
//!   delete policies and pruning.
//! - [`health`]: the health of live objects exactly like Argo CD (the gitops engine's
//!   built-in checks per kind, plus declarative rules for custom resources) and the
//!   application's aggregated health.
//! - [`tree`]: the resource tree (owner references and inferred parents, pod details).
//! - [`hook`]: sync hooks as Argo CD recognises them from annotations.
//! - [`textdiff`]: line diffs and unified-diff hunks.
//!
//! Facts cite `specs/gitops-semantics.md` by item number ("spec 70"). No I/O and no wall
//! clock: the same inputs give the same timeline, natively and in the browser.

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
