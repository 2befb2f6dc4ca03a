//! kubeplay-session: everything the page computes, behind a message protocol.
//!
//! The page's main thread only draws and dispatches; the engines (Kustomize, Helm, the
//! simulated cluster and the GitOps controller) run here. In the browser this crate runs in a
//! Web Worker, so typing never waits for an engine; natively it runs in-process, which is how
//! its tests drive it. Requests and replies are plain serde data.
//!
//! - [`workspace`]: the page's whole state as data (files, settings, commits): what autosave
//!   stores and share links carry.
//! - [`render`]: the workspace's render target through Kustomize, Helm or as plain manifests,
//!   with located diagnostics; [`validate`] checks the output against the built-in kinds'
//!   schema; [`provenance`] maps a rendered line back to the files that made it.
//! - [`examples`]: the built-in examples.
//! - [`protocol`]: the requests the page sends and the replies it gets.
//! - [`live`]: the live simulation (cluster + GitOps on a virtual clock) and the snapshots of
//!   it that the live views draw.

pub mod examples;
pub mod live;
pub mod protocol;
pub mod provenance;
pub mod render;
pub mod validate;
pub mod workspace;
