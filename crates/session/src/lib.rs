//! kubeplay-session: everything the page computes, behind a message protocol.
//!
//! The page's main thread only draws and dispatches; the engines (Kustomize, Helm, the
//! simulated cluster and the GitOps controller) run here. In the browser this crate runs in a
//! Web Worker, so typing never waits for an engine; natively it runs in-process, which is how
//! its tests drive it. Requests and replies are plain serde data.
//!
//! - [`live`]: the live simulation (cluster + GitOps on a virtual clock) and the snapshots of
//!   it that the live views draw.

pub mod live;
