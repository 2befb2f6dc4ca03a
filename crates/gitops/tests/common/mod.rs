//! Helpers shared by the scenario tests: a repository from (path, text) pairs and an
//! Application over it.

// Each test binary includes this module and uses a subset of it.
#![allow(dead_code)]

use kubeplay_cluster::{Cluster, ClusterConfig};
use kubeplay_gitops::api::GitOps;
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

/// A GitOps instance with `files` as commit 1 and one app over `path`.
pub fn setup(files: &[(&str, &str)], path: &str, policy: &str) -> GitOps {
    let mut g = GitOps::new(
        "https://git.example/demo",
        Cluster::new(ClusterConfig::default()),
    );
    g.commit(tree(files), "initial", "dev").unwrap();
    g.apply_applications(&app_yaml("demo", path, policy), "app.yaml")
        .unwrap();
    g.refresh("demo");
    g
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
