//! The kubeplay page: a Yew app over the engines, all in the browser.
//!
//! State lives in one [`workspace::Workspace`] value (files, folders, the open file and the
//! render settings): it is what autosave writes to localStorage and what the share link
//! encodes. Rendering, provenance, validation and highlighting are pure functions of it
//! ([`render`], [`provenance`], [`validate`], [`highlight`]), tested natively; the components
//! only draw and dispatch.

pub mod app;
pub mod browser;
pub mod components;
pub mod engine;
pub mod examples;
pub mod highlight;
pub mod history;
pub mod provenance;
pub mod render;
pub mod share;
pub mod storage;
pub mod validate;
pub mod workspace;
pub mod zip;

/// Mounts the app on the page's body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
