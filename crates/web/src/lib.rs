//! The kubeplay page: a Yew app over the engines, all in the browser.
//!
//! State lives in one [`workspace::Workspace`] value (the files and what is selected): it is
//! what autosave writes to localStorage and, later, what the share link encodes. Rendering is
//! a pure function of it ([`render`]), so it is tested natively and the components only draw.

pub mod app;
pub mod components;
pub mod examples;
pub mod render;
pub mod storage;
pub mod workspace;

/// Mounts the app on the page's body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
