//! Helm beside Argo CD in the live view: `helm install` of a chart of the workspace into the
//! same simulated cluster, `helm list`, and `helm uninstall`, as the seed teaches them. The
//! chart is read at the repository's head (what the user last saved), the release is recorded
//! in the cluster as Helm 4 records it ([`kubeplay_helm::release`]), and its resources are
//! shown with their health and what they created (ReplicaSets, Pods), as they run.

use crate::render::namespace_or_default;
use kubeplay_cluster::clock::unix_seconds;
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::tree::{self, ResourceKey};
use kubeplay_helm::release::{self, InstallOptions, Release, UninstallOptions};
use kubeplay_helm::{RenderOptions, TemplateOptions, UserValues};
use kubeplay_views::tree_layout::node_id;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HelmCommand {
    /// Shows or hides the Helm panel: its view is only computed while it is shown.
    Show(bool),
    Install(HelmInstall),
    Uninstall {
        name: String,
        namespace: String,
        keep_history: bool,
    },
}

/// `helm install NAME CHART -n NAMESPACE [-f FILE]... [--set K=V]... [--create-namespace]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HelmInstall {
    /// The chart's directory in the workspace (`/mychart`).
    pub chart: String,
    pub name: String,
    pub namespace: String,
    /// Workspace paths given with `-f`, in order.
    pub values_files: Vec<String>,
    /// `--set` expressions, in order.
    pub set: Vec<String>,
    pub create_namespace: bool,
}

/// What the Helm panel draws.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HelmView {
    /// Chart directories of the repository's head, for the install form.
    pub charts: Vec<String>,
    /// `helm list --all-namespaces`, as Helm prints it.
    pub list_table: String,
    pub releases: Vec<ReleaseRow>,
    /// What the last install or uninstall printed (`NAME: ...`, `NOTES:` ...).
    pub output: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReleaseRow {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub status: String,
    pub chart: String,
    pub app_version: String,
    /// The release's objects and what they created, parents first.
    pub resources: Vec<ReleaseResource>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReleaseResource {
    /// The tree's node id (`group/Kind/namespace/name`).
    pub id: String,
    pub kind: String,
    pub name: String,
    /// 0 for the release's own objects, 1 for what they created, and so on.
    pub depth: usize,
    /// Argo CD's health of the object ("" where no check applies), "Missing" when gone.
    pub health: String,
    pub health_message: String,
}

/// The Helm panel's state in the session.
#[derive(Debug, Clone, Default)]
pub struct HelmPanel {
    pub shown: bool,
    /// The last install's or uninstall's output, until the next one.
    pub output: Option<String>,
}

/// The chart directories of the repository's head.
fn charts(g: &GitOps) -> Vec<String> {
    let Ok(head) = g.repo.resolve("HEAD") else {
        return Vec::new();
    };
    let mut dirs: Vec<String> = head
        .tree
        .files()
        .filter_map(|(p, _)| p.strip_suffix("/Chart.yaml").map(str::to_string))
        // A vendored subchart is installed with its parent, not on its own.
        .filter(|d| !d.contains("/charts/"))
        .collect();
    dirs.sort();
    dirs
}

/// Runs `cmd` on the live cluster: the panel keeps what Helm printed, the answer is a
/// one-line notice (or Helm's error).
pub fn handle(
    g: &mut GitOps,
    panel: &mut HelmPanel,
    cmd: HelmCommand,
) -> Result<Option<String>, String> {
    match cmd {
        HelmCommand::Show(on) => {
            panel.shown = on;
            Ok(None)
        }
        HelmCommand::Install(req) => {
            let out = install(g, &req).map_err(|e| format!("INSTALLATION FAILED: {e}"))?;
            panel.output = Some(out);
            Ok(Some(format!("release {:?} installed", req.name.trim())))
        }
        HelmCommand::Uninstall {
            name,
            namespace,
            keep_history,
        } => {
            let opts = UninstallOptions {
                namespace,
                keep_history,
                now: unix_seconds(g.now()),
            };
            release::uninstall(&mut g.cluster, &name, &opts).map_err(|e| e.to_string())?;
            let said = format!("release \"{name}\" uninstalled");
            panel.output = Some(format!("{said}\n"));
            Ok(Some(said))
        }
    }
}

fn install(g: &mut GitOps, req: &HelmInstall) -> Result<String, String> {
    let head = g.repo.resolve("HEAD").map_err(|e| e.to_string())?;
    let files = &head.tree;
    let dir = if req.chart.starts_with('/') {
        req.chart.clone()
    } else {
        format!("/{}", req.chart)
    };
    let chart = kubeplay_helm::load_chart(files, &dir).map_err(|e| e.to_string())?;
    let mut user = UserValues::default();
    for f in &req.values_files {
        let text = files
            .read_to_string(f)
            .map_err(|_| format!("open {f}: no such file or directory"))?;
        user.files.push((f.clone(), text));
    }
    user.set = req.set.clone();
    let values = user
        .merged(&|p| files.read_to_string(p).map_err(|e| e.to_string()))
        .map_err(|e| e.to_string())?;
    let opts = InstallOptions {
        template: TemplateOptions {
            render: RenderOptions {
                name: req.name.trim().to_string(),
                namespace: namespace_or_default(&req.namespace),
                now: unix_seconds(g.now()),
                ..Default::default()
            },
            ..Default::default()
        },
        user_config: values.clone(),
        create_namespace: req.create_namespace,
        replace: false,
    };
    let r = release::install(&mut g.cluster, &chart, &values, &opts).map_err(|e| e.to_string())?;
    Ok(release::install_status(&r))
}

/// The panel as drawn now (None while it is hidden).
pub fn view(g: &GitOps, panel: &HelmPanel) -> Option<HelmView> {
    if !panel.shown {
        return None;
    }
    let releases = release::list(&g.cluster, None);
    Some(HelmView {
        charts: charts(g),
        list_table: release::list_table(&releases),
        releases: releases.iter().map(|r| row(g, r)).collect(),
        output: panel.output.clone(),
    })
}

fn row(g: &GitOps, r: &Release) -> ReleaseRow {
    ReleaseRow {
        name: r.name.clone(),
        namespace: r.namespace.clone(),
        revision: r.revision,
        status: r.status.as_str().to_string(),
        chart: r.chart(),
        app_version: r.app_version.clone(),
        resources: resources(g, r),
    }
}

/// The release's objects as they are in the cluster (gone ones as Missing), with what they
/// own beneath them.
fn resources(g: &GitOps, r: &Release) -> Vec<ReleaseResource> {
    let declared: Vec<ResourceKey> = kubeplay_helm::manifests::split_manifests(&r.manifest)
        .iter()
        .filter_map(|doc| object_key(doc, &r.namespace))
        .collect();
    // A cluster-scoped object comes back without the namespace the key was given.
    let (live, missing): (Vec<_>, Vec<_>) = declared
        .iter()
        .map(|k| (k, g.cluster.get(&k.kind, &k.namespace, &k.name)))
        .partition(|(_, obj)| obj.is_some());
    let live: Vec<Value> = live.into_iter().filter_map(|(_, obj)| obj).collect();
    let namespaces: BTreeSet<&str> = declared.iter().map(|k| k.namespace.as_str()).collect();
    let mut others = Vec::new();
    for kind in tree::CHILD_KINDS {
        for ns in &namespaces {
            others.extend(g.cluster.list_namespaced(kind, ns));
        }
    }
    let t = tree::build_app(&live, &others, &g.assessor);
    let mut out = Vec::new();
    let mut seen = vec![false; t.nodes.len()];
    for root in t.roots() {
        walk(&t, root, 0, &mut seen, &mut out);
    }
    for (k, _) in missing {
        out.push(ReleaseResource {
            id: node_id(&k.group, &k.kind, &k.namespace, &k.name),
            kind: k.kind.clone(),
            name: k.name.clone(),
            depth: 0,
            health: "Missing".into(),
            health_message: String::new(),
        });
    }
    out
}

/// The key of a manifest document, in the release's namespace unless it names one (None for
/// an empty or unreadable document: Helm recorded only what it could apply).
fn object_key(doc: &str, release_namespace: &str) -> Option<ResourceKey> {
    let node = kubeplay_yaml::parse_one(doc, "manifest", &Default::default()).ok()?;
    let obj = kubeplay_yaml::to_json(&node).ok()?;
    let mut key = ResourceKey::of(&obj);
    if key.kind.is_empty() || key.name.is_empty() {
        return None;
    }
    if key.namespace.is_empty() && key.kind != "Namespace" {
        key.namespace = release_namespace.to_string();
    }
    Some(key)
}

fn walk(t: &tree::Tree, i: usize, depth: usize, seen: &mut [bool], out: &mut Vec<ReleaseResource>) {
    if std::mem::replace(&mut seen[i], true) {
        return;
    }
    let n = &t.nodes[i];
    let k = &n.key;
    out.push(ReleaseResource {
        id: node_id(&k.group, &k.kind, &k.namespace, &k.name),
        kind: k.kind.clone(),
        name: k.name.clone(),
        depth,
        health: n
            .health
            .as_ref()
            .map_or(String::new(), |h| h.status.as_str().to_string()),
        health_message: n
            .health
            .as_ref()
            .map_or(String::new(), |h| h.message.clone()),
    });
    for c in t.children(i) {
        walk(t, c, depth + 1, seen, out);
    }
}
