//! The workspace: every file and folder the user has, which file is open, and the render
//! settings. One value is the page's state, the autosave and the share link at once.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Files by absolute path, in path order (the file tree's order).
    pub files: BTreeMap<String, String>,
    /// The open file; always a key of `files` when `files` is not empty.
    pub selected: String,
    /// Folders with no file in them (others exist implicitly).
    #[serde(default)]
    pub dirs: BTreeSet<String>,
    #[serde(default)]
    pub settings: Settings,
    /// Commits, oldest first (see `history`: the Git repository is replayed from these).
    #[serde(default)]
    pub history: Vec<Snapshot>,
}

/// A commit as the workspace keeps it: its message, its time (ms) and the whole tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub message: String,
    pub time: u64,
    pub files: BTreeMap<String, String>,
}

/// How the workspace renders: part of the share link, so a link shows the same output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// A pinned render target (a kustomization or chart directory, or a manifest file);
    /// `None` follows the open file.
    pub target: Option<String>,
    /// `helm template` release name and namespace.
    pub release: String,
    pub namespace: String,
    /// Extra values files (`-f`), in order, on top of the chart's values.yaml.
    pub values_files: Vec<String>,
    /// `--set` overrides, one per line.
    pub set: String,
    /// Show trailing whitespace in the editor.
    pub show_whitespace: bool,
    /// The example this workspace started from (for "reset").
    pub example: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target: None,
            release: "release-name".into(),
            namespace: "default".into(),
            values_files: Vec::new(),
            set: String::new(),
            show_whitespace: false,
            example: None,
        }
    }
}

/// Why a file operation was refused; shown to the user as is.
pub type OpError = String;

impl Workspace {
    /// A copy without the commits, which rendering never reads: what a render request
    /// carries, made without cloning the history only to drop it.
    pub fn without_history(&self) -> Workspace {
        Workspace {
            files: self.files.clone(),
            selected: self.selected.clone(),
            dirs: self.dirs.clone(),
            settings: self.settings.clone(),
            history: Vec::new(),
        }
    }

    /// A workspace over `files`, with the first one open.
    pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Self {
        let files: BTreeMap<_, _> = files.into_iter().collect();
        let selected = files.keys().next().cloned().unwrap_or_default();
        Workspace {
            files,
            selected,
            dirs: BTreeSet::new(),
            settings: Settings::default(),
            history: Vec::new(),
        }
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

    /// Every folder, implicit or empty, in path order (without the root).
    pub fn folders(&self) -> BTreeSet<String> {
        let mut out = self.dirs.clone();
        for path in self.files.keys() {
            let mut dir = parent(path);
            while dir != "/" && out.insert(dir.to_string()) {
                dir = parent(dir);
            }
        }
        out
    }

    fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.folders().contains(path)
    }

    /// Creates an empty file and opens it.
    pub fn create_file(&mut self, path: &str) -> Result<(), OpError> {
        let path = clean(path)?;
        if self.exists(&path) {
            return Err(format!("{path} already exists"));
        }
        if self.files.contains_key(parent(&path)) {
            return Err(format!("{} is a file", parent(&path)));
        }
        self.files.insert(path.clone(), String::new());
        self.dirs.retain(|d| !path.starts_with(&format!("{d}/")));
        self.selected = path;
        Ok(())
    }

    /// Creates an empty folder.
    pub fn create_folder(&mut self, path: &str) -> Result<(), OpError> {
        let path = clean(path)?;
        if self.exists(&path) {
            return Err(format!("{path} already exists"));
        }
        self.dirs.retain(|d| !path.starts_with(&format!("{d}/")));
        self.dirs.insert(path);
        Ok(())
    }

    /// Adds or replaces a file (uploads).
    pub fn put_file(&mut self, path: &str, text: String) -> Result<(), OpError> {
        let path = clean(path)?;
        if self.folders().contains(&path) {
            return Err(format!("{path} is a folder"));
        }
        self.dirs.retain(|d| !path.starts_with(&format!("{d}/")));
        self.files.insert(path, text);
        Ok(())
    }

    /// Renames a file or a folder (with everything in it).
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), OpError> {
        let to = clean(to)?;
        if from == to {
            return Ok(());
        }
        if self.exists(&to) {
            return Err(format!("{to} already exists"));
        }
        if let Some(text) = self.files.remove(from) {
            self.files.insert(to.clone(), text);
            if self.selected == from {
                self.selected = to.clone();
            }
            self.retarget(from, &to);
            return Ok(());
        }
        if !self.folders().contains(from) {
            return Err(format!("{from} does not exist"));
        }
        if to.starts_with(&format!("{from}/")) {
            return Err(format!("cannot move {from} into itself"));
        }
        let prefix = format!("{from}/");
        let moved: Vec<String> = self
            .files
            .keys()
            .filter(|p| p.starts_with(&prefix))
            .cloned()
            .collect();
        for old in moved {
            let new = format!("{to}/{}", &old[prefix.len()..]);
            let text = self.files.remove(&old).unwrap_or_default();
            self.files.insert(new.clone(), text);
            if self.selected == old {
                self.selected = new;
            }
        }
        let dirs: Vec<String> = self.dirs.iter().cloned().collect();
        self.dirs = dirs
            .into_iter()
            .map(|d| {
                if d == from {
                    to.clone()
                } else if let Some(rest) = d.strip_prefix(&prefix) {
                    format!("{to}/{rest}")
                } else {
                    d
                }
            })
            .collect();
        self.retarget(from, &to);
        Ok(())
    }

    fn retarget(&mut self, from: &str, to: &str) {
        if let Some(t) = &self.settings.target {
            if t == from {
                self.settings.target = Some(to.to_string());
            } else if let Some(rest) = t.strip_prefix(&format!("{from}/")) {
                self.settings.target = Some(format!("{to}/{rest}"));
            }
        }
    }

    /// Deletes a file or a folder (with everything in it).
    pub fn delete(&mut self, path: &str) {
        let prefix = format!("{path}/");
        self.files
            .retain(|p, _| p != path && !p.starts_with(&prefix));
        self.dirs.retain(|d| d != path && !d.starts_with(&prefix));
        if let Some(t) = &self.settings.target {
            if t == path || t.starts_with(&prefix) {
                self.settings.target = None;
            }
        }
        // The parent folder stays, even when it is now empty.
        let up = parent(path);
        if up != "/" && !self.folders().contains(up) {
            self.dirs.insert(up.to_string());
        }
        if !self.files.contains_key(&self.selected) {
            self.selected = self.files.keys().next().cloned().unwrap_or_default();
        }
    }

    /// Restores the invariants after loading from storage or a link (which may come from any
    /// older version): the selection must name an existing file, paths must be clean.
    pub fn repaired(mut self) -> Self {
        self.files = std::mem::take(&mut self.files)
            .into_iter()
            .filter_map(|(p, t)| clean(&p).ok().map(|p| (p, t)))
            .collect();
        if !self.files.contains_key(&self.selected) {
            self.selected = self.files.keys().next().cloned().unwrap_or_default();
        }
        self
    }
}

/// The folder of an absolute path (`/` for top-level entries).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// An absolute, normalised path, or why the name is not acceptable.
pub fn clean(path: &str) -> Result<String, OpError> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.trim().split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p if p.chars().any(|c| c.is_control() || c == '\\') => {
                return Err(format!("{p:?} is not a usable name"));
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("the name is empty".into());
    }
    Ok(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_history_keeps_everything_but_the_commits() {
        let mut w = ws();
        w.history.push(Snapshot {
            message: "first".into(),
            time: 1,
            files: w.files.clone(),
        });
        let bare = w.without_history();
        assert!(bare.history.is_empty());
        w.history.clear();
        assert_eq!(bare, w);
    }

    fn ws() -> Workspace {
        Workspace::from_files([
            ("/b.yaml".to_string(), "b: 1".to_string()),
            ("/a.yaml".to_string(), "a: 1".to_string()),
            ("/app/base/k.yaml".to_string(), "k: 1".to_string()),
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

    #[test]
    fn folders_are_implicit_or_explicit() {
        let mut w = ws();
        assert_eq!(
            w.folders().into_iter().collect::<Vec<_>>(),
            ["/app", "/app/base"]
        );
        w.create_folder("/app/overlays").unwrap();
        assert!(w.folders().contains("/app/overlays"));
        w.create_file("app/overlays/./dev.yaml").unwrap();
        assert_eq!(w.selected, "/app/overlays/dev.yaml");
        assert!(!w.dirs.contains("/app/overlays"), "now implicit");
        assert!(w.create_file("/a.yaml").is_err());
        assert!(w.create_file("/a.yaml/x").is_err());
        assert!(w.create_folder("/app").is_err());
        assert!(w.create_file(" / ").is_err());
    }

    #[test]
    fn renames_files_and_folders_with_their_contents() {
        let mut w = ws();
        w.settings.target = Some("/app/base".into());
        w.select("/app/base/k.yaml");
        w.rename("/app", "/svc").unwrap();
        assert_eq!(w.files["/svc/base/k.yaml"], "k: 1");
        assert_eq!(w.selected, "/svc/base/k.yaml");
        assert_eq!(w.settings.target.as_deref(), Some("/svc/base"));
        assert!(w.rename("/a.yaml", "/b.yaml").is_err());
        w.rename("/a.yaml", "/c.yaml").unwrap();
        assert!(w.files.contains_key("/c.yaml"));
        assert!(w.rename("/svc", "/svc/inner").is_err());
    }

    #[test]
    fn deletes_a_folder_and_keeps_its_parent() {
        let mut w = ws();
        w.select("/app/base/k.yaml");
        w.delete("/app/base");
        assert!(!w.files.contains_key("/app/base/k.yaml"));
        assert!(w.folders().contains("/app"));
        assert_eq!(w.selected, "/a.yaml");
    }

    #[test]
    fn older_saves_without_settings_still_load() {
        let old = r#"{"files":{"/x.yaml":"kind: Pod\n"},"selected":"/x.yaml"}"#;
        let w: Workspace = serde_json::from_str(old).unwrap();
        assert_eq!(w.settings, Settings::default());
    }
}
