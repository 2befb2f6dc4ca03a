//! The tree itself: files by normalised path, plus directories that were created empty.

use crate::path::{normalize, parent};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A failed lookup or change, naming the path as the user wrote it after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VfsError {
    NotFound(String),
    IsADirectory(String),
    NotADirectory(String),
    AlreadyExists(String),
}

impl fmt::Display for VfsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VfsError::NotFound(p) => write!(f, "{p}: no such file or directory"),
            VfsError::IsADirectory(p) => write!(f, "{p}: is a directory"),
            VfsError::NotADirectory(p) => write!(f, "{p}: not a directory"),
            VfsError::AlreadyExists(p) => write!(f, "{p}: already exists"),
        }
    }
}

impl std::error::Error for VfsError {}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    Dir(String),
    File(String),
}

impl Entry {
    pub fn name(&self) -> &str {
        match self {
            Entry::Dir(n) | Entry::File(n) => n,
        }
    }
}

/// Files keyed by absolute normalised path. Ordered, so listings and hashes are deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTree {
    files: BTreeMap<String, Vec<u8>>,
    empty_dirs: BTreeSet<String>,
}

impl FileTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes a file, creating its directories. Fails if `path` is a directory, or a file sits
    /// where one of its parent directories should be.
    pub fn write(&mut self, path: &str, content: impl Into<Vec<u8>>) -> Result<(), VfsError> {
        let path = normalize(path);
        if path == "/" || self.is_dir(&path) {
            return Err(VfsError::IsADirectory(path));
        }
        let mut dir = parent(&path);
        while dir != "/" {
            if self.files.contains_key(&dir) {
                return Err(VfsError::NotADirectory(dir));
            }
            self.empty_dirs.remove(&dir);
            dir = parent(&dir);
        }
        self.files.insert(path, content.into());
        Ok(())
    }

    /// Creates a directory (and its parents); a no-op when it exists.
    pub fn create_dir(&mut self, path: &str) -> Result<(), VfsError> {
        let path = normalize(path);
        if self.files.contains_key(&path) {
            return Err(VfsError::AlreadyExists(path));
        }
        if path != "/" && !self.is_dir(&path) {
            self.empty_dirs.insert(path);
        }
        Ok(())
    }

    pub fn read(&self, path: &str) -> Result<&[u8], VfsError> {
        let path = normalize(path);
        match self.files.get(&path) {
            Some(bytes) => Ok(bytes),
            None if self.is_dir(&path) => Err(VfsError::IsADirectory(path)),
            None => Err(VfsError::NotFound(path)),
        }
    }

    /// Reads a file as UTF-8, replacing invalid sequences (the engines take text).
    pub fn read_to_string(&self, path: &str) -> Result<String, VfsError> {
        self.read(path)
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
    }

    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(&normalize(path))
    }

    pub fn is_dir(&self, path: &str) -> bool {
        let path = normalize(path);
        if path == "/" || self.empty_dirs.contains(&path) {
            return true;
        }
        let prefix = format!("{path}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(&prefix))
            || self
                .empty_dirs
                .range(prefix.clone()..)
                .next()
                .is_some_and(|p| p.starts_with(&prefix))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.is_file(path) || self.is_dir(path)
    }

    /// The direct children of a directory, directories and files, sorted by name.
    pub fn list_dir(&self, path: &str) -> Result<Vec<Entry>, VfsError> {
        let path = normalize(path);
        if self.files.contains_key(&path) {
            return Err(VfsError::NotADirectory(path));
        }
        if !self.is_dir(&path) {
            return Err(VfsError::NotFound(path));
        }
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        let mut entries = BTreeSet::new();
        let file_paths = self.files.keys();
        let dir_paths = self.empty_dirs.iter();
        for (p, is_empty_dir) in file_paths
            .map(|p| (p, false))
            .chain(dir_paths.map(|p| (p, true)))
        {
            let Some(rest) = p.strip_prefix(&prefix) else {
                continue;
            };
            match rest.split_once('/') {
                Some((dir, _)) => entries.insert(Entry::Dir(dir.to_string())),
                None if is_empty_dir => entries.insert(Entry::Dir(rest.to_string())),
                None => entries.insert(Entry::File(rest.to_string())),
            };
        }
        Ok(entries.into_iter().collect())
    }

    /// Removes a file, or a directory with everything under it.
    pub fn remove(&mut self, path: &str) -> Result<(), VfsError> {
        let path = normalize(path);
        if self.files.remove(&path).is_some() {
            return Ok(());
        }
        if !self.is_dir(&path) || path == "/" {
            return Err(VfsError::NotFound(path));
        }
        let prefix = format!("{path}/");
        self.files.retain(|p, _| !p.starts_with(&prefix));
        self.empty_dirs
            .retain(|p| p != &path && !p.starts_with(&prefix));
        Ok(())
    }

    /// Every file, by path, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_slice()))
    }

    /// Directories that hold nothing (they matter to tools that list directories).
    pub fn empty_dirs(&self) -> impl Iterator<Item = &str> {
        self.empty_dirs.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FileTree {
        let mut t = FileTree::new();
        t.write("/app/base/kustomization.yaml", "resources: []")
            .unwrap();
        t.write("app/base/pod.yaml", "kind: Pod").unwrap();
        t.write("/app/overlay/kustomization.yaml", "").unwrap();
        t
    }

    #[test]
    fn reads_what_was_written_under_normalised_paths() {
        let t = sample();
        assert_eq!(t.read("/app/base/../base/pod.yaml").unwrap(), b"kind: Pod");
        assert!(t.is_dir("/app") && t.is_dir("/app/base") && !t.is_dir("/app/ba"));
        assert_eq!(
            t.read("/app/base"),
            Err(VfsError::IsADirectory("/app/base".into()))
        );
        assert_eq!(t.read("/nope"), Err(VfsError::NotFound("/nope".into())));
    }

    #[test]
    fn lists_children_sorted_with_kinds() {
        let mut t = sample();
        t.create_dir("/app/empty").unwrap();
        let names: Vec<_> = t.list_dir("/app").unwrap();
        assert_eq!(
            names,
            vec![
                Entry::Dir("base".into()),
                Entry::Dir("empty".into()),
                Entry::Dir("overlay".into())
            ]
        );
        assert_eq!(
            t.list_dir("/app/base/pod.yaml"),
            Err(VfsError::NotADirectory("/app/base/pod.yaml".into()))
        );
    }

    #[test]
    fn refuses_files_over_files_and_removes_subtrees() {
        let mut t = sample();
        assert_eq!(
            t.write("/app/base/pod.yaml/x", ""),
            Err(VfsError::NotADirectory("/app/base/pod.yaml".into()))
        );
        assert_eq!(
            t.write("/app", ""),
            Err(VfsError::IsADirectory("/app".into()))
        );
        t.remove("/app/base").unwrap();
        assert!(!t.exists("/app/base/pod.yaml"));
        assert!(t.exists("/app/overlay/kustomization.yaml"));
        assert_eq!(t.len(), 1);
    }
}
