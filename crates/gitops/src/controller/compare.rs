//! Comparison of an app's desired objects with the live cluster (spec 37-39, 46, 20-24):
//! per-resource sync status, diffs, and health.

use super::live_state::{LiveEntry, LiveState};
use crate::app::{Application, IgnoreDifference};
use crate::diff::{self, PreparedDesired, ResourceDiff};
use crate::health::app::{app_health, ManagedResource};
use crate::health::{Assessor, Health, HealthStatus};
use crate::hook::{annotation, is_hook, is_ignored, is_skip};
use crate::repo_server::{Manifests, SourceType};
use crate::tree::ResourceKey;
use kubeplay_cluster::Cluster;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

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
    /// Shared with the controller's cache: one render is prepared once.
    pub targets: Vec<Arc<Value>>,
    /// Live objects tracked by the app, shared with the controller's cache.
    pub live: Vec<Arc<Value>>,
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

/// What one app's comparisons keep from one round to the next, like Argo CD's controller:
/// the last render prepared for comparing (targets with their namespace and tracking, each
/// normalised), live objects normalised once per change (by uid and resourceVersion, as
/// its cluster cache holds them), and what each resource's last diff was computed from.
/// A refresh someone asked for still compares every resource (Argo's diff cache is off
/// then); other re-comparisons reuse the diff of a resource whose two sides did not change.
#[derive(Debug, Clone, Default)]
pub struct CompareCache {
    ignore: Vec<IgnoreDifference>,
    prepared: Option<PreparedRender>,
    live: LiveState,
    /// Per resource: the prepared desired side and live version its last diff used.
    diffed: HashMap<ResourceKey, (Option<Arc<PreparedDesired>>, Option<String>)>,
}

/// A render made ready to compare.
#[derive(Debug, Clone)]
struct PreparedRender {
    /// The repo server's answer it came from (the same allocation while the cache hits).
    manifests: Arc<Manifests>,
    targets: Vec<Target>,
    conditions: Vec<Condition>,
    /// The kinds to watch: the simulated API's and the targets'.
    kinds: Vec<String>,
}

/// One prepared desired object.
#[derive(Debug, Clone)]
struct Target {
    obj: Arc<Value>,
    key: ResourceKey,
    /// Not compared: a hook, ignored, or Skip.
    excluded: bool,
    /// Normalised; None when it depends on the live object (managedFields rules).
    prepared: Option<Arc<PreparedDesired>>,
}

impl CompareCache {
    /// Forgets everything prepared with other ignore rules.
    fn use_rules(&mut self, ignore: &[IgnoreDifference]) {
        if self.ignore != ignore {
            *self = CompareCache {
                ignore: ignore.to_vec(),
                ..CompareCache::default()
            };
        }
    }

    /// The render's targets and conditions, prepared once per repo server answer.
    fn prepare(&mut self, app: &Application, manifests: &Arc<Manifests>) {
        self.use_rules(&app.ignore_differences);
        let fresh = self
            .prepared
            .as_ref()
            .is_none_or(|p| !Arc::ptr_eq(&p.manifests, manifests));
        if fresh {
            let mut conditions = Vec::new();
            let objects = prepare_targets(app, manifests.objects.clone(), &mut conditions);
            let ignore = &app.ignore_differences;
            let targets = objects
                .into_iter()
                .map(|obj| {
                    let key = ResourceKey::of(&obj);
                    let excluded = is_hook(&obj) || is_ignored(&obj) || is_skip(&obj);
                    let prepared = (!excluded && !diff::depends_on_live(&key, ignore))
                        .then(|| Arc::new(PreparedDesired::new(&obj, &key, ignore, None)));
                    Target {
                        obj: Arc::new(obj),
                        key,
                        excluded,
                        prepared,
                    }
                })
                .collect::<Vec<Target>>();
            let mut kinds: Vec<String> = LISTED_KINDS.iter().map(|k| k.to_string()).collect();
            for k in targets
                .iter()
                .filter_map(|t| t.obj.get("kind").and_then(Value::as_str))
            {
                if !kinds.iter().any(|x| x == k) {
                    kinds.push(k.to_string());
                }
            }
            self.prepared = Some(PreparedRender {
                manifests: manifests.clone(),
                targets,
                conditions,
                kinds,
            });
        }
    }
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

/// Live objects tracked by `app`, from the listed kinds and `target_kinds`.
pub fn tracked_live<'a>(
    cluster: &Cluster,
    apps: &super::AppObjects,
    app: &str,
    target_kinds: impl IntoIterator<Item = &'a str>,
) -> Vec<Value> {
    let mut kinds: Vec<&str> = LISTED_KINDS.to_vec();
    for k in target_kinds {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    let mut out = Vec::new();
    for k in kinds {
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

/// Compares what the repo server rendered with the cluster. `previous` is the app's last
/// comparison: for a re-comparison no one asked for (`reuse_diffs`), a resource whose two
/// sides did not change keeps its diff from there.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    app: &Application,
    manifests: &Arc<Manifests>,
    cluster: &Cluster,
    apps: &super::AppObjects,
    assessor: &Assessor,
    cache: &mut CompareCache,
    previous: Option<Comparison>,
    reuse_diffs: bool,
) -> Comparison {
    cache.prepare(app, manifests);
    let prepared = cache.prepared.take().expect("prepared above");
    let mut last_diffs: HashMap<ResourceKey, ResourceDiff> = match previous {
        Some(p) if reuse_diffs => p
            .resources
            .into_iter()
            .map(|r| (r.diff.key.clone(), r.diff))
            .collect(),
        _ => HashMap::new(),
    };
    cache.live.update(
        cluster,
        apps,
        &app.name,
        prepared.kinds.clone(),
        &app.ignore_differences,
    );
    let live_entries = &cache.live;
    // Desired objects (not hooks, not ignored, not Skip) with their live counterparts.
    struct Pair<'a> {
        key: &'a ResourceKey,
        target: Option<&'a Target>,
        live: Option<&'a LiveEntry>,
    }
    let mut pairs: Vec<Pair<'_>> = Vec::with_capacity(prepared.targets.len());
    let mut desired_keys: HashSet<ResourceKey> = HashSet::with_capacity(prepared.targets.len());
    for t in prepared.targets.iter().filter(|t| !t.excluded) {
        let key = if cluster_scoped(&t.key.kind) {
            // The live copy has no namespace; look it up without one.
            ResourceKey {
                namespace: String::new(),
                ..t.key.clone()
            }
        } else {
            t.key.clone()
        };
        let live = live_entries.get(&key);
        desired_keys.insert(key);
        pairs.push(Pair {
            key: &t.key,
            target: Some(t),
            live,
        });
    }
    let mut extraneous: Vec<(&ResourceKey, &LiveEntry)> = live_entries
        .ordered()
        .filter(|(k, l)| !desired_keys.contains(*k) && !is_hook(&l.obj))
        .collect();
    extraneous.sort_by(|a, b| a.0.cmp(b.0));
    extraneous.dedup_by(|a, b| a.0 == b.0);
    pairs.extend(extraneous.into_iter().map(|(key, l)| Pair {
        key,
        target: None,
        live: Some(l),
    }));
    let managed: Vec<ManagedResource<'_>> = pairs
        .iter()
        .map(|p| {
            let obj: &Value = p
                .target
                .map(|t| &*t.obj)
                .or(p.live.map(|l| &*l.obj))
                .expect("one side is present");
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
                desired: p.target.map(|t| &*t.obj),
                live: p.live.map(|l| &*l.obj),
            }
        })
        .collect();
    let health = app_health(assessor, &managed, Some((&app.namespace, &app.name)));
    let mut last_inputs = std::mem::take(&mut cache.diffed);
    let mut diffed = HashMap::with_capacity(pairs.len());
    let mut app_status = SyncStatus::Synced;
    let mut resources = Vec::with_capacity(pairs.len());
    for (i, p) in pairs.iter().enumerate() {
        let key = p.key;
        let live_version = p.live.and_then(|l| l.version.clone());
        let desired_side: Option<Arc<PreparedDesired>> = p.target.map(|t| match &t.prepared {
            Some(d) => d.clone(),
            None => Arc::new(PreparedDesired::new(
                &t.obj,
                &t.key,
                &app.ignore_differences,
                p.live.map(|l| &*l.obj),
            )),
        });
        let unchanged = last_inputs.remove(key).is_some_and(|(d, v)| {
            v.is_some()
                && v == live_version
                && match (&d, &desired_side) {
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                    (None, None) => true,
                    _ => false,
                }
        });
        let rd = if unchanged {
            last_diffs.remove(key)
        } else {
            None
        };
        let rd = rd.unwrap_or_else(|| {
            diff::diff_prepared(
                key.clone(),
                desired_side.as_deref(),
                p.live.map(|l| &*l.prepared),
            )
        });
        diffed.insert(key.clone(), (desired_side, live_version));
        let requires_pruning = p.target.is_none();
        let status = if rd.modified || requires_pruning {
            SyncStatus::OutOfSync
        } else {
            SyncStatus::Synced
        };
        let extraneous_ok = requires_pruning
            && p.live
                .and_then(|l| annotation(&l.obj, ANNOTATION_COMPARE_OPTIONS))
                .is_some_and(|o| o.split(',').any(|w| w.trim() == "IgnoreExtraneous"));
        if status == SyncStatus::OutOfSync && !extraneous_ok {
            app_status = SyncStatus::OutOfSync;
        }
        resources.push(ResourceStatus {
            key: rd.key.clone(),
            api_version: managed[i]
                .desired
                .or(managed[i].live)
                .and_then(|o| o.get("apiVersion"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            status,
            health: health.resources[i].clone(),
            requires_pruning,
            diff: rd,
        });
    }
    cache.diffed = diffed;
    let mut conditions = prepared.conditions.clone();
    conditions.retain(|c| c.kind != ConditionKind::ComparisonError);
    let targets = prepared.targets.iter().map(|t| t.obj.clone()).collect();
    cache.prepared = Some(prepared);
    Comparison {
        revision: Some(manifests.revision.clone()),
        source_type: Some(manifests.source_type),
        sync_status: app_status,
        health: health.health,
        resources,
        targets,
        live: live_entries.ordered().map(|(_, l)| l.obj.clone()).collect(),
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
    let live = tracked_live(cluster, apps, &app.name, std::iter::empty());
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
        live: live.into_iter().map(Arc::new).collect(),
        conditions: vec![Condition {
            kind: ConditionKind::ComparisonError,
            message: format!("Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = {message}"),
        }],
    }
}
