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

/// The share data this browser recently wrote into the address bar (newest last). A reload
/// of such a URL must not bring back an older state than the autosave: the address bar trails
/// the edits by up to 300 ms, and a write can land while a reload is already under way.
pub const RECENT_LINKS_KEY: &str = "kubeplay.recent-links";
const RECENT_LINKS: usize = 32;

pub fn is_recent_link(data: &str) -> bool {
    LocalStorage::get::<Vec<String>>(RECENT_LINKS_KEY).is_ok_and(|l| l.iter().any(|d| d == data))
}

pub fn remember_link(data: &str) {
    let mut list = LocalStorage::get::<Vec<String>>(RECENT_LINKS_KEY).unwrap_or_default();
    list.retain(|d| d != data);
    list.push(data.to_string());
    let extra = list.len().saturating_sub(RECENT_LINKS);
    list.drain(..extra);
    let _ = LocalStorage::set(RECENT_LINKS_KEY, list);
}
