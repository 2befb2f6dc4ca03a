//! The selected node's details panel (only the open tab is computed) and the whole-app diff
//! of the Sync dialog.

use super::command::DetailsTab;
use super::snapshot::{AppDiff, AppDiffResource, EventRow, NodeDetails, NodeDiff, TabContent};
use super::tree::{health_name, sync_name, AppTree};
use kubeplay_cluster::events::EventType;
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::controller::compare::ResourceStatus;
use kubeplay_gitops::controller::AppState;
use kubeplay_gitops::tree::ResourceKey;
use kubeplay_views::diff_view::{self, DiffMode, DiffRows, ResourceDiffView};
use kubeplay_views::tree_layout::{self, APP_ID};
use kubeplay_views::{pod_lifecycle, probe_timeline};
use serde_json::Value;
use std::collections::BTreeSet;

/// Rows of one open resource in the whole-app diff, at most (the page draws them a page at
/// a time); the rest is summed up in counts.
pub const MAX_APP_DIFF_ROWS: usize = 2_000;
/// A whole-app diff of this many resources or fewer shows every resource's lines at once.
pub const APP_DIFF_ALL_OPEN: usize = 3;

/// `group/Kind/namespace/name` back to its parts (None for the Application node or junk).
pub fn key_of(id: &str) -> Option<ResourceKey> {
    let mut parts = id.splitn(4, '/');
    let (group, kind, namespace, name) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (!kind.is_empty() && !name.is_empty()).then(|| ResourceKey {
        group: group.to_string(),
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    })
}

pub fn status_of<'a>(state: &'a AppState, key: &ResourceKey) -> Option<&'a ResourceStatus> {
    state.comparison.as_ref()?.resource(key)
}

pub fn node_diff(status: &ResourceStatus) -> ResourceDiffView {
    diff_view::resource_diff(status)
}

pub struct DetailsInput<'a> {
    pub g: &'a GitOps,
    pub state: &'a AppState,
    pub tree: &'a AppTree,
    pub id: &'a str,
    pub tab: DetailsTab,
    pub diff_mode: DiffMode,
    pub expanded: &'a BTreeSet<usize>,
}

pub fn details(i: &DetailsInput<'_>) -> Option<NodeDetails> {
    if i.id == APP_ID {
        return Some(app_details(i));
    }
    let key = key_of(i.id)?;
    let view = i.tree.view(i.id).map(|(_, v)| v);
    let live = i.g.cluster.get(&key.kind, &key.namespace, &key.name);
    if view.is_none() && live.is_none() {
        return None;
    }
    let is_pod = key.kind == "Pod" && key.group.is_empty();
    let status = status_of(i.state, &key);
    let tab = if i.tab.pod_only() && !is_pod {
        DetailsTab::Summary
    } else {
        i.tab
    };
    let content = match tab {
        DetailsTab::Summary => TabContent::None,
        DetailsTab::LiveYaml => TabContent::Yaml(diff_view::yaml_of(live.as_ref())),
        DetailsTab::DesiredYaml => TabContent::Yaml(
            status
                .map(|s| diff_view::yaml_of(s.diff.target.as_ref()))
                .unwrap_or_default(),
        ),
        DetailsTab::Diff => match status {
            Some(s) => {
                let d = node_diff(s);
                TabContent::Diff(NodeDiff {
                    title: d.title.clone(),
                    change: d.change,
                    added: d.diff.added,
                    removed: d.diff.removed,
                    rows: d
                        .diff
                        .rows(i.diff_mode, diff_view::DEFAULT_CONTEXT, i.expanded),
                })
            }
            None => TabContent::None,
        },
        DetailsTab::Events => TabContent::Events(events_of(i.g, &key)),
        DetailsTab::Timeline => {
            let start =
                i.g.cluster
                    .history()
                    .iter()
                    .find(|s| s.namespace == key.namespace && s.name == key.name)
                    .map_or(0, |s| s.at);
            TabContent::Timeline(probe_timeline::probe_timeline(
                &i.g.cluster,
                &key.namespace,
                &key.name,
                start,
                i.g.now().max(start + 1),
            ))
        }
        DetailsTab::Lifecycle => match &live {
            Some(p) => {
                TabContent::Lifecycle(pod_lifecycle::pod_lifecycle(p, i.g.cluster.history()))
            }
            None => TabContent::None,
        },
    };
    let replicas = matches!(
        key.kind.as_str(),
        "Deployment" | "StatefulSet" | "ReplicaSet"
    )
    .then(|| live.as_ref()?.pointer("/spec/replicas")?.as_i64())
    .flatten();
    Some(NodeDetails {
        id: i.id.to_string(),
        kind: key.kind.clone(),
        namespace: key.namespace.clone(),
        name: key.name.clone(),
        health: view.map(|v| health_name(v.health)).unwrap_or_default(),
        health_message: view.map(|v| v.health_message.clone()).unwrap_or_default(),
        sync: view.map(|v| sync_name(v.sync)).unwrap_or_default(),
        info: view.map(|v| v.info.clone()).unwrap_or_default(),
        is_pod,
        replicas,
        live: live.is_some(),
        content,
    })
}

fn app_details(i: &DetailsInput<'_>) -> NodeDetails {
    let s = i.state;
    let content = match i.tab {
        DetailsTab::LiveYaml | DetailsTab::DesiredYaml => {
            TabContent::Yaml(diff_view::yaml_of(Some(&s.app.manifest)))
        }
        DetailsTab::Events => TabContent::Events(
            s.events
                .iter()
                .rev()
                .map(|(at, m)| EventRow {
                    at: *at,
                    kind: "Normal".into(),
                    reason: "Application".into(),
                    message: m.clone(),
                    source: "argocd-application-controller".into(),
                    count: 1,
                })
                .collect(),
        ),
        _ => TabContent::None,
    };
    let health = s.comparison.as_ref().map(|c| c.health.clone());
    NodeDetails {
        id: APP_ID.to_string(),
        kind: "Application".into(),
        namespace: s.app.namespace.clone(),
        name: s.app.name.clone(),
        health: health
            .as_ref()
            .map(|h| h.status.as_str().to_string())
            .unwrap_or_default(),
        health_message: health.map(|h| h.message).unwrap_or_default(),
        sync: s.sync_status().as_str().to_string(),
        info: vec![
            ("Repository".into(), s.app.source.repo_url.clone()),
            ("Path".into(), s.app.source.path.clone()),
            ("Destination".into(), s.app.destination.namespace.clone()),
        ],
        is_pod: false,
        replicas: None,
        live: false,
        content,
    }
}

/// The object's events, newest first (as `kubectl describe` lists them, reversed).
fn events_of(g: &GitOps, key: &ResourceKey) -> Vec<EventRow> {
    let mut rows: Vec<EventRow> = g
        .cluster
        .events()
        .all()
        .iter()
        .filter(|e| {
            e.involved.kind == key.kind
                && e.involved.name == key.name
                && (e.involved.namespace == key.namespace || key.namespace.is_empty())
        })
        .map(|e| EventRow {
            at: e.last,
            kind: match e.event_type {
                EventType::Normal => "Normal".into(),
                EventType::Warning => "Warning".into(),
            },
            reason: e.reason.clone(),
            message: e.message.clone(),
            source: e.component.clone(),
            count: e.count,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.at));
    rows
}

/// The whole-app diff before a sync: every resource that would change, compact. Only the
/// resources in `open` carry their lines (all of them when there are at most
/// [`APP_DIFF_ALL_OPEN`]), so a large app's diff crosses to the page as a list of titles.
pub fn app_diff(state: &AppState, open: &BTreeSet<String>) -> Option<AppDiff> {
    let cmp = state.comparison.as_ref()?;
    let diffs = diff_view::app_diff(cmp, false);
    let summary = diff_view::summary(&diffs);
    let none = BTreeSet::new();
    let all_open = diffs.len() <= APP_DIFF_ALL_OPEN;
    let resources = diffs
        .iter()
        .map(|d| {
            let id = tree_layout::node_id(&d.key.group, &d.key.kind, &d.key.namespace, &d.key.name);
            let is_open = all_open || open.contains(&id);
            let rows = match is_open.then(|| d.diff.rows(DiffMode::Inline, 2, &none)) {
                Some(DiffRows::Inline(mut r)) => {
                    r.truncate(MAX_APP_DIFF_ROWS);
                    DiffRows::Inline(r)
                }
                Some(other) => other,
                None => DiffRows::Inline(Vec::new()),
            };
            AppDiffResource {
                id,
                title: d.title.clone(),
                change: d.change,
                sync: d.sync.as_str().to_string(),
                added: d.diff.added,
                removed: d.diff.removed,
                open: is_open,
                rows,
            }
        })
        .collect();
    Some(AppDiff { summary, resources })
}

/// The live object of a node, for the drift actions.
pub fn live_object(g: &GitOps, id: &str) -> Result<(ResourceKey, Value), String> {
    let key = key_of(id).ok_or_else(|| format!("{id:?} is not a resource"))?;
    let obj = g
        .cluster
        .get(&key.kind, &key.namespace, &key.name)
        .ok_or_else(|| format!("{} {} is not in the cluster", key.kind, key.name))?;
    Ok((key, obj))
}
