//! The tree (and list) as the snapshot carries it: the view model's layout with the badges
//! flattened to strings.

use super::command::TreeFilter;
use super::snapshot::{TreeEdge, TreeNode, TreeView};
use kubeplay_gitops::api::{AppTreeNode, GitOps};
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::health::HealthStatus;
use kubeplay_views::tree_layout::{self, AppRoot, Filter, LayoutOptions, NodeView};
use std::collections::BTreeSet;

/// The app's tree nodes and their views.
#[derive(Debug, Clone, PartialEq)]
pub struct AppTree {
    pub nodes: Vec<AppTreeNode>,
    pub views: Vec<NodeView>,
    /// What the tree was computed from (see [`TreeKey`]).
    pub key: TreeKey,
}

/// Everything an app's tree depends on: the cluster's objects (resourceVersion), the pods'
/// statuses (which change without a new resourceVersion; the status history records each
/// change), and the app's comparison. Equal keys, equal trees: a steady app at 60x costs
/// no tree walk per frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeKey {
    app: String,
    resource_version: u64,
    status_changes: (usize, u64),
    comparison: String,
}

impl TreeKey {
    pub fn of(g: &GitOps, app: &str) -> TreeKey {
        let h = g.cluster.history();
        let comparison =
            g.app(app)
                .and_then(|s| s.comparison.as_ref())
                .map_or(String::new(), |c| {
                    let statuses: String = c
                        .resources
                        .iter()
                        .map(|r| match r.status {
                            SyncStatus::Synced => 's',
                            SyncStatus::OutOfSync => 'o',
                            SyncStatus::Unknown => 'u',
                        })
                        .collect();
                    format!("{:?}|{}|{statuses}", c.revision, c.resources.len())
                });
        TreeKey {
            app: app.to_string(),
            resource_version: g.cluster.resource_version(),
            status_changes: (h.len(), h.last().map_or(0, |s| s.at)),
            comparison,
        }
    }
}

impl AppTree {
    /// The tree of `app`, reusing `previous` when nothing it depends on changed.
    pub fn of(g: &GitOps, app: &str, previous: Option<AppTree>) -> AppTree {
        let key = TreeKey::of(g, app);
        if let Some(p) = previous.filter(|p| p.key == key) {
            return p;
        }
        // The details (pods' failing container, ReplicaSets' revision) come with the tree,
        // cached by the engine like it: no pod status is read here.
        let (nodes, details): (Vec<_>, Vec<_>) = g.tree_details(app).into_iter().unzip();
        let views = tree_layout::node_views(&nodes, &details);
        AppTree { nodes, views, key }
    }

    pub fn view(&self, id: &str) -> Option<(usize, &NodeView)> {
        self.views.iter().enumerate().find(|(_, v)| v.id == id)
    }
}

pub fn health_name(h: Option<HealthStatus>) -> String {
    h.map(|h| h.as_str().to_string()).unwrap_or_default()
}

pub fn sync_name(s: Option<SyncStatus>) -> String {
    s.map(|s| s.as_str().to_string()).unwrap_or_default()
}

pub fn to_filter(f: &TreeFilter) -> Filter {
    Filter {
        kinds: f.kinds.clone(),
        health: HealthStatus::ALL
            .iter()
            .copied()
            .filter(|h| f.health.iter().any(|n| n == h.as_str()))
            .collect(),
        sync: [
            SyncStatus::Synced,
            SyncStatus::OutOfSync,
            SyncStatus::Unknown,
        ]
        .into_iter()
        .filter(|s| f.sync.iter().any(|n| n == s.as_str()))
        .collect(),
        name: f.name.clone(),
    }
}

/// The short status line under a node's name.
fn status_line(v: &NodeView) -> String {
    let pick = |k: &str| v.info.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if v.kind == "Pod" {
        let mut parts = Vec::new();
        if let Some(s) = pick("Status Reason") {
            parts.push(s);
        }
        if let Some(c) = pick("Containers") {
            parts.push(format!("{c} ready"));
        }
        return parts.join(" · ");
    }
    if let Some(r) = pick("Revision") {
        return format!("rev:{r}");
    }
    v.info
        .iter()
        .filter(|(k, _)| k != "Node")
        .map(|(k, val)| format!("{k}: {val}"))
        .next()
        .unwrap_or_default()
}

pub fn node(v: &NodeView, selected: Option<&str>) -> TreeNode {
    TreeNode {
        id: v.id.clone(),
        kind: v.kind.clone(),
        icon: v.icon.clone(),
        namespace: v.namespace.clone(),
        name: v.name.clone(),
        health: health_name(v.health),
        health_message: v.health_message.clone(),
        sync: sync_name(v.sync),
        restarts: v.restarts,
        failing: v.failing_container.clone(),
        status: status_line(v),
        selected: selected == Some(v.id.as_str()),
        ..TreeNode::default()
    }
}

pub fn tree_view(
    root: &AppRoot,
    t: &AppTree,
    filter: &TreeFilter,
    collapsed: &BTreeSet<String>,
    selected: Option<&str>,
) -> TreeView {
    let opts = LayoutOptions {
        filter: to_filter(filter),
        collapsed: collapsed.clone(),
    };
    let l = tree_layout::layout(root, &t.nodes, &t.views, &opts);
    TreeView {
        nodes: l
            .nodes
            .iter()
            .map(|p| TreeNode {
                x: p.x,
                y: p.y,
                dimmed: p.dimmed,
                has_children: p.has_children,
                collapsed: collapsed.contains(&p.view.id),
                hidden_descendants: p.hidden_descendants,
                ..node(&p.view, selected)
            })
            .collect(),
        edges: l
            .edges
            .iter()
            .map(|e| TreeEdge {
                from: e.from.clone(),
                to: e.to.clone(),
                points: e.points.clone(),
            })
            .collect(),
        width: l.width,
        height: l.height,
        total: l.total,
        shown: l.shown,
        ..facets(t)
    }
}

/// The filter bar's counts (the tree and the list view both show them).
pub fn facets(t: &AppTree) -> TreeView {
    let f = tree_layout::facets(&t.views);
    TreeView {
        total: t.views.len(),
        kinds: f.kinds.into_iter().collect(),
        healths: f
            .health
            .iter()
            .map(|(h, c)| (h.as_str().to_string(), *c))
            .collect(),
        syncs: f
            .sync
            .iter()
            .map(|(s, c)| (s.as_str().to_string(), *c))
            .collect(),
        ..TreeView::default()
    }
}

pub fn list_view(t: &AppTree, filter: &TreeFilter, selected: Option<&str>) -> Vec<TreeNode> {
    tree_layout::list_view(&t.nodes, &t.views, &to_filter(filter))
        .iter()
        .map(|r| node(&r.view, selected))
        .collect()
}
