//! The workspace becomes live: its commits are the Git repository the apps follow, its
//! Application manifests are the apps, and a workspace without any gets one implicit app
//! over its render target (the tool detected as Argo CD does: a kustomization, a chart, or
//! plain manifests), synced automatically so its pods appear at once.

use super::command::{WorkspaceCommit, WorkspaceSource};
use kubeplay_cluster::{Cluster, ClusterConfig};
use kubeplay_gitops::api::GitOps;
use kubeplay_vfs::FileTree;
use serde_json::Value;
use std::collections::BTreeMap;

/// The repository URL the implicit app names (the repo server follows the workspace
/// whatever URL an Application gives).
pub const REPO_URL: &str = "https://git.kubeplay.local/workspace.git";
pub const AUTHOR: &str = "you <you@kubeplay.local>";

/// Files beyond this many bytes are not read as Application manifests.
const MAX_MANIFEST_BYTES: usize = 256 * 1024;

pub fn file_tree(files: &BTreeMap<String, String>) -> FileTree {
    let mut t = FileTree::new();
    for (p, text) in files {
        // A path the tree refuses (".." and the like) cannot be in a rendered source either.
        let _ = t.write(p, text.as_bytes());
    }
    t
}

/// A fresh simulation of `src`: returns it with the file of each app that has one (none:
/// the one app is the implicit one).
pub fn open(src: &WorkspaceSource) -> Result<(GitOps, BTreeMap<String, String>), String> {
    let mut g = GitOps::new(REPO_URL, Cluster::new(ClusterConfig::default()));
    let commits: Vec<WorkspaceCommit> = if src.history.is_empty() {
        vec![WorkspaceCommit {
            message: "workspace".into(),
            files: src.files.clone(),
        }]
    } else {
        src.history.clone()
    };
    for c in &commits {
        commit(&mut g, c)?;
    }
    let head = &commits[commits.len() - 1].files;
    let files = apply_manifests(&mut g, head)?;
    if files.is_empty() {
        let dir = source_dir(head, src.target.as_deref().unwrap_or(&src.open));
        let yaml = implicit_app(&dir);
        g.apply_applications(&yaml, "implicit application")
            .map_err(|e| join(&e))?;
    }
    g.refresh_all();
    Ok((g, files))
}

/// Adds a commit; a tree identical to the head is not an error (nothing changed).
pub fn commit(g: &mut GitOps, c: &WorkspaceCommit) -> Result<(), String> {
    let head_same = g
        .repo
        .resolve("HEAD")
        .is_ok_and(|h| h.tree == file_tree(&c.files));
    if head_same {
        return Ok(());
    }
    g.commit(file_tree(&c.files), &c.message, AUTHOR)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Creates or updates the Applications found in `files`; returns each app's name with the
/// file it came from.
pub fn apply_manifests(
    g: &mut GitOps,
    files: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut found = BTreeMap::new();
    for (path, text) in files {
        if !(path.ends_with(".yaml") || path.ends_with(".yml"))
            || text.len() > MAX_MANIFEST_BYTES
            || !text.contains("Application")
        {
            continue;
        }
        for doc in applications_in(text, path) {
            let names = g
                .apply_applications(&doc.to_string(), path)
                .map_err(|e| join(&e))?;
            for name in names {
                found.insert(name, path.clone());
            }
        }
    }
    Ok(found)
}

/// The Argo CD Application documents of a YAML file (other documents and unparsable files
/// are not apps: the editor reports their errors).
pub fn applications_in(text: &str, path: &str) -> Vec<Value> {
    let Ok(docs) = kubeplay_yaml::parse_documents(text, path) else {
        return Vec::new();
    };
    docs.iter()
        .filter_map(|d| kubeplay_yaml::to_json(d).ok())
        .filter(|v| {
            v.get("kind").and_then(Value::as_str) == Some("Application")
                && v.get("apiVersion")
                    .and_then(Value::as_str)
                    .is_some_and(|a| a.starts_with("argoproj.io/"))
        })
        .collect()
}

/// The directory an implicit app renders: the chart or kustomization the target lies in,
/// else the target's directory (a file's parent), as the repository path without the
/// leading slash.
pub fn source_dir(files: &BTreeMap<String, String>, target: &str) -> String {
    let is_file = files.contains_key(target);
    let mut dir = if is_file {
        parent(target)
    } else {
        target.trim_end_matches('/').to_string()
    };
    let has = |d: &str, names: &[&str]| {
        names
            .iter()
            .any(|n| files.contains_key(&format!("{}/{n}", d.trim_end_matches('/'))))
    };
    let mut d = dir.clone();
    loop {
        if has(
            &d,
            &[
                "Chart.yaml",
                "kustomization.yaml",
                "kustomization.yml",
                "Kustomization",
            ],
        ) {
            dir = d;
            break;
        }
        if d.is_empty() || d == "/" {
            break;
        }
        d = parent(&d);
    }
    dir.trim_start_matches('/').to_string()
}

fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => path[..i].to_string(),
    }
}

/// The implicit app's name: the source directory's last part as a DNS label.
pub fn implicit_name(dir: &str) -> String {
    let last = dir
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("workspace");
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name = name.trim_matches('-').chars().take(53).collect();
    if name.is_empty() {
        "workspace".into()
    } else {
        name
    }
}

fn implicit_app(dir: &str) -> String {
    let path = if dir.is_empty() { "." } else { dir };
    serde_json::json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": implicit_name(dir), "namespace": "argocd"},
        "spec": {
            "project": "default",
            "source": {"repoURL": REPO_URL, "targetRevision": "HEAD", "path": path},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "default"},
            "syncPolicy": {"automated": {"prune": true, "selfHeal": true}},
        },
    })
    .to_string()
}

fn join(errs: &[kubeplay_gitops::app::SpecError]) -> String {
    errs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
