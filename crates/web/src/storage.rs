//! Autosave: the workspace is written to localStorage on every edit and read back at start.

use crate::workspace::Workspace;
use gloo_storage::{LocalStorage, Storage};

/// Versioned, so a future format change can migrate instead of misreading.
pub const KEY: &str = "kubeplay.workspace.v1";

/// The saved workspace, if there is a readable one.
pub fn load() -> Option<Workspace> {
    LocalStorage::get::<Workspace>(KEY)
        .ok()
        .filter(|w| !w.files.is_empty())
        .map(Workspace::repaired)
}

/// Saves the workspace; returns the browser's reason when it cannot (quota, private mode),
/// so the page can say that edits are not being kept.
pub fn save(workspace: &Workspace) -> Result<(), String> {
    LocalStorage::set(KEY, workspace).map_err(|e| e.to_string())
}
