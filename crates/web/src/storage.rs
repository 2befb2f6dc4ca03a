//! Autosave: the workspace is written to localStorage on every edit and read back at start.
//! The theme is a preference of this browser, kept apart (a share link does not carry it).

use crate::workspace::Workspace;
use gloo_storage::{LocalStorage, Storage};

/// Versioned, so a future format change can migrate instead of misreading. v1 saves (no
/// folders, no settings) still load: those fields default.
pub const KEY: &str = "kubeplay.workspace.v1";
pub const THEME_KEY: &str = "kubeplay.theme";

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

/// "auto", "light" or "dark".
pub fn theme() -> String {
    LocalStorage::get::<String>(THEME_KEY).unwrap_or_else(|_| "auto".into())
}

pub fn set_theme(theme: &str) {
    let _ = LocalStorage::set(THEME_KEY, theme);
}

/// The share data this browser last wrote into the address bar. A reload of that URL must not
/// bring back an older state than the autosave (the address bar is updated with a delay).
pub const LAST_LINK_KEY: &str = "kubeplay.last-link";

pub fn last_link() -> Option<String> {
    LocalStorage::get::<String>(LAST_LINK_KEY).ok()
}

pub fn set_last_link(data: &str) {
    let _ = LocalStorage::set(LAST_LINK_KEY, data);
}
