//! The application resource tree laid out left to right, as Argo CD draws it: the
//! Application in column 0, its managed resources in column 1, what they own further right
//! (Deployment -> ReplicaSet -> Pod, Service -> EndpointSlice).
//!
//! Layout is a tidy tree over each node's *primary* parent (the first of its parents in sort
//! order): every subtree owns a contiguous band of rows, leaves take the next free row in
//! pre-order, and a parent sits in the middle of its children's band, so nodes never overlap.
//! Extra parents (rare: a node with two owners) only add edges. Siblings are ordered by kind
//! (the order Argo CD applies kinds in: namespaces and config first, workloads, then pods),
//! then ReplicaSets newest revision first (as Argo CD shows them), then namespace, then name,
//! so the picture does not reshuffle while the clock runs: the same
//! input gives the same layout, and adding one pod moves only the rows below it.
//!
//! Everything is O(n log n) in the number of nodes, with explicit stacks (no recursion, so a
//! hostile chain of owners cannot overflow the stack).

use kubeplay_gitops::api::{AppTreeNode, NodeDetails};
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::health::HealthStatus;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Node box size and gaps, in CSS pixels.
pub const NODE_WIDTH: f32 = 240.0;
pub const NODE_HEIGHT: f32 = 52.0;
pub const COLUMN_GAP: f32 = 80.0;
pub const ROW_GAP: f32 = 12.0;
const COLUMN_PITCH: f32 = NODE_WIDTH + COLUMN_GAP;
const ROW_PITCH: f32 = NODE_HEIGHT + ROW_GAP;

/// Id of the Application node.
pub const APP_ID: &str = "argoproj.io/Application";

/// Siblings sort in Argo CD's apply order of kinds: the sync engine's table, so the tree and
/// a sync always agree. Endpoints and EndpointSlices, which no sync applies, are shown right
/// after the Services that own them; other unknown kinds (custom resources) come last.
fn kind_rank(kind: &str) -> usize {
    use kubeplay_gitops::sync::order::kind_rank as apply_rank;
    match kind {
        "Endpoints" | "EndpointSlice" => apply_rank("Service") * 2 + 1,
        _ => apply_rank(kind) * 2,
    }
}

/// The short name of a kind's icon (kubectl's short names where there is one).
pub fn kind_icon(kind: &str) -> &'static str {
    match kind {
        "Application" => "app",
        "Namespace" => "ns",
        "ServiceAccount" => "sa",
        "Secret" => "secret",
        "ConfigMap" => "cm",
        "PersistentVolume" => "pv",
        "PersistentVolumeClaim" => "pvc",
        "Service" => "svc",
        "Endpoints" => "ep",
        "EndpointSlice" => "eps",
        "Deployment" => "deploy",
        "ReplicaSet" => "rs",
        "StatefulSet" => "sts",
        "DaemonSet" => "ds",
        "Pod" => "pod",
        "Job" => "job",
        "CronJob" => "cj",
        "Ingress" => "ing",
        "HorizontalPodAutoscaler" => "hpa",
        "NetworkPolicy" => "netpol",
        "Role" | "ClusterRole" => "role",
        "RoleBinding" | "ClusterRoleBinding" => "rb",
        "CustomResourceDefinition" => "crd",
        _ => "k8s",
    }
}

/// The Application at the root of the tree.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppRoot {
    pub name: String,
    pub health: Option<HealthStatus>,
    pub sync: Option<SyncStatus>,
}

/// A container that keeps a pod from being healthy, shown on the pod's node.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct FailingContainer {
    pub name: String,
    /// Waiting reason (CrashLoopBackOff, ImagePullBackOff), else the last termination reason,
    /// else "NotReady".
    pub reason: String,
}

/// What one node box shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    /// `group/Kind/namespace/name`: stable across frames, the key for the UI's diffing.
    pub id: String,
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub icon: String,
    pub health: Option<HealthStatus>,
    pub health_message: String,
    pub sync: Option<SyncStatus>,
    /// The info pairs of the tree ("Status Reason", "Containers", ...).
    pub info: Vec<(String, String)>,
    /// Pods: total restarts (0 for other kinds).
    pub restarts: u64,
    pub failing_container: Option<FailingContainer>,
    /// ReplicaSets: the deployment revision (siblings show the newest first, as Argo CD).
    pub revision: Option<i64>,
}

/// Which nodes to show. Empty lists match everything; the name matches as a case-insensitive
/// substring. A node that does not match but has a matching descendant is kept, dimmed, so the
/// path from the Application stays visible (as in Argo CD).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub kinds: Vec<String>,
    pub health: Vec<HealthStatus>,
    pub sync: Vec<SyncStatus>,
    pub name: String,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
            && self.health.is_empty()
            && self.sync.is_empty()
            && self.name.is_empty()
    }

    pub fn matches(&self, n: &NodeView) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&n.kind))
            && (self.health.is_empty() || n.health.is_some_and(|h| self.health.contains(&h)))
            && (self.sync.is_empty() || n.sync.is_some_and(|s| self.sync.contains(&s)))
            && (self.name.is_empty() || n.name.to_lowercase().contains(&self.name.to_lowercase()))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayoutOptions {
    pub filter: Filter,
    /// Ids of collapsed nodes: their descendants are hidden.
    pub collapsed: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    pub view: NodeView,
    pub column: usize,
    /// Top-left corner.
    pub x: f32,
    pub y: f32,
    /// Shown only as the way to a matching node.
    pub dimmed: bool,
    /// The node has children in the layout (shown or collapsed): draw the collapse toggle.
    pub has_children: bool,
    /// Descendants hidden because this node is collapsed (the badge "+12").
    pub hidden_descendants: usize,
}

/// A connector from the right side of `from` to the left side of `to`.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub points: Vec<(f32, f32)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TreeLayout {
    /// The Application first, then the resources in pre-order (top to bottom per column).
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<Edge>,
    pub width: f32,
    pub height: f32,
    /// Nodes in the input (without the Application) and nodes drawn.
    pub total: usize,
    pub shown: usize,
}

/// Counts per kind, health and sync over all nodes, for the filter panel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facets {
    pub kinds: BTreeMap<String, usize>,
    pub health: Vec<(HealthStatus, usize)>,
    pub sync: Vec<(SyncStatus, usize)>,
}

/// The node views of an app's tree with each node's details, index for index (as
/// [`kubeplay_gitops::api::GitOps::tree_details`] returns them; a missing detail counts as
/// none).
pub fn node_views(nodes: &[AppTreeNode], details: &[NodeDetails]) -> Vec<NodeView> {
    let none = NodeDetails::default();
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let k = &n.key;
            let d = details.get(i).unwrap_or(&none);
            let restarts = n
                .info
                .iter()
                .find(|(name, _)| name == "Restart Count")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            NodeView {
                id: node_id(&k.group, &k.kind, &k.namespace, &k.name),
                group: k.group.clone(),
                kind: k.kind.clone(),
                namespace: k.namespace.clone(),
                name: k.name.clone(),
                icon: kind_icon(&k.kind).to_string(),
                health: n.health.as_ref().map(|h| h.status),
                health_message: n
                    .health
                    .as_ref()
                    .map(|h| h.message.clone())
                    .unwrap_or_default(),
                sync: n.sync,
                info: n.info.clone(),
                restarts,
                failing_container: d.failing_container.as_ref().map(|(name, reason)| {
                    FailingContainer {
                        name: name.clone(),
                        reason: reason.clone(),
                    }
                }),
                revision: d.revision,
            }
        })
        .collect()
}

pub fn node_id(group: &str, kind: &str, namespace: &str, name: &str) -> String {
    format!("{group}/{kind}/{namespace}/{name}")
}

/// Sibling order: kind rank, kind, newest revision first (ReplicaSets, as Argo CD), namespace,
/// name, group. Ranks are computed once per call
/// (a rank is a scan of the kind list; sorting would otherwise repeat it per comparison).
struct Order<'a> {
    views: &'a [NodeView],
    ranks: Vec<usize>,
}

impl<'a> Order<'a> {
    fn new(views: &'a [NodeView]) -> Order<'a> {
        Order {
            views,
            ranks: views.iter().map(|v| kind_rank(&v.kind)).collect(),
        }
    }

    fn cmp(&self, a: usize, b: usize) -> std::cmp::Ordering {
        let (x, y) = (&self.views[a], &self.views[b]);
        let newest = |v: &NodeView| std::cmp::Reverse(v.revision);
        (
            self.ranks[a],
            &x.kind,
            newest(x),
            &x.namespace,
            &x.name,
            &x.group,
        )
            .cmp(&(
                self.ranks[b],
                &y.kind,
                newest(y),
                &y.namespace,
                &y.name,
                &y.group,
            ))
    }
}

/// The tree's structure over the primary parents: children per node, in sort order.
struct Structure {
    /// Children of each node; index `n` (= nodes.len()) is the Application.
    children: Vec<Vec<usize>>,
    /// Every (parent, child) edge, primary or not, parent `n` for the Application.
    edges: Vec<(usize, usize)>,
}

fn structure(nodes: &[AppTreeNode], order: &Order<'_>) -> Structure {
    let n = nodes.len();
    let mut children = vec![Vec::new(); n + 1];
    let mut edges = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let mut parents: Vec<usize> = node
            .parents
            .iter()
            .copied()
            .filter(|p| *p < n && *p != i)
            .collect();
        parents.sort_by(|a, b| order.cmp(*a, *b));
        parents.dedup();
        match parents.first() {
            Some(p) => children[*p].push(i),
            None => children[n].push(i),
        }
        if parents.is_empty() {
            edges.push((n, i));
        }
        edges.extend(parents.iter().map(|p| (*p, i)));
    }
    for c in &mut children {
        c.sort_by(|a, b| order.cmp(*a, *b));
    }
    Structure { children, edges }
}

/// Pre-order over the primary-parent forest from the Application: (node, depth, parent).
/// Nodes caught in an owner cycle (unreachable from the Application) are hung under it.
fn preorder(s: &Structure, order: &Order<'_>) -> Vec<(usize, usize, usize)> {
    let n = order.views.len();
    let mut seen = vec![false; n + 1];
    let mut out = Vec::with_capacity(n + 1);
    let walk =
        |start: usize, depth: usize, parent: usize, seen: &mut Vec<bool>, out: &mut Vec<_>| {
            let mut stack = vec![(start, depth, parent)];
            while let Some((i, d, p)) = stack.pop() {
                if seen[i] {
                    continue;
                }
                seen[i] = true;
                out.push((i, d, p));
                for c in s.children[i].iter().rev() {
                    stack.push((*c, d + 1, i));
                }
            }
        };
    walk(n, 0, n, &mut seen, &mut out);
    let mut rest: Vec<usize> = (0..n).filter(|i| !seen[*i]).collect();
    rest.sort_by(|a, b| order.cmp(*a, *b));
    for i in rest {
        walk(i, 1, n, &mut seen, &mut out);
    }
    out
}

/// Lays out the tree of `nodes` (with views from [`node_views`]) under the Application.
pub fn layout(
    app: &AppRoot,
    nodes: &[AppTreeNode],
    views: &[NodeView],
    opts: &LayoutOptions,
) -> TreeLayout {
    let n = nodes.len().min(views.len());
    let nodes = &nodes[..n];
    let views = &views[..n];
    let sort = Order::new(views);
    let s = structure(nodes, &sort);
    let order = preorder(&s, &sort);

    // Visibility: matching, or on the way to a match (reverse pre-order = children first).
    let matches: Vec<bool> = views.iter().map(|v| opts.filter.matches(v)).collect();
    let mut keep = vec![false; n + 1];
    keep[n] = true;
    for &(i, _, p) in order.iter().rev() {
        if i < n && (matches[i] || keep[i]) {
            keep[i] = true;
            keep[p] = true;
        }
    }
    // Collapse: hidden below a collapsed ancestor (pre-order = parents first).
    let collapsed: Vec<bool> = (0..=n)
        .map(|i| {
            let id = if i == n { APP_ID } else { views[i].id.as_str() };
            opts.collapsed.contains(id)
        })
        .collect();
    let mut under_collapsed = vec![false; n + 1];
    let mut hidden = vec![0usize; n + 1];
    let mut has_children = vec![false; n + 1];
    for &(i, _, p) in &order {
        if i != n {
            under_collapsed[i] = under_collapsed[p] || collapsed[p];
            if keep[i] {
                has_children[p] = true;
            }
        }
    }
    let shown: Vec<bool> = (0..=n).map(|i| keep[i] && !under_collapsed[i]).collect();
    // Hidden descendants are counted at the outermost collapsed ancestor (the one drawn).
    let mut parent = vec![n; n + 1];
    for &(i, _, p) in &order {
        parent[i] = p;
    }
    for &(i, _, _) in &order {
        if i != n && keep[i] && under_collapsed[i] {
            let mut a = parent[i];
            let mut guard = 0;
            while !shown[a] && guard <= n {
                a = parent[a];
                guard += 1;
            }
            hidden[a] += 1;
        }
    }

    // Rows: leaves take the next row in pre-order; parents centre on their children.
    let mut row = vec![0f32; n + 1];
    let mut first_last: Vec<Option<(f32, f32)>> = vec![None; n + 1];
    let mut next_row = 0f32;
    let shown_order: Vec<(usize, usize, usize)> = order
        .iter()
        .copied()
        .filter(|(i, _, _)| shown[*i])
        .collect();
    let mut shown_children = vec![0usize; n + 1];
    for &(i, _, p) in &shown_order {
        if i != n {
            shown_children[p] += 1;
        }
    }
    for &(i, _, _) in &shown_order {
        if shown_children[i] == 0 {
            row[i] = next_row;
            next_row += 1.0;
        }
    }
    for &(i, _, p) in shown_order.iter().rev() {
        if shown_children[i] > 0 {
            if let Some((a, b)) = first_last[i] {
                row[i] = (a + b) / 2.0;
            }
        }
        if i != n {
            first_last[p] = Some(match first_last[p] {
                None => (row[i], row[i]),
                Some((_, b)) => (row[i], b),
            });
        }
    }

    let app_view = NodeView {
        id: APP_ID.to_string(),
        group: "argoproj.io".to_string(),
        kind: "Application".to_string(),
        namespace: String::new(),
        name: app.name.clone(),
        icon: "app".to_string(),
        health: app.health,
        health_message: String::new(),
        sync: app.sync,
        info: Vec::new(),
        restarts: 0,
        failing_container: None,
        revision: None,
    };
    let mut max_col = 0;
    let mut placed = Vec::with_capacity(shown_order.len());
    let mut pos = vec![None; n + 1];
    for &(i, depth, _) in &shown_order {
        let view = if i == n {
            app_view.clone()
        } else {
            views[i].clone()
        };
        let (x, y) = (depth as f32 * COLUMN_PITCH, row[i] * ROW_PITCH);
        pos[i] = Some((x, y));
        max_col = max_col.max(depth);
        placed.push(PlacedNode {
            view,
            column: depth,
            x,
            y,
            dimmed: i != n && !matches[i],
            has_children: has_children[i],
            hidden_descendants: hidden[i],
        });
    }
    let id = |i: usize| {
        if i == n {
            APP_ID.to_string()
        } else {
            views[i].id.clone()
        }
    };
    let mut edges: Vec<Edge> = s
        .edges
        .iter()
        .filter_map(|&(p, c)| {
            let (px, py) = pos[p]?;
            let (cx, cy) = pos[c]?;
            if cx <= px {
                // A secondary parent in the same or a later column: no sensible connector.
                return None;
            }
            let (x1, y1) = (px + NODE_WIDTH, py + NODE_HEIGHT / 2.0);
            let (x2, y2) = (cx, cy + NODE_HEIGHT / 2.0);
            let xm = x1 + COLUMN_GAP / 2.0;
            let points = if y1 == y2 {
                vec![(x1, y1), (x2, y2)]
            } else {
                vec![(x1, y1), (xm, y1), (xm, y2), (x2, y2)]
            };
            Some(Edge {
                from: id(p),
                to: id(c),
                points,
            })
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    TreeLayout {
        shown: placed.len().saturating_sub(1),
        nodes: placed,
        edges,
        width: (max_col as f32 + 1.0) * COLUMN_PITCH - COLUMN_GAP,
        height: (next_row.max(1.0)) * ROW_PITCH - ROW_GAP,
        total: n,
    }
}

/// Counts for the filter panel.
pub fn facets(views: &[NodeView]) -> Facets {
    let mut f = Facets::default();
    for v in views {
        *f.kinds.entry(v.kind.clone()).or_default() += 1;
    }
    f.health = HealthStatus::ALL
        .iter()
        .map(|h| (*h, views.iter().filter(|v| v.health == Some(*h)).count()))
        .filter(|(_, c)| *c > 0)
        .collect();
    f.sync = [
        SyncStatus::Synced,
        SyncStatus::OutOfSync,
        SyncStatus::Unknown,
    ]
    .iter()
    .map(|s| (*s, views.iter().filter(|v| v.sync == Some(*s)).count()))
    .filter(|(_, c)| *c > 0)
    .collect();
    f
}

/// One row of the list view.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub view: NodeView,
    /// Ids of the node's parents ("" list for top-level resources).
    pub parents: Vec<String>,
}

/// The flat list view: matching nodes (no collapse), by kind order, namespace, name.
pub fn list_view(nodes: &[AppTreeNode], views: &[NodeView], filter: &Filter) -> Vec<ListRow> {
    let n = nodes.len().min(views.len());
    let mut rows: Vec<usize> = (0..n).filter(|i| filter.matches(&views[*i])).collect();
    let order = Order::new(&views[..n]);
    rows.sort_by(|a, b| order.cmp(*a, *b));
    rows.into_iter()
        .map(|i| ListRow {
            view: views[i].clone(),
            parents: nodes[i]
                .parents
                .iter()
                .filter(|p| **p < n)
                .map(|p| views[*p].id.clone())
                .collect(),
        })
        .collect()
}

/// What changed between two layouts, by node id: what the UI must touch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayoutDelta {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Same view, new position.
    pub moved: Vec<String>,
    /// New view data (health, sync, restarts, ...), position possibly changed too.
    pub changed: Vec<String>,
}

impl LayoutDelta {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.moved.is_empty()
            && self.changed.is_empty()
    }
}

pub fn delta(old: &TreeLayout, new: &TreeLayout) -> LayoutDelta {
    let before: HashMap<&str, &PlacedNode> =
        old.nodes.iter().map(|p| (p.view.id.as_str(), p)).collect();
    let after: HashMap<&str, &PlacedNode> =
        new.nodes.iter().map(|p| (p.view.id.as_str(), p)).collect();
    let mut d = LayoutDelta::default();
    for p in &new.nodes {
        match before.get(p.view.id.as_str()) {
            None => d.added.push(p.view.id.clone()),
            Some(o)
                if o.view != p.view
                    || o.dimmed != p.dimmed
                    || o.hidden_descendants != p.hidden_descendants
                    || o.has_children != p.has_children =>
            {
                d.changed.push(p.view.id.clone())
            }
            Some(o) if (o.x, o.y) != (p.x, p.y) => d.moved.push(p.view.id.clone()),
            Some(_) => {}
        }
    }
    d.removed = old
        .nodes
        .iter()
        .filter(|p| !after.contains_key(p.view.id.as_str()))
        .map(|p| p.view.id.clone())
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_gitops::health::Health;
    use kubeplay_gitops::tree::ResourceKey;

    fn node(kind: &str, name: &str, parents: &[usize], health: HealthStatus) -> AppTreeNode {
        let group = match kind {
            "Deployment" | "ReplicaSet" => "apps",
            "EndpointSlice" => "discovery.k8s.io",
            _ => "",
        };
        AppTreeNode {
            key: ResourceKey {
                group: group.into(),
                kind: kind.into(),
                namespace: "default".into(),
                name: name.into(),
            },
            parents: parents.to_vec(),
            info: Vec::new(),
            health: Some(Health::new(health, "")),
            sync: (parents.is_empty()).then_some(SyncStatus::Synced),
        }
    }

    /// Deployment web -> ReplicaSet -> 2 pods (one crash-looping), Service web -> slice.
    fn app_nodes() -> Vec<AppTreeNode> {
        use HealthStatus::*;
        let mut pod_b = node("Pod", "web-abc-2", &[1], Degraded);
        pod_b.info = vec![("Restart Count".into(), "4".into())];
        vec![
            node("Deployment", "web", &[], Degraded),
            node("ReplicaSet", "web-abc", &[0], Degraded),
            node("Pod", "web-abc-1", &[1], Healthy),
            pod_b,
            node("Service", "web", &[], Healthy),
            node("EndpointSlice", "web-x1", &[4], Healthy),
        ]
    }

    fn lay(nodes: &[AppTreeNode], opts: &LayoutOptions) -> TreeLayout {
        let views = node_views(nodes, &[]);
        layout(
            &AppRoot {
                name: "guestbook".into(),
                ..AppRoot::default()
            },
            nodes,
            &views,
            opts,
        )
    }

    fn find<'a>(l: &'a TreeLayout, name: &str, kind: &str) -> &'a PlacedNode {
        l.nodes
            .iter()
            .find(|p| p.view.name == name && p.view.kind == kind)
            .unwrap_or_else(|| panic!("{kind}/{name} not placed"))
    }

    fn assert_no_overlap(l: &TreeLayout) {
        for (i, a) in l.nodes.iter().enumerate() {
            for b in &l.nodes[i + 1..] {
                let disjoint = a.x + NODE_WIDTH <= b.x
                    || b.x + NODE_WIDTH <= a.x
                    || a.y + NODE_HEIGHT <= b.y
                    || b.y + NODE_HEIGHT <= a.y;
                assert!(disjoint, "{} overlaps {}", a.view.id, b.view.id);
            }
        }
    }

    #[test]
    fn columns_by_depth_kind_order_and_centred_parents() {
        let l = lay(&app_nodes(), &LayoutOptions::default());
        assert_eq!((l.total, l.shown), (6, 6));
        assert_eq!(l.nodes[0].view.id, APP_ID);
        let order: Vec<&str> = l.nodes.iter().map(|p| p.view.kind.as_str()).collect();
        // Service sorts before Deployment (Argo CD's kind order), pre-order.
        assert_eq!(
            order,
            [
                "Application",
                "Service",
                "EndpointSlice",
                "Deployment",
                "ReplicaSet",
                "Pod",
                "Pod"
            ]
        );
        assert_eq!(find(&l, "web", "Service").column, 1);
        assert_eq!(find(&l, "web-abc", "ReplicaSet").column, 2);
        assert_eq!(find(&l, "web-abc-1", "Pod").column, 3);
        let rs = find(&l, "web-abc", "ReplicaSet");
        let p1 = find(&l, "web-abc-1", "Pod");
        let p2 = find(&l, "web-abc-2", "Pod");
        assert_eq!(rs.y, (p1.y + p2.y) / 2.0);
        assert_eq!(p2.view.restarts, 4);
        assert_no_overlap(&l);
        assert_eq!(l.edges.len(), 6);
        let e = l.edges.iter().find(|e| e.to == p2.view.id).unwrap();
        assert_eq!(e.from, rs.view.id);
        assert_eq!(
            e.points.first(),
            Some(&(rs.x + NODE_WIDTH, rs.y + NODE_HEIGHT / 2.0))
        );
        assert_eq!(e.points.last(), Some(&(p2.x, p2.y + NODE_HEIGHT / 2.0)));
        assert!(l.height >= 3.0 * NODE_HEIGHT && l.width >= 4.0 * NODE_WIDTH);
    }

    #[test]
    fn filter_keeps_the_path_to_matches_dimmed() {
        let opts = LayoutOptions {
            filter: Filter {
                kinds: vec!["Pod".into()],
                health: vec![HealthStatus::Degraded],
                ..Filter::default()
            },
            ..LayoutOptions::default()
        };
        let l = lay(&app_nodes(), &opts);
        let names: Vec<(&str, bool)> = l
            .nodes
            .iter()
            .map(|p| (p.view.name.as_str(), p.dimmed))
            .collect();
        assert_eq!(
            names,
            [
                ("guestbook", false),
                ("web", true),
                ("web-abc", true),
                ("web-abc-2", false)
            ]
        );
        assert_eq!(l.shown, 3);
        let by_name = LayoutOptions {
            filter: Filter {
                name: "X1".into(),
                ..Filter::default()
            },
            ..LayoutOptions::default()
        };
        let l = lay(&app_nodes(), &by_name);
        assert_eq!(l.nodes.last().unwrap().view.name, "web-x1");
        assert_eq!(l.shown, 2);
    }

    #[test]
    fn collapse_hides_descendants_and_counts_them() {
        let mut opts = LayoutOptions::default();
        opts.collapsed.insert("apps/Deployment/default/web".into());
        let l = lay(&app_nodes(), &opts);
        assert_eq!(l.shown, 3);
        let d = find(&l, "web", "Deployment");
        assert_eq!(d.hidden_descendants, 3);
        assert!(d.has_children);
        assert!(l.nodes.iter().all(|p| p.view.kind != "Pod"));
        assert_no_overlap(&l);
        opts.collapsed.insert(APP_ID.into());
        let l = lay(&app_nodes(), &opts);
        assert_eq!(l.shown, 0);
        assert_eq!(l.nodes[0].hidden_descendants, 6);
    }

    #[test]
    fn same_input_same_layout_and_a_new_pod_is_a_small_delta() {
        let before = lay(&app_nodes(), &LayoutOptions::default());
        assert_eq!(before, lay(&app_nodes(), &LayoutOptions::default()));
        let mut nodes = app_nodes();
        nodes.push(node("Pod", "web-abc-3", &[1], HealthStatus::Progressing));
        let after = lay(&nodes, &LayoutOptions::default());
        let d = delta(&before, &after);
        assert_eq!(d.added, ["/Pod/default/web-abc-3"]);
        assert!(d.removed.is_empty() && d.changed.is_empty());
        // The ReplicaSet and Deployment re-centre; the Service's rows above do not move.
        assert_eq!(
            d.moved,
            [
                APP_ID,
                "apps/Deployment/default/web",
                "apps/ReplicaSet/default/web-abc"
            ]
        );
        assert!(delta(&after, &after).is_empty());
    }

    #[test]
    fn hostile_parents_are_survived() {
        // Out of range, self, duplicate, and a two-node owner cycle.
        let nodes = vec![
            node("ConfigMap", "a", &[99, 0], HealthStatus::Healthy),
            node("Pod", "b", &[2, 2], HealthStatus::Healthy),
            node("Pod", "c", &[1], HealthStatus::Healthy),
        ];
        let l = lay(&nodes, &LayoutOptions::default());
        assert_eq!(l.shown, 3);
        assert_no_overlap(&l);
        // Views shorter than nodes: only the common prefix is used.
        let views = node_views(&nodes[..1], &[]);
        let l = layout(
            &AppRoot::default(),
            &nodes,
            &views,
            &LayoutOptions::default(),
        );
        assert_eq!(l.total, 1);
    }

    #[test]
    fn two_hundred_and_fifty_resources_do_not_overlap() {
        let mut nodes = Vec::new();
        for d in 0..50 {
            let dep = nodes.len();
            nodes.push(node(
                "Deployment",
                &format!("d{d:02}"),
                &[],
                HealthStatus::Healthy,
            ));
            let rs = nodes.len();
            nodes.push(node(
                "ReplicaSet",
                &format!("d{d:02}-rs"),
                &[dep],
                HealthStatus::Healthy,
            ));
            for p in 0..3 {
                nodes.push(node(
                    "Pod",
                    &format!("d{d:02}-rs-{p}"),
                    &[rs],
                    HealthStatus::Healthy,
                ));
            }
        }
        let l = lay(&nodes, &LayoutOptions::default());
        assert_eq!(l.shown, 250);
        assert_no_overlap(&l);
        assert_eq!(l.edges.len(), 250);
        assert_eq!(l.height, 150.0 * ROW_PITCH - ROW_GAP);
    }

    #[test]
    fn failing_container_and_facets_and_list() {
        let nodes = app_nodes();
        let mut details = vec![NodeDetails::default(); 4];
        details[3].failing_container = Some(("app".into(), "CrashLoopBackOff".into()));
        let views = node_views(&nodes, &details);
        assert_eq!(
            views[3].failing_container,
            Some(FailingContainer {
                name: "app".into(),
                reason: "CrashLoopBackOff".into()
            })
        );
        assert_eq!(views[2].failing_container, None);
        assert_eq!(views[3].icon, "pod");
        let f = facets(&views);
        assert_eq!(f.kinds["Pod"], 2);
        assert!(f.health.contains(&(HealthStatus::Degraded, 3)));
        assert_eq!(f.sync, [(SyncStatus::Synced, 2)]);
        let rows = list_view(&nodes, &views, &Filter::default());
        let kinds: Vec<&str> = rows.iter().map(|r| r.view.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "Service",
                "EndpointSlice",
                "Pod",
                "Pod",
                "ReplicaSet",
                "Deployment"
            ]
        );
        assert_eq!(rows[2].parents, ["apps/ReplicaSet/default/web-abc"]);
        // Nodes past the details' end have none.
        assert_eq!(views[5].failing_container, None);
    }

    #[test]
    fn replica_sets_show_the_newest_revision_first() {
        use HealthStatus::*;
        let nodes = vec![
            node("Deployment", "web", &[], Healthy),
            node("ReplicaSet", "web-aaa", &[0], Healthy),
            node("ReplicaSet", "web-zzz", &[0], Healthy),
            node("ReplicaSet", "web-mmm", &[0], Healthy),
        ];
        let revisions = [None, Some(1), Some(3), Some(2)];
        let details: Vec<NodeDetails> = revisions
            .into_iter()
            .map(|revision| NodeDetails {
                revision,
                ..NodeDetails::default()
            })
            .collect();
        let views = node_views(&nodes, &details);
        let l = layout(
            &AppRoot::default(),
            &nodes,
            &views,
            &LayoutOptions::default(),
        );
        let replica_sets: Vec<&str> = l
            .nodes
            .iter()
            .filter(|p| p.view.kind == "ReplicaSet")
            .map(|p| p.view.name.as_str())
            .collect();
        assert_eq!(replica_sets, ["web-zzz", "web-mmm", "web-aaa"]);
        // Without revisions, by name.
        let l = lay(&nodes, &LayoutOptions::default());
        let by_name: Vec<&str> = l
            .nodes
            .iter()
            .filter(|p| p.view.kind == "ReplicaSet")
            .map(|p| p.view.name.as_str())
            .collect();
        assert_eq!(by_name, ["web-aaa", "web-mmm", "web-zzz"]);
    }
}
