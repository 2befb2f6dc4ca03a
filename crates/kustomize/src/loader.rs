//! File access for one kustomization root: paths relative to the root, the load
//! restrictor, and the cycle check when a kustomization refers to another directory.

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay_vfs::{join, normalize, FileTree};
use serde_json::Value as Json;

use crate::err;
use crate::error::{Error, Result};

/// Which files a kustomization may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadRestrictor {
    /// Only files in or below the kustomization's directory (kustomize's default).
    #[default]
    RootOnly,
    /// Any file.
    None,
}

impl LoadRestrictor {
    pub fn parse(s: &str) -> Result<LoadRestrictor> {
        match s {
            "LoadRestrictionsRootOnly" | "rootOnly" => Ok(LoadRestrictor::RootOnly),
            "LoadRestrictionsNone" | "none" => Ok(LoadRestrictor::None),
            other => Err(err!(
                "illegal flag value --load-restrictor {other}; legal values: [LoadRestrictionsRootOnly LoadRestrictionsNone]"
            )),
        }
    }
}

/// The file names kustomize accepts, in its order of preference.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Clone, Debug)]
pub struct Loader<'t> {
    pub tree: &'t FileTree,
    pub root: String,
    pub restrictor: LoadRestrictor,
    /// Roots of the kustomizations that led here, nearest first.
    referrers: Vec<String>,
    /// The OpenAPI schema of the build: like kustomize's global schema, the first
    /// kustomization with an `openapi` field chooses it for all.
    pub openapi: Rc<RefCell<SchemaChoice>>,
    /// Warnings for the user (deprecated fields), in the order kustomize prints them.
    pub warnings: Rc<RefCell<Vec<String>>>,
    /// `--enable-helm`: helmCharts may be inflated.
    pub enable_helm: bool,
}

/// Which OpenAPI schema strategic merge patches consult.
#[derive(Debug, Clone, Default)]
pub enum SchemaChoice {
    /// No kustomization chose yet (the builtin one applies).
    #[default]
    Unset,
    /// A builtin Kubernetes version was named.
    Builtin,
    /// A custom document, consulted before the builtin facts.
    Custom(Rc<Json>),
}

/// True for references kustomize would fetch over the network.
pub fn is_remote(path: &str) -> bool {
    path.contains("://")
        || path.starts_with("github.com/")
        || path.starts_with("gitlab.com/")
        || path.starts_with("bitbucket.org/")
        || path.starts_with("git@")
        || path.starts_with("git::")
}

fn has_prefix_dir(path: &str, dir: &str) -> bool {
    dir == "/" || path == dir || path.starts_with(&format!("{dir}/"))
}

impl<'t> Loader<'t> {
    pub fn new(tree: &'t FileTree, root: &str, restrictor: LoadRestrictor) -> Result<Self> {
        let root = normalize(root);
        if !tree.is_dir(&root) {
            if tree.is_file(&root) {
                return Err(err!(
                    "must build at directory: '{root}': file is not directory"
                ));
            }
            return Err(err!(
                "must build at directory: not a valid directory: '{root}' does not exist"
            ));
        }
        Ok(Loader {
            tree,
            root,
            restrictor,
            referrers: Vec::new(),
            openapi: Rc::default(),
            warnings: Rc::default(),
            enable_helm: false,
        })
    }

    /// The absolute, cleaned form of a path relative to the root.
    pub fn abs(&self, path: &str) -> String {
        if path.starts_with('/') {
            normalize(path)
        } else {
            normalize(&join(&self.root, path))
        }
    }

    /// Reads a file, subject to the load restrictor.
    pub fn load(&self, path: &str) -> Result<Vec<u8>> {
        if is_remote(path) {
            return Err(remote_error(path));
        }
        let abs = self.abs(path);
        if self.restrictor == LoadRestrictor::RootOnly {
            if self.tree.is_dir(&abs) {
                return Err(err!("'{abs}' must resolve to a file"));
            }
            let dir = kubeplay_vfs::parent(&abs);
            if !has_prefix_dir(&dir, &self.root) {
                return Err(err!(
                    "security; file '{abs}' is not in or below '{}'",
                    self.root
                ));
            }
        }
        match self.tree.read(&abs) {
            Ok(bytes) => Ok(bytes.to_vec()),
            Err(_) if self.tree.is_dir(&abs) => Err(err!("read {abs}: is a directory")),
            Err(_) => Err(err!(
                "evalsymlink failure on '{abs}' : lstat {abs}: no such file or directory"
            )),
        }
    }

    pub fn load_string(&self, path: &str) -> Result<String> {
        let bytes = self.load(path)?;
        String::from_utf8(bytes).map_err(|_| err!("{}: not valid UTF-8", self.abs(path)))
    }

    /// A loader for a directory the kustomization refers to (a base or a component).
    pub fn child(&self, path: &str) -> Result<Loader<'t>> {
        if path.is_empty() {
            return Err(err!("new root cannot be empty"));
        }
        if is_remote(path) {
            return Err(remote_error(path));
        }
        if path.starts_with('/') {
            return Err(err!("new root '{path}' cannot be absolute"));
        }
        let root = self.abs(path);
        if !self.tree.is_dir(&root) {
            let why = if self.tree.is_file(&root) {
                format!("'{root}': file is not directory")
            } else {
                format!(
                    "not a valid directory: evalsymlink failure on '{root}' : lstat {root}: no such file or directory"
                )
            };
            return Err(Error::new(why).wrap("must build at directory"));
        }
        for visited in std::iter::once(&self.root).chain(self.referrers.iter()) {
            if has_prefix_dir(visited, &root) {
                return Err(err!(
                    "cycle detected: candidate root '{root}' contains visited root '{visited}'"
                ));
            }
        }
        let mut referrers = vec![self.root.clone()];
        referrers.extend(self.referrers.iter().cloned());
        Ok(Loader {
            tree: self.tree,
            root,
            restrictor: self.restrictor,
            referrers,
            openapi: Rc::clone(&self.openapi),
            warnings: Rc::clone(&self.warnings),
            enable_helm: self.enable_helm,
        })
    }

    /// The custom OpenAPI schema, if one was set.
    pub fn custom_schema(&self) -> Option<Rc<Json>> {
        match &*self.openapi.borrow() {
            SchemaChoice::Custom(doc) => Some(Rc::clone(doc)),
            _ => None,
        }
    }

    /// The kustomization file in the root: its name and content.
    pub fn kustomization_file(&self) -> Result<(String, String)> {
        let found: Vec<&str> = KUSTOMIZATION_FILES
            .iter()
            .copied()
            .filter(|f| self.tree.is_file(&join(&self.root, f)))
            .collect();
        match found.as_slice() {
            [] => Err(err!(
                "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                self.root
            )),
            [name] => {
                let text = self.load_string(name)?;
                Ok((name.to_string(), text))
            }
            _ => Err(err!("Found multiple kustomization files under: {}\n", self.root)),
        }
    }
}

pub fn remote_error(path: &str) -> Error {
    err!(
        "'{path}' is a remote resource: kubeplay builds offline and cannot fetch URLs or git repositories"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> FileTree {
        let mut t = FileTree::new();
        t.write("/app/base/kustomization.yaml", "resources: []")
            .unwrap();
        t.write("/app/overlay/kustomization.yaml", "resources: []")
            .unwrap();
        t.write("/app/secret.txt", "x").unwrap();
        t
    }

    #[test]
    fn root_only_refuses_files_outside() {
        let t = tree();
        let l = Loader::new(&t, "/app/overlay", LoadRestrictor::RootOnly).unwrap();
        let e = l.load("../secret.txt").unwrap_err();
        assert!(e
            .message
            .starts_with("security; file '/app/secret.txt' is not in or below"));
        let l = Loader::new(&t, "/app/overlay", LoadRestrictor::None).unwrap();
        assert_eq!(l.load("../secret.txt").unwrap(), b"x");
    }

    #[test]
    fn detects_cycles() {
        let t = tree();
        let l = Loader::new(&t, "/app/overlay", LoadRestrictor::RootOnly).unwrap();
        let base = l.child("../base").unwrap();
        assert!(base
            .child("../overlay")
            .unwrap_err()
            .message
            .starts_with("cycle detected"));
        assert!(l
            .child("..")
            .unwrap_err()
            .message
            .starts_with("cycle detected"));
    }
}
