//! kubeplay-views: view models for the playground's live views (issue 8).
//!
//! Pure functions from the engines' data (the simulated cluster, the GitOps engine) to exactly
//! what the page draws, so the Yew components stay thin and the logic is tested natively.
//! No I/O, no wall clock, no panics; the same input always gives the same output.
//!
//! - [`clock`]: the clock controls (play, pause, step, 1x/10x/60x) and the deterministic
//!   mapping from animation frames to virtual time.
//! - [`tree_layout`]: the application resource tree laid out left to right, with filters,
//!   collapse, a list view and the delta between two layouts.
//! - [`diff_view`]: desired vs live YAML as side-by-side, inline or compact rows with folded
//!   gaps; the whole-app diff before a sync; a diff line turned into an ignoreDifferences rule.
//! - [`probe_timeline`]: a pod's probes, readiness, restarts, back-off and events on a time axis.
//! - [`architecture`]: Argo CD's components as boxes and arrows lit by their recent work.
//! - [`pod_lifecycle`]: a pod's phase (each explained in a sentence), conditions, containers.

pub mod architecture;
pub mod clock;
pub mod diff_view;
pub mod pod_lifecycle;
pub mod probe_timeline;
pub mod tree_layout;
