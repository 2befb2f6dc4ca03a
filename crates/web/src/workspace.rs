//! The workspace: every file the user has, and which one is open.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Files by absolute path, in path order (the file tree's order).
    pub files: BTreeMap<String, String>,
    /// The open file; always a key of `files` when `files` is not empty.
    pub selected: String,
}

impl Workspace {
    /// A workspace over `files`, with the first one open.
    pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Self {
        let files: BTreeMap<_, _> = files.into_iter().collect();
        let selected = files.keys().next().cloned().unwrap_or_default();
        Workspace { files, selected }
    }

    pub fn selected_text(&self) -> &str {
        self.files
            .get(&self.selected)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Replaces the open file's text.
    pub fn edit_selected(&mut self, text: String) {
        if let Some(slot) = self.files.get_mut(&self.selected) {
            *slot = text;
        }
    }

    /// Opens `path` if it exists.
    pub fn select(&mut self, path: &str) {
        if self.files.contains_key(path) {
            self.selected = path.to_string();
        }
    }

    /// Restores the invariant after loading from storage (which the user's browser may hold
    /// from any older version): the selection must name an existing file.
    pub fn repaired(mut self) -> Self {
        if !self.files.contains_key(&self.selected) {
            self.selected = self.files.keys().next().cloned().unwrap_or_default();
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws() -> Workspace {
        Workspace::from_files([
            ("/b.yaml".to_string(), "b: 1".to_string()),
            ("/a.yaml".to_string(), "a: 1".to_string()),
        ])
    }

    #[test]
    fn opens_the_first_file_and_edits_only_it() {
        let mut w = ws();
        assert_eq!(w.selected, "/a.yaml");
        w.edit_selected("a: 2".into());
        assert_eq!(w.files["/a.yaml"], "a: 2");
        assert_eq!(w.files["/b.yaml"], "b: 1");
        w.select("/missing.yaml");
        assert_eq!(w.selected, "/a.yaml");
    }

    #[test]
    fn repair_fixes_a_dangling_selection() {
        let mut w = ws();
        w.selected = "/gone.yaml".into();
        assert_eq!(w.repaired().selected, "/a.yaml");
    }
}
