//! Helpers shared by the scenario tests: a repository from (path, text) pairs and an
//! Application over it.

// Each test binary includes this module and uses a subset of it.
#![allow(dead_code)]

use kubeplay_cluster::{Cluster, ClusterConfig};
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_gitops::sync::Operation;
use kubeplay_vfs::FileTree;

pub fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut t = FileTree::new();
    for (p, c) in files {
        t.write(p, c.as_bytes()).unwrap();
    }
    t
}

pub fn app_yaml(name: &str, path: &str, policy: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
spec:
  project: default
  source:
    repoURL: https://git.example/demo
    path: {path}
    targetRevision: HEAD
  destination:
    server: https://kubernetes.default.svc
    namespace: default
{policy}"
    )
}

/// A GitOps instance with `files` as commit 1 and one app "demo" over `path`.
pub fn setup(files: &[(&str, &str)], path: &str, policy: &str) -> GitOps {
    setup_with(files, &app_yaml("demo", path, policy))
}

/// A GitOps instance with `files` as commit 1 and the Applications of `yaml`, "demo"
/// compared once.
pub fn setup_with(files: &[(&str, &str)], yaml: &str) -> GitOps {
    let mut g = GitOps::new(
        "https://git.example/demo",
        Cluster::new(ClusterConfig::default()),
    );
    g.commit(tree(files), "initial", "dev").unwrap();
    g.apply_applications(yaml, "app.yaml").unwrap();
    g.refresh("demo");
    g
}

/// Commits `files` as the next revision and refreshes "demo"; returns the commit id.
pub fn commit_and_refresh(g: &mut GitOps, files: &[(&str, &str)], message: &str) -> String {
    let id = g.commit(tree(files), message, "dev").unwrap();
    g.refresh("demo");
    id
}

/// Syncs "demo" with prune, as the Sync button with "Prune" ticked.
pub fn sync_with_prune(g: &mut GitOps) {
    let req = SyncRequest {
        prune: true,
        ..SyncRequest::default()
    };
    g.sync("demo", &req).unwrap();
}

/// The running or last operation of "demo".
pub fn operation(g: &GitOps) -> Operation {
    g.app("demo").unwrap().operation.clone().unwrap()
}

pub fn cm(name: &str, data: &str, annotations: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations: {{{annotations}}}\ndata:\n  key: {data:?}\n")
}

/// A pod hook or workload running `script` in busybox.
pub fn pod(name: &str, script: &str, restart: &str, annotations: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  annotations: {{{annotations}}}\nspec:\n  restartPolicy: {restart}\n  containers:\n  - name: main\n    image: busybox\n    command: [sh, -c, {script:?}]\n"
    )
}
