//! kubeplay-views: view models for the playground's live views.
//!
//! Pure functions from the engines' data (the simulated cluster, the GitOps engine) to exactly
//! what the page draws, so the Yew components stay thin and the logic is tested natively.
//! No I/O, no wall clock, no panics; the same input always gives the same output.

pub mod architecture;
pub mod clock;
pub mod diff_view;
pub mod pod_lifecycle;
pub mod probe_timeline;
pub mod tree_layout;
