//! The kubeplay page: a Yew app over the engines, all in the browser.
//!
//! State lives in one [`workspace::Workspace`] value (files, folders, the open file and the
//! render settings): it is what autosave writes to localStorage and what the share link
//! encodes. Rendering, provenance and validation are pure functions of it that run in the
//! engine worker ([`engine`] asks for them: the page's wasm holds no YAML parser); highlighting
//! ([`highlight`]) is the page's own. All are tested natively; the components only draw and
//! dispatch.

pub mod app;
pub mod browser;
pub mod components;
pub mod engine;
pub mod highlight;
pub mod history;
pub mod share;
pub mod storage;
pub mod worker;
pub mod zip;

// The engine side's data types and pure functions, under the names the components use.
pub use kubeplay_session::{examples, provenance, render, validate, workspace};

/// Mounts the app on the page's body.
pub fn start() {
    engine::start();
    yew::Renderer::<app::App>::new().render();
}
