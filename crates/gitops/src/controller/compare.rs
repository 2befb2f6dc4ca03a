//! Comparison of an app's desired objects with the live cluster (spec 37-39, 46, 20-24):
//! per-resource sync status, diffs, and health.

use crate::app::Application;
use crate::diff::{self, ResourceDiff};
use crate::health::app::{app_health, ManagedResource};
use crate::health::{Assessor, Health, HealthStatus};
use crate::hook::{annotation, is_hook, is_ignored, is_skip};
use crate::repo_server::SourceType;
use crate::tree::ResourceKey;
use kubeplay_cluster::Cluster;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub const ANNOTATION_TRACKING_ID: &str = "argocd.argoproj.io/tracking-id";
pub const ANNOTATION_COMPARE_OPTIONS: &str = "argocd.argoproj.io/compare-options";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    Synced,
    OutOfSync,
    Unknown,
}

impl SyncStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncStatus::Synced => "Synced",
            SyncStatus::OutOfSync => "OutOfSync",
            SyncStatus::Unknown => "Unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    ComparisonError,
    InvalidSpecError,
    SyncError,
    RepeatedResourceWarning,
}

impl ConditionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKind::ComparisonError => "ComparisonError",
            ConditionKind::InvalidSpecError => "InvalidSpecError",
            ConditionKind::SyncError => "SyncError",
            ConditionKind::RepeatedResourceWarning => "RepeatedResourceWarning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub kind: ConditionKind,
    pub message: String,
}

/// One managed resource as the app's resource list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceStatus {
    pub key: ResourceKey,
    pub api_version: String,
    pub status: SyncStatus,
    pub health: Option<Health>,
    /// Live, not desired, tracked by this app (39).
    pub requires_pruning: bool,
    pub diff: ResourceDiff,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The commit compared against (None when the source could not be rendered).
    pub revision: Option<String>,
    pub source_type: Option<SourceType>,
    pub sync_status: SyncStatus,
    pub health: Health,
    pub resources: Vec<ResourceStatus>,
    /// Desired objects as they will be applied (namespace and tracking set), hooks included.
    pub targets: Vec<Value>,
    /// Live objects tracked by the app.
    pub live: Vec<Value>,
    pub conditions: Vec<Condition>,
}

impl Comparison {
    pub fn resource(&self, key: &ResourceKey) -> Option<&ResourceStatus> {
        self.resources.iter().find(|r| &r.key == key)
    }

    /// The first resource of that name (handy when names are unique).
    pub fn resource_named(&self, name: &str) -> Option<&ResourceStatus> {
        self.resources.iter().find(|r| r.key.name == name)
    }
}

/// Diffs of the last comparison, reused while neither side changed: the same desired
/// object, the same live uid and resourceVersion, the same ignore rules. Like Argo CD's
/// cluster cache, this keeps a steady app cheap to re-compare; status (which does not bump
/// resourceVersion for pods here) is never part of a diff (30).
#[derive(Debug, Clone, Default)]
pub struct DiffCache {
    entries: HashMap<ResourceKey, (Option<Value>, String, ResourceDiff)>,
    ignore: Vec<crate::app::IgnoreDifference>,
}

fn live_version(live: Option<&Value>) -> String {
    let Some(l) = live else { return String::new() };
    let m = |f: &str| l.pointer(f).and_then(Value::as_str).unwrap_or("");
    format!("{}/{}", m("/metadata/uid"), m("/metadata/resourceVersion"))
}

/// Kinds the simulated API serves; live objects are listed from these and the desired kinds.
pub const LISTED_KINDS: [&str; 15] = [
    "Namespace",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "PersistentVolumeClaim",
    "Service",
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "EndpointSlice",
    "Endpoints",
];

/// Kinds without a namespace (46 gives the others the destination namespace).
pub fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "StorageClass"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "APIService"
            | "IngressClass"
            | "PriorityClass"
            | "RuntimeClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
    )
}

/// `<app>:<group>/<Kind>:<namespace>/<name>` (39).
pub fn tracking_id(app: &str, key: &ResourceKey) -> String {
    format!(
        "{app}:{}/{}:{}/{}",
        key.group, key.kind, key.namespace, key.name
    )
}

pub fn is_tracked_by(obj: &Value, app: &str) -> bool {
    annotation(obj, ANNOTATION_TRACKING_ID)
        .is_some_and(|t| t.split_once(':').is_some_and(|(a, _)| a == app))
}

/// Rendered objects made ready to compare and apply: destination namespace (46), the
/// tracking annotation (39); nameless non-hooks and duplicates become conditions.
pub fn prepare_targets(
    app: &Application,
    rendered: Vec<Value>,
    conditions: &mut Vec<Condition>,
) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut seen: BTreeMap<ResourceKey, usize> = BTreeMap::new();
    let mut counts: BTreeMap<ResourceKey, usize> = BTreeMap::new();
    for (i, mut obj) in rendered.into_iter().enumerate() {
        if !obj.get("metadata").is_some_and(Value::is_object) {
            obj["metadata"] = json!({});
        }
        let kind = obj
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if kind.is_empty()
            || obj
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
        {
            conditions.push(Condition {
                kind: ConditionKind::InvalidSpecError,
                message: format!("object #{} has no apiVersion or kind", i + 1),
            });
            continue;
        }
        let ns_empty = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty();
        if ns_empty && !cluster_scoped(&kind) && !app.destination.namespace.is_empty() {
            obj["metadata"]["namespace"] = json!(app.destination.namespace);
        }
        let key = ResourceKey::of(&obj);
        let hook = is_hook(&obj);
        if key.name.is_empty() && !hook {
            conditions.push(Condition {
                kind: ConditionKind::InvalidSpecError,
                message: format!("{kind} #{}: resource name may not be empty", i + 1),
            });
            continue;
        }
        if !hook {
            let id = tracking_id(&app.name, &key);
            let meta = obj["metadata"].as_object_mut().expect("metadata set above");
            let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
            if !annotations.is_object() {
                *annotations = json!({});
            }
            annotations[ANNOTATION_TRACKING_ID] = json!(id);
        }
        if hook {
            out.push(obj);
            continue;
        }
        *counts.entry(key.clone()).or_default() += 1;
        // The later duplicate wins, as in Argo CD's dedup of target objects.
        match seen.get(&key) {
            Some(&at) => out[at] = obj,
            None => {
                seen.insert(key, out.len());
                out.push(obj);
            }
        }
    }
    for (key, n) in counts.into_iter().filter(|(_, n)| *n > 1) {
        conditions.push(Condition {
            kind: ConditionKind::RepeatedResourceWarning,
            message: format!(
                "Resource {}/{}/{}/{} appeared {n} times among application resources.",
                key.group, key.kind, key.namespace, key.name
            ),
        });
    }
    out
}

/// Live objects tracked by `app`, from the listed kinds and the kinds of `targets`.
pub fn tracked_live(
    cluster: &Cluster,
    apps: &super::AppObjects,
    app: &str,
    targets: &[Value],
) -> Vec<Value> {
    let mut kinds: Vec<String> = LISTED_KINDS.iter().map(|k| k.to_string()).collect();
    for t in targets {
        if let Some(k) = t.get("kind").and_then(Value::as_str) {
            if !kinds.iter().any(|x| x == k) {
                kinds.push(k.to_string());
            }
        }
    }
    let mut out = Vec::new();
    for k in &kinds {
        // Filtered on the stored metadata: only tracked pods get their status built.
        out.extend(cluster.list_filtered(k, |o| is_tracked_by(o, app)));
    }
    out.extend(
        apps.objects
            .values()
            .filter(|o| is_tracked_by(o, app))
            .cloned(),
    );
    out
}

/// What the repo server rendered, prepared for comparison.
pub struct Desired {
    pub revision: String,
    pub source_type: SourceType,
    pub targets: Vec<Value>,
    pub conditions: Vec<Condition>,
}

/// Compares prepared targets with the cluster.
pub fn compare(
    app: &Application,
    desired: Desired,
    cluster: &Cluster,
    apps: &super::AppObjects,
    assessor: &Assessor,
    mut cache: Option<&mut DiffCache>,
) -> Comparison {
    if let Some(c) = cache.as_deref_mut() {
        if c.ignore != app.ignore_differences {
            c.entries.clear();
            c.ignore = app.ignore_differences.clone();
        }
    }
    let Desired {
        revision,
        source_type,
        targets,
        mut conditions,
    } = desired;
    let live_objects = tracked_live(cluster, apps, &app.name, &targets);
    let mut live_by_key: BTreeMap<ResourceKey, &Value> = BTreeMap::new();
    for l in &live_objects {
        live_by_key.insert(ResourceKey::of(l), l);
    }
    // Desired objects (not hooks, not ignored, not Skip) with their live counterparts.
    let mut pairs: Vec<(Option<&Value>, Option<&Value>)> = Vec::new();
    let mut desired_keys: std::collections::HashSet<ResourceKey> = std::collections::HashSet::new();
    for t in &targets {
        if is_hook(t) || is_ignored(t) || is_skip(t) {
            continue;
        }
        let key = ResourceKey::of(t);
        if cluster_scoped(&key.kind) {
            // The live copy has no namespace; look it up without one.
            let k = ResourceKey {
                namespace: String::new(),
                ..key.clone()
            };
            pairs.push((Some(t), live_by_key.get(&k).copied()));
            desired_keys.insert(k);
        } else {
            pairs.push((Some(t), live_by_key.get(&key).copied()));
            desired_keys.insert(key);
        }
    }
    for (k, l) in &live_by_key {
        if !desired_keys.contains(k) && !is_hook(l) {
            pairs.push((None, Some(l)));
        }
    }
    let managed: Vec<ManagedResource<'_>> = pairs
        .iter()
        .map(|(d, l)| {
            let obj = d.or(*l).expect("one side is present");
            ManagedResource {
                group: obj
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .and_then(|v| v.split_once('/'))
                    .map_or("", |(g, _)| g),
                kind: obj.get("kind").and_then(Value::as_str).unwrap_or(""),
                namespace: obj
                    .pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                name: obj
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                desired: *d,
                live: *l,
            }
        })
        .collect();
    let health = app_health(assessor, &managed, Some((&app.namespace, &app.name)));
    let mut app_status = SyncStatus::Synced;
    let mut resources = Vec::with_capacity(pairs.len());
    for (i, (d, l)) in pairs.iter().enumerate() {
        let version = live_version(*l);
        let cached = cache.as_deref().and_then(|c| {
            let obj = d.or(*l).expect("one side is present");
            c.entries
                .get(&ResourceKey::of(obj))
                .filter(|(desired, v, _)| desired.as_ref() == d.as_deref() && *v == version)
                .map(|(_, _, rd)| rd.clone())
        });
        let rd = match cached {
            Some(rd) => rd,
            None => {
                let rd = diff::diff(*d, *l, &app.ignore_differences);
                if let Some(c) = cache.as_deref_mut() {
                    let obj = d.or(*l).expect("one side is present");
                    c.entries
                        .insert(ResourceKey::of(obj), (d.cloned(), version, rd.clone()));
                }
                rd
            }
        };
        let requires_pruning = d.is_none();
        let status = if rd.modified || requires_pruning {
            SyncStatus::OutOfSync
        } else {
            SyncStatus::Synced
        };
        let extraneous_ok = requires_pruning
            && l.and_then(|l| annotation(l, ANNOTATION_COMPARE_OPTIONS))
                .is_some_and(|o| o.split(',').any(|w| w.trim() == "IgnoreExtraneous"));
        if status == SyncStatus::OutOfSync && !extraneous_ok {
            app_status = SyncStatus::OutOfSync;
        }
        let obj = d.or(*l).expect("one side is present");
        resources.push(ResourceStatus {
            key: rd.key.clone(),
            api_version: obj
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            status,
            health: health.resources[i].clone(),
            requires_pruning,
            diff: rd,
        });
    }
    conditions.retain(|c| c.kind != ConditionKind::ComparisonError);
    Comparison {
        revision: Some(revision),
        source_type: Some(source_type),
        sync_status: app_status,
        health: health.health,
        resources,
        targets,
        live: live_objects,
        conditions,
    }
}

/// When the source cannot be rendered: every tracked live resource and the app are
/// Unknown, with the renderer's message as a ComparisonError condition (38).
pub fn comparison_error(
    app: &Application,
    message: &str,
    cluster: &Cluster,
    apps: &super::AppObjects,
    assessor: &Assessor,
) -> Comparison {
    let live = tracked_live(cluster, apps, &app.name, &[]);
    let resources = live
        .iter()
        .map(|l| ResourceStatus {
            key: ResourceKey::of(l),
            api_version: l
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            status: SyncStatus::Unknown,
            health: assessor.assess(l),
            requires_pruning: false,
            diff: diff::diff(None, Some(l), &[]),
        })
        .collect();
    Comparison {
        revision: None,
        source_type: None,
        sync_status: SyncStatus::Unknown,
        health: Health::new(HealthStatus::Unknown, ""),
        resources,
        targets: Vec::new(),
        live,
        conditions: vec![Condition {
            kind: ConditionKind::ComparisonError,
            message: format!("Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = {message}"),
        }],
    }
}
