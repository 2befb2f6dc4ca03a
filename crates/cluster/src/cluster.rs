//! The cluster: API store, scheduler, kubelets and the EndpointSlice controller on one virtual
//! clock. `apply`/`delete` are the API; `step`/`run_until` advance time; `history` and the
//! store are what observers read.

use crate::behaviour::annotation::{Overrides, ANNOTATION};
use crate::clock::{rfc3339, Millis, SECOND};
use crate::defaults::default_pod;
use crate::error::{ApiError, FieldError, FieldErrorKind, SimError};
use crate::events::{EventLog, EventType, ObjectRef};
use crate::kubelet::config::ConfigIndex;
use crate::kubelet::probe_log::{ProbeLog, ProbeRecord};
use crate::kubelet::status::StateView;
use crate::kubelet::{Ctx, Phase, PodId, PodRuntime, Task};
use crate::limits::{
    MAX_HISTORY, MAX_NODES, MAX_OBJECTS, MAX_PODS_PER_NODE, MAX_PROCESSED_TASKS, MAX_VIRTUAL_TIME,
};
use crate::podspec::PodSpec;
use crate::queue::EventQueue;
use crate::resources::{custom_kind, Catalogue, CustomKind};
use crate::rng::Rng;
use crate::scheduler::{self, Node};
use crate::service::{default_service, endpoint_slice, endpoints, validate_service};
use crate::store::{Change, Key, Store};
use crate::validation::{decode_check_pod, validate_metadata, validate_pod};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

mod controllers;
mod cronjobs;
mod dry_run;
mod finalizers;
mod sets;

pub use cronjobs::validate_cronjob;

#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Seeds every random choice (UIDs, container IDs, probe jitter): same seed, same timeline.
    pub seed: u64,
    pub nodes: usize,
    /// When the kubelets started, in ms relative to virtual time 0 (negative: before). Probe
    /// workers of pods admitted within one period of it start with random jitter (spec 13).
    pub kubelet_started_at: i64,
    /// Tasks the simulation may execute before it stops with [`SimError::TooManySteps`].
    pub max_steps: u64,
    /// Each node's allocatable CPU in millicores (default 4000).
    pub node_cpu_millis: i64,
    /// Each node's allocatable memory in bytes (default 8 GiB).
    pub node_memory_bytes: i64,
    /// Pods per node (default 110, the kubelet's maxPods).
    pub node_max_pods: usize,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            seed: 1,
            nodes: 3,
            // Kubelets have been up for an hour: no start-up jitter, like a long-lived cluster.
            kubelet_started_at: -3_600_000,
            max_steps: MAX_PROCESSED_TASKS,
            node_cpu_millis: 4000,
            node_memory_bytes: 8 << 30,
            node_max_pods: 110,
        }
    }
}

/// One observation of a pod, recorded whenever its status changes.
#[derive(Debug, Clone, PartialEq)]
pub struct PodSnapshot {
    pub at: Millis,
    pub namespace: String,
    pub name: String,
    /// The pod's uid: a pod deleted and created again with the same name is another pod.
    pub uid: String,
    pub phase: Phase,
    pub ready: bool,
    pub deleting: bool,
    /// The object was removed from the API at `at`.
    pub gone: bool,
    pub containers: Vec<ContainerSnapshot>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerSnapshot {
    pub name: String,
    pub restart_count: u32,
    pub ready: bool,
    pub started: bool,
    /// startedAt of the running instance (ms, not truncated).
    pub running_since: Option<Millis>,
    /// When the last instance that ended ended (finishedAt, ms, not truncated).
    pub terminated_at: Option<Millis>,
    /// The waiting reason the API shows now (CrashLoopBackOff, ContainerCreating, ...).
    pub waiting_reason: Option<String>,
}

/// What `apply` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// `pod/name created`, `service/name unchanged` ... like kubectl apply.
    pub summary: String,
    pub warning: Option<String>,
}

const NAMESPACED_STORED: [(&str, &str); 4] = [
    ("ConfigMap", "v1"),
    ("Secret", "v1"),
    ("ServiceAccount", "v1"),
    ("PersistentVolumeClaim", "v1"),
];

pub struct Cluster {
    cfg: ClusterConfig,
    now: Millis,
    queue: EventQueue<(PodId, Task)>,
    store: Store,
    events: EventLog,
    rng: Rng,
    nodes: Vec<Node>,
    pods: Vec<PodRuntime>,
    pod_ids: BTreeMap<(String, String), PodId>,
    namespaces: BTreeSet<String>,
    /// Service (namespace, name) -> EndpointSlice name.
    slices: BTreeMap<(String, String), String>,
    history: Vec<PodSnapshot>,
    processed: u64,
    next_service_ip: u32,
    /// A Deployment or ReplicaSet exists: the controllers must run.
    has_workloads: bool,
    /// ConfigMaps and Secrets, for the kubelets.
    config: ConfigIndex,
    /// Pods the scheduler could not place yet, oldest first.
    unscheduled: Vec<(String, String)>,
    /// What each bound, unfinished pod requests of its node.
    booked: BTreeMap<PodId, scheduler::Resources>,
    /// A pod finished or went: unscheduled pods get another attempt.
    capacity_freed: bool,
    /// Times a controller asked to be woken at (Job back-off).
    wakeups: BTreeSet<Millis>,
    /// Job uid -> pod failure back-off.
    job_backoff: BTreeMap<String, controllers::JobBackoff>,
    /// The controllers have seen every store change up to this resourceVersion.
    reconciled_rv: u64,
    /// Controller objects whose inputs changed since they last ran.
    dirty_controllers: BTreeSet<Key>,
    /// A wake-up fired: every controller runs (its reason is time, not a change).
    woken: bool,
    /// Deployment -> the instant after which its Progressing condition times out.
    progress_deadlines: BTreeMap<Key, Millis>,
    /// What the EndpointSlice controller last saw of each published pod.
    endpoint_facts: BTreeMap<PodId, EndpointFacts>,
    /// Every probe result, bounded.
    probe_log: ProbeLog,
    /// The kinds the API serves (built in, and those CustomResourceDefinitions add).
    catalogue: Catalogue,
}

/// The parts of a pod's status its Service endpoints depend on: a status change that leaves
/// them alone does not touch any EndpointSlice.
#[derive(Debug, Clone, PartialEq)]
struct EndpointFacts {
    phase: Phase,
    pod_ip: Option<std::rc::Rc<str>>,
    ready: bool,
    deleting: bool,
    gone: bool,
}

fn key(kind: &str, ns: &str, name: &str) -> Key {
    (kind.to_string(), ns.to_string(), name.to_string())
}

impl Cluster {
    pub fn new(cfg: ClusterConfig) -> Cluster {
        let allocatable = scheduler::Resources {
            cpu_milli: cfg.node_cpu_millis.max(0),
            memory: cfg.node_memory_bytes.max(0),
        };
        let nodes = (0..cfg.nodes.clamp(1, MAX_NODES))
            .map(|i| Node::with_capacity(i, allocatable, cfg.node_max_pods.min(MAX_PODS_PER_NODE)))
            .collect();
        Cluster {
            rng: Rng::new(cfg.seed),
            cfg,
            now: 0,
            queue: EventQueue::default(),
            store: Store::default(),
            events: EventLog::default(),
            nodes,
            pods: Vec::new(),
            pod_ids: BTreeMap::new(),
            namespaces: ["default", "kube-system", "kube-public", "kube-node-lease"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            slices: BTreeMap::new(),
            history: Vec::new(),
            processed: 0,
            next_service_ip: 10,
            has_workloads: false,
            config: ConfigIndex::default(),
            unscheduled: Vec::new(),
            booked: BTreeMap::new(),
            capacity_freed: false,
            wakeups: BTreeSet::new(),
            job_backoff: BTreeMap::new(),
            reconciled_rv: 0,
            dirty_controllers: BTreeSet::new(),
            woken: false,
            progress_deadlines: BTreeMap::new(),
            endpoint_facts: BTreeMap::new(),
            probe_log: ProbeLog::default(),
            catalogue: Catalogue::default(),
        }
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// Every pod status change so far, in time order (the most recent [`MAX_HISTORY`] at most).
    pub fn history(&self) -> &[PodSnapshot] {
        &self.history
    }

    /// Every probe result so far, successes included, in time order (the most recent
    /// [`crate::limits::MAX_PROBE_RECORDS`] at most; the oldest half goes when full).
    pub fn probe_results(&self) -> &[ProbeRecord] {
        self.probe_log.records()
    }

    /// Probe results dropped so far to keep [`Cluster::probe_results`] bounded.
    pub fn probe_results_dropped(&self) -> u64 {
        self.probe_log.dropped()
    }

    /// An object as the API would return it now.
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let k = key(kind, self.scoped(kind, namespace), name);
        self.store.get(&k).map(|obj| self.materialize(&k, obj))
    }

    /// The store-wide resourceVersion: it moves whenever any object is created, changed
    /// (spec, metadata or status, pod status included) or deleted, and only then; probe ticks
    /// that change nothing leave it alone. A cheap "did anything change?" for watchers.
    pub fn resource_version(&self) -> u64 {
        self.store.resource_version()
    }

    /// The kinds the store holds objects of (sorted; `Node` is not stored).
    pub fn kinds(&self) -> Vec<String> {
        self.store.kinds()
    }

    /// Objects of a kind, by namespace and name. `Node` lists the simulated nodes.
    pub fn list(&self, kind: &str) -> Vec<Value> {
        if kind == "Node" {
            return self.nodes.iter().map(Node::to_json).collect();
        }
        self.store
            .list(kind)
            .map(|(k, v)| self.materialize(k, v))
            .collect()
    }

    /// Objects of a kind that `keep` accepts, by namespace and name. `keep` sees the stored
    /// object: metadata and spec as `get` returns them, but a pod's `status` is not built
    /// for it (pod status becomes JSON only for the objects kept). Listing a few tracked
    /// objects among many pods thereby costs a scan of the metadata, not of every status.
    pub fn list_filtered(&self, kind: &str, mut keep: impl FnMut(&Value) -> bool) -> Vec<Value> {
        if kind == "Node" {
            return self
                .nodes
                .iter()
                .map(Node::to_json)
                .filter(|n| keep(n))
                .collect();
        }
        self.store
            .list(kind)
            .filter(|(_, v)| keep(v))
            .map(|(k, v)| self.materialize(k, v))
            .collect()
    }

    /// Objects of a kind in one namespace, by name.
    pub fn list_namespaced(&self, kind: &str, namespace: &str) -> Vec<Value> {
        if kind == "Node" {
            return Vec::new();
        }
        self.store
            .list_in(kind, namespace)
            .map(|(k, v)| self.materialize(k, v))
            .collect()
    }

    /// What changed since `resource_version` (a value of [`Cluster::resource_version`]),
    /// oldest first: every create, change (pod status included) and deletion with its new
    /// resourceVersion. None when the feed (the last [`crate::limits::MAX_CHANGES`] changes)
    /// no longer reaches back that far: list again, like a watch answered "410 Gone".
    pub fn changes_since(&self, resource_version: u64) -> Option<Vec<Change>> {
        Some(
            self.store
                .changes_since(resource_version)?
                .cloned()
                .collect(),
        )
    }

    /// Objects of `kind` in `namespace` whose controller (ownerReference with
    /// `controller: true`) has uid `owner_uid`, by name; found through an index, not a scan.
    pub fn owned(&self, kind: &str, namespace: &str, owner_uid: &str) -> Vec<Value> {
        self.store
            .owned_by(owner_uid, kind)
            .filter(|k| k.1 == namespace)
            .filter_map(|k| self.store.get(k).map(|v| self.materialize(k, v)))
            .collect()
    }

    /// Pod status lives typed in the kubelet model and becomes JSON only when someone reads
    /// it: most status changes are never looked at, and building JSON for each was the
    /// simulator's main cost.
    fn materialize(&self, k: &Key, obj: &Value) -> Value {
        let mut obj = obj.clone();
        if k.0 == "Pod" {
            if let Some(&id) = self.pod_ids.get(&(k.1.clone(), k.2.clone())) {
                let pod = &self.pods[id];
                if let Some(status) = &pod.status {
                    obj["status"] = status.to_json(pod);
                    let stored: u64 = obj["metadata"]["resourceVersion"]
                        .as_str()
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    if pod.status_rv > stored {
                        obj["metadata"]["resourceVersion"] = json!(pod.status_rv.to_string());
                    }
                }
            }
        }
        obj
    }

    /// Tasks executed so far (a measure of simulation work).
    pub fn steps(&self) -> u64 {
        self.processed
    }

    fn uid(&mut self) -> String {
        let h = self.rng.hex(32);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    /// Creates or updates an object, like `kubectl apply` against the API server.
    pub fn apply(&mut self, obj: Value) -> Result<Applied, ApiError> {
        let mut rng = std::mem::replace(&mut self.rng, Rng::new(0));
        let admitted = self.admit(obj, &mut rng);
        self.rng = rng;
        let (obj, namespaced) = admitted?;
        let kind = obj["kind"].as_str().unwrap_or("").to_string();
        let api_version = obj["apiVersion"].as_str().unwrap_or("").to_string();
        let pair = (kind.as_str(), api_version.as_str());
        match pair {
            ("Pod", "v1") => self.apply_pod(obj),
            ("Service", "v1") => self.apply_service(obj),
            ("CustomResourceDefinition", "apiextensions.k8s.io/v1") => self.apply_definition(obj),
            ("Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet", "apps/v1")
            | ("Job", "batch/v1") => {
                let mut obj = obj;
                match kind.as_str() {
                    "StatefulSet" => sets::default_statefulset(&mut obj),
                    "DaemonSet" => sets::default_daemonset(&mut obj),
                    _ => {}
                }
                let (_, _, name) = Self::names(&obj);
                let errs = controllers::validate_workload(&obj);
                if !errs.is_empty() {
                    let group = if kind == "Job" { "batch" } else { "apps" };
                    return Err(ApiError::Invalid {
                        kind: format!("{kind}.{group}"),
                        name,
                        errors: errs,
                    });
                }
                let applied = self.apply_plain(obj, true, None)?;
                self.has_workloads = true;
                self.reconcile_controllers();
                Ok(applied)
            }
            p if NAMESPACED_STORED.contains(&p) => {
                let (_, ns, name) = Self::names(&obj);
                let applied = self.apply_plain(obj, true, None)?;
                let k = key(&kind, &ns, &name);
                if kind == "PersistentVolumeClaim" {
                    self.bind_claim(&k);
                }
                if let Some(stored) = self.store.get(&k) {
                    self.config.put(stored);
                }
                Ok(applied)
            }
            ("CronJob", "batch/v1") => {
                let mut obj = obj;
                cronjobs::default_cronjob(&mut obj);
                let (_, _, name) = Self::names(&obj);
                let errors = validate_cronjob(&obj);
                if !errors.is_empty() {
                    return Err(ApiError::Invalid {
                        kind: "CronJob.batch".into(),
                        name,
                        errors,
                    });
                }
                let warning = Self::cronjob_zone_warning(&obj);
                let applied = self.apply_plain(obj, true, warning)?;
                self.has_workloads = true;
                self.reconcile_controllers();
                Ok(applied)
            }
            // Served but not simulated (Ingress, RBAC, quotas, custom resources...): stored as
            // the API server stores them, so charts and apps that carry them install.
            _ => self.apply_plain(obj, namespaced, None),
        }
    }

    /// A CustomResourceDefinition: validated, stored, and its kind served from then on.
    fn apply_definition(&mut self, obj: Value) -> Result<Applied, ApiError> {
        let (kind, _, name) = Self::names(&obj);
        let custom = custom_kind(&obj).map_err(|errors| ApiError::Invalid {
            kind: format!("{kind}.apiextensions.k8s.io"),
            name,
            errors,
        })?;
        let applied = self.apply_plain(obj, false, None)?;
        self.catalogue.define(custom);
        Ok(applied)
    }

    /// Whether the API serves `kind` in `api_version` now (built in, or defined by a
    /// CustomResourceDefinition) and whether its objects are namespaced; None is what
    /// `apply` answers with `no matches for kind`.
    pub fn namespaced(&self, kind: &str, api_version: &str) -> Option<bool> {
        self.catalogue.namespaced(kind, api_version)
    }

    /// The namespaces that exist (the four a cluster starts with and those created since), sorted.
    pub fn namespaces(&self) -> Vec<String> {
        self.namespaces.iter().cloned().collect()
    }

    /// The kinds CustomResourceDefinitions define now.
    pub fn custom_kinds(&self) -> Vec<CustomKind> {
        self.catalogue.custom_kinds().cloned().collect()
    }

    /// The namespace part of a key: none for a cluster-scoped kind, whatever the caller says.
    fn scoped<'a>(&self, kind: &str, namespace: &'a str) -> &'a str {
        if !namespace.is_empty() && self.catalogue.cluster_scoped(kind) {
            ""
        } else {
            namespace
        }
    }

    /// The checks every object passes first: a mapping with kind and apiVersion that the API
    /// serves; the namespace defaulted (or dropped for a cluster-scoped kind); a name
    /// generated from `generateName` with `rng`. Returns the object and whether it is namespaced.
    fn admit(&self, obj: Value, rng: &mut Rng) -> Result<(Value, bool), ApiError> {
        if !obj.is_object() {
            return Err(ApiError::BadRequest("the object is not a mapping".into()));
        }
        let kind = obj["kind"].as_str().unwrap_or("").to_string();
        let api_version = obj["apiVersion"].as_str().unwrap_or("").to_string();
        if kind.is_empty() {
            return Err(ApiError::BadRequest("Object 'Kind' is missing".into()));
        }
        if api_version.is_empty() {
            return Err(ApiError::BadRequest(
                "Object 'apiVersion' is missing".into(),
            ));
        }
        let Some(namespaced) = self.catalogue.namespaced(&kind, &api_version) else {
            return Err(ApiError::NoKindMatch { kind, api_version });
        };
        let mut obj = obj;
        if !namespaced {
            // The API server ignores a namespace on a cluster-scoped object.
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("namespace");
            }
        } else {
            let ns = obj
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                if ns.is_empty() {
                    meta.insert("namespace".into(), json!("default"));
                }
            } else {
                obj["metadata"] = json!({"namespace": "default"});
            }
        }
        generate_name(&mut obj, rng);
        Ok((obj, namespaced))
    }

    /// A PersistentVolumeClaim binds at once to a dynamically provisioned volume (the
    /// `standard` class of kind's local-path provisioner, with immediate binding).
    fn bind_claim(&mut self, k: &Key) {
        let Some(claim) = self.store.get(k) else {
            return;
        };
        if claim["status"]["phase"] == "Bound" {
            return;
        }
        let uid = claim["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let modes = match &claim["spec"]["accessModes"] {
            Value::Array(a) if !a.is_empty() => Value::Array(a.clone()),
            _ => json!(["ReadWriteOnce"]),
        };
        let storage = claim
            .pointer("/spec/resources/requests/storage")
            .cloned()
            .unwrap_or(json!("1Gi"));
        let mut claim = claim.clone();
        if claim["spec"]["storageClassName"].is_null() {
            claim["spec"]["storageClassName"] = json!("standard");
        }
        claim["spec"]["volumeName"] = json!(format!("pvc-{uid}"));
        claim["spec"]["volumeMode"] = claim["spec"]["volumeMode"]
            .as_str()
            .map_or(json!("Filesystem"), |m| json!(m));
        self.store.update(k, &claim);
        self.store.set_status(
            k,
            json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": storage}}),
        );
    }

    fn check_namespace_and_room(&self, obj: &Value, namespaced: bool) -> Result<(), ApiError> {
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default");
        if namespaced && !self.namespaces.contains(ns) {
            return Err(ApiError::NotFound {
                resource: "namespaces".into(),
                name: ns.into(),
            });
        }
        if self.store.len() >= MAX_OBJECTS {
            return Err(ApiError::Limit(format!(
                "the simulated cluster holds at most {MAX_OBJECTS} objects"
            )));
        }
        Ok(())
    }

    fn names(obj: &Value) -> (String, String, String) {
        (
            obj["kind"].as_str().unwrap_or("").to_string(),
            obj.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            obj.pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        )
    }

    fn apply_plain(
        &mut self,
        obj: Value,
        namespaced: bool,
        warning: Option<String>,
    ) -> Result<Applied, ApiError> {
        let (kind, ns, name) = Self::names(&obj);
        let errs = validate_metadata(&obj, namespaced);
        if !errs.is_empty() {
            return Err(ApiError::Invalid {
                kind,
                name,
                errors: errs,
            });
        }
        let k = key(&kind, &ns, &name);
        let lower = kind.to_ascii_lowercase();
        if self.store.contains(&k) {
            let changed = self.store.update(&k, &obj);
            let verb = if changed { "configured" } else { "unchanged" };
            return Ok(Applied {
                summary: format!("{lower}/{name} {verb}"),
                warning,
            });
        }
        self.check_namespace_and_room(&obj, namespaced)?;
        let uid = self.uid();
        self.store.create(k.clone(), obj, uid, self.now);
        if kind == "Namespace" {
            // What `kubectl create namespace` gets back: an active namespace.
            self.store.set_status(&k, json!({"phase": "Active"}));
            self.namespaces.insert(name.clone());
        }
        Ok(Applied {
            summary: format!("{lower}/{name} created"),
            warning,
        })
    }

    fn apply_pod(&mut self, mut obj: Value) -> Result<Applied, ApiError> {
        decode_check_pod(&obj)?;
        default_pod(&mut obj);
        let (_, ns, name) = Self::names(&obj);
        let mut errs = validate_pod(&obj);
        errs.extend(behaviour_annotation_errors(&obj));
        if !errs.is_empty() {
            return Err(ApiError::Invalid {
                kind: "Pod".into(),
                name,
                errors: errs,
            });
        }
        let k = key("Pod", &ns, &name);
        if let Some(existing) = self.store.get(&k) {
            return self.pod_update_answer(existing, &obj, &name);
        }
        self.check_namespace_and_room(&obj, true)?;
        let requested = obj
            .pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .map(str::to_string);
        let uid = self.uid();
        obj["status"] = json!({"phase": "Pending", "qosClass": qos_class(&obj["spec"])});
        self.store.create(k.clone(), obj, uid, self.now);
        let created = Applied {
            summary: format!("pod/{name} created"),
            warning: None,
        };
        match requested {
            // Bound by the user: the scheduler is bypassed; a node that does not exist leaves
            // the pod Pending, like the real thing.
            Some(node) => {
                if let Some(n) = self.nodes.iter().position(|x| x.name == node) {
                    self.bind_pod(&k, n);
                }
            }
            None => {
                if !self.try_schedule(&k) {
                    self.unscheduled.push((ns, name));
                }
            }
        }
        Ok(created)
    }

    /// Applying a pod that exists: unchanged, or refused (pod specs are immutable here).
    fn pod_update_answer(
        &self,
        existing: &Value,
        obj: &Value,
        name: &str,
    ) -> Result<Applied, ApiError> {
        let mut old_spec = existing["spec"].clone();
        if let Some(m) = old_spec.as_object_mut() {
            m.remove("nodeName");
        }
        if old_spec == obj["spec"] {
            return Ok(Applied {
                summary: format!("pod/{name} unchanged"),
                warning: None,
            });
        }
        Err(ApiError::Invalid {
            kind: "Pod".into(),
            name: name.into(),
            errors: vec![FieldError {
                path: "spec".into(),
                kind: FieldErrorKind::Forbidden,
                detail: "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into(),
            }],
        })
    }

    /// A CronJob's time zone the simulator cannot follow is run as UTC, and apply says so.
    fn cronjob_zone_warning(obj: &Value) -> Option<String> {
        let zone = obj.pointer("/spec/timeZone").and_then(Value::as_str)?;
        crate::cron::zone_offset(zone).is_none().then(|| {
            format!("time zone {zone} is simulated as UTC (only UTC and Etc/GMT±N are known)")
        })
    }

    /// One scheduling attempt for a stored, unbound pod: binds it, or records
    /// FailedScheduling and the PodScheduled=False condition.
    fn try_schedule(&mut self, k: &Key) -> bool {
        let Some(obj) = self.store.get(k) else {
            return true;
        };
        let request = scheduler::pod_request(&obj["spec"]);
        match scheduler::schedule(&self.nodes, request) {
            Ok(n) => {
                self.bind_pod(k, n);
                true
            }
            Err(message) => {
                let obj_ref = ObjectRef {
                    kind: "Pod".into(),
                    namespace: k.1.clone(),
                    name: k.2.clone(),
                    uid: obj["metadata"]["uid"].as_str().unwrap_or("").to_string(),
                    field_path: None,
                };
                let mut status = obj["status"].clone();
                let since = match status["conditions"][0]["lastTransitionTime"].as_str() {
                    Some(t) => json!(t),
                    None => json!(rfc3339(self.now)),
                };
                status["conditions"] = json!([{"type": "PodScheduled", "status": "False",
                    "lastProbeTime": null, "lastTransitionTime": since,
                    "reason": "Unschedulable", "message": message}]);
                self.store.set_status(k, status);
                self.events.record(
                    self.now,
                    &obj_ref,
                    EventType::Warning,
                    "FailedScheduling",
                    message,
                    "default-scheduler",
                    "",
                );
                false
            }
        }
    }

    /// Pods the scheduler gave up on get another attempt once capacity frees, oldest first.
    fn retry_unscheduled(&mut self) {
        self.capacity_freed = false;
        let pending = std::mem::take(&mut self.unscheduled);
        for (ns, name) in pending {
            let k = key("Pod", &ns, &name);
            let deleting = self
                .store
                .get(&k)
                .is_none_or(|o| !o["metadata"]["deletionTimestamp"].is_null());
            if deleting {
                self.store.remove(&k);
                continue;
            }
            if !self.try_schedule(&k) {
                self.unscheduled.push((ns, name));
            }
        }
    }

    /// Binds a stored pod to node `n` and hands it to that node's kubelet.
    fn bind_pod(&mut self, k: &Key, n: usize) {
        let Some(mut stored) = self.store.get(k).cloned() else {
            return;
        };
        let (ns, name) = (k.1.clone(), k.2.clone());
        stored["spec"]["nodeName"] = json!(self.nodes[n].name);
        if let Some(st) = stored.get_mut("status").and_then(Value::as_object_mut) {
            st.remove("conditions");
        }
        self.store.put(k.clone(), stored.clone());
        let uid = stored["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let spec = PodSpec::from_pod(&stored);
        let request = scheduler::pod_request(&stored["spec"]);
        let obj_ref = ObjectRef {
            kind: "Pod".into(),
            namespace: ns.clone(),
            name: name.clone(),
            uid,
            field_path: None,
        };
        self.nodes[n].pods += 1;
        self.nodes[n].book(request, 1);
        self.events.record(
            self.now,
            &obj_ref,
            EventType::Normal,
            "Scheduled",
            format!(
                "Successfully assigned {ns}/{name} to {}",
                self.nodes[n].name
            ),
            "default-scheduler",
            "",
        );
        let gates = stored["spec"]["readinessGates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g["conditionType"].as_str().map(str::to_string))
            .collect();
        let id = self.pods.len();
        self.pods.push(PodRuntime::new(
            obj_ref,
            spec,
            n,
            self.nodes[n].name.clone(),
            self.nodes[n].ip.clone(),
            self.now,
            gates,
        ));
        self.pod_ids.insert((ns, name.clone()), id);
        self.booked.insert(id, request);
        self.queue.push(self.now, (id, Task::Admit));
    }

    fn apply_service(&mut self, mut obj: Value) -> Result<Applied, ApiError> {
        let (_, ns, name) = Self::names(&obj);
        let k = key("Service", &ns, &name);
        let ip = match self.store.get(&k) {
            Some(existing) => existing["spec"]["clusterIP"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            None => {
                self.next_service_ip += 1;
                format!(
                    "10.96.{}.{}",
                    self.next_service_ip / 250,
                    self.next_service_ip % 250
                )
            }
        };
        default_service(&mut obj, ip);
        let errs = validate_service(&obj);
        if !errs.is_empty() {
            return Err(ApiError::Invalid {
                kind: "Service".into(),
                name,
                errors: errs,
            });
        }
        let summary = if self.store.contains(&k) {
            let changed = self.store.update(&k, &obj);
            format!(
                "service/{name} {}",
                if changed { "configured" } else { "unchanged" }
            )
        } else {
            self.check_namespace_and_room(&obj, true)?;
            let uid = self.uid();
            obj["status"] = json!({"loadBalancer": {}});
            self.store.create(k, obj, uid, self.now);
            let suffix = self.rng.name_suffix(5);
            self.slices
                .insert((ns.clone(), name.clone()), format!("{name}-{suffix}"));
            format!("service/{name} created")
        };
        // Only this Service's endpoints can have changed (every other Service's were
        // computed when it was applied and follow its pods since).
        self.sync_endpoints_where(&ns, |svc| {
            svc.pointer("/metadata/name").and_then(Value::as_str) == Some(name.as_str())
        });
        Ok(Applied {
            summary,
            warning: None,
        })
    }

    /// Recomputes the EndpointSlices of the Services in `ns` whose selector matches `labels`.
    fn sync_endpoints_selecting(&mut self, ns: &str, labels: Option<&Value>) {
        self.sync_endpoints_where(ns, |svc| {
            svc.pointer("/spec/selector")
                .and_then(Value::as_object)
                .is_some_and(|sel| selector_matches(sel, labels))
        });
    }

    fn sync_endpoints_where(&mut self, ns: &str, affected: impl Fn(&Value) -> bool) {
        let services: Vec<(String, Value)> = self
            .store
            .list_in("Service", ns)
            .filter(|(_, v)| affected(v))
            .map(|(k, v)| (k.2.clone(), v.clone()))
            .collect();
        for (name, svc) in services {
            let Some(slice_name) = self.slices.get(&(ns.to_string(), name)).cloned() else {
                continue;
            };
            // Only the selected pods are materialised (the functions below check the selector
            // again; an empty or missing selector selects nothing there).
            let selector = svc
                .pointer("/spec/selector")
                .and_then(Value::as_object)
                .filter(|s| !s.is_empty());
            let pods: Vec<Value> = match selector {
                Some(sel) => self
                    .store
                    .list_in("Pod", ns)
                    .filter(|(_, v)| selector_matches(sel, v.pointer("/metadata/labels")))
                    .map(|(k, v)| self.materialize(k, v))
                    .collect(),
                None => Vec::new(),
            };
            if let Some(ep) = endpoints(&svc, pods.iter()) {
                let ek = key("Endpoints", ns, &k_name(&svc));
                let same = self
                    .store
                    .get(&ek)
                    .is_some_and(|old| old.get("subsets") == ep.get("subsets"));
                if !same {
                    let mut ep = ep;
                    let meta = self.store.get(&ek).map(|o| o["metadata"].clone());
                    let (uid, created) = match meta {
                        Some(m) => (m["uid"].clone(), m["creationTimestamp"].clone()),
                        None => (json!(self.uid()), json!(rfc3339(self.now))),
                    };
                    ep["metadata"]["uid"] = uid;
                    ep["metadata"]["creationTimestamp"] = created;
                    self.store.put(ek, ep);
                }
            }
            let Some(mut slice) = endpoint_slice(&svc, &slice_name, pods.iter()) else {
                continue;
            };
            let sk = key("EndpointSlice", ns, &slice_name);
            let same = self.store.get(&sk).is_some_and(|old| {
                old["endpoints"] == slice["endpoints"] && old["ports"] == slice["ports"]
            });
            if same {
                continue;
            }
            let created = match self.store.get(&sk) {
                Some(old) => old["metadata"].clone(),
                None => {
                    json!({"uid": self.uid(), "generation": 0, "creationTimestamp": rfc3339(self.now)})
                }
            };
            for f in ["uid", "creationTimestamp"] {
                slice["metadata"][f] = created[f].clone();
            }
            let generation = created["generation"].as_i64().unwrap_or(0) + 1;
            slice["metadata"]["generation"] = json!(generation);
            self.store.put(sk, slice);
        }
    }

    /// Deletes an object. Pods terminate gracefully (the object stays, with a
    /// deletionTimestamp, until its containers stopped).
    pub fn delete(&mut self, kind: &str, namespace: &str, name: &str) -> Result<(), ApiError> {
        let namespace = self.scoped(kind, namespace);
        let k = key(kind, namespace, name);
        if !self.store.contains(&k) {
            return Err(ApiError::NotFound {
                resource: resource_name(kind),
                name: name.into(),
            });
        }
        if kind != "Pod" && finalizers::held(self.store.get(&k)) {
            self.mark_deleted(&k);
            return Ok(());
        }
        match kind {
            "Pod" => {
                let Some(&id) = self.pod_ids.get(&(namespace.to_string(), name.to_string())) else {
                    // Never scheduled: nothing runs, it goes at once (or when its finalizers do).
                    if finalizers::held(self.store.get(&k)) {
                        self.mark_deleted(&k);
                    } else {
                        self.store.remove(&k);
                    }
                    self.unscheduled
                        .retain(|(n, p)| !(n == namespace && p == name));
                    return Ok(());
                };
                if self.pods[id].deletion.is_some() {
                    return Ok(());
                }
                let grace = self.pods[id].spec.grace_s;
                self.store.set_metadata(
                    &k,
                    "deletionTimestamp",
                    json!(rfc3339(
                        self.now.saturating_add(grace.saturating_mul(SECOND))
                    )),
                );
                self.store
                    .set_metadata(&k, "deletionGracePeriodSeconds", json!(grace));
                let mut ctx = Ctx {
                    now: self.now,
                    queue: &mut self.queue,
                    events: &mut self.events,
                    rng: &mut self.rng,
                    nodes: &mut self.nodes,
                    kubelet_started_at: self.cfg.kubelet_started_at,
                    config: &self.config,
                    probe_log: &mut self.probe_log,
                };
                self.pods[id].request_deletion(&mut ctx, id, grace.saturating_mul(SECOND));
                self.pods[id].changed = true;
                self.publish(id);
            }
            "Service" => {
                self.store.remove(&k);
                self.store.remove(&key("Endpoints", namespace, name));
                if let Some(slice) = self
                    .slices
                    .remove(&(namespace.to_string(), name.to_string()))
                {
                    self.store.remove(&key("EndpointSlice", namespace, &slice));
                }
            }
            "Namespace" => {
                self.store.remove(&k);
                self.namespaces.remove(name);
            }
            "CustomResourceDefinition" => {
                // The kind goes, and every object of it with it.
                self.store.remove(&k);
                if let Some(gone) = self.catalogue.undefine(name) {
                    let served_elsewhere =
                        self.catalogue.custom_kinds().any(|c| c.kind == gone.kind);
                    if !served_elsewhere {
                        let objects: Vec<Key> = self
                            .store
                            .list(&gone.kind)
                            .map(|(k, _)| k.clone())
                            .collect();
                        for o in objects {
                            self.store.remove(&o);
                        }
                    }
                }
            }
            "Deployment" | "ReplicaSet" | "Job" | "StatefulSet" | "DaemonSet" | "CronJob" => {
                // Background cascading deletion of what the object owns.
                let owner_uid = self
                    .store
                    .get(&k)
                    .and_then(|o| o.pointer("/metadata/uid"))
                    .cloned();
                self.store.remove(&k);
                let child_kind = match kind {
                    "Deployment" => "ReplicaSet",
                    "CronJob" => "Job",
                    _ => "Pod",
                };
                let owner_uid = owner_uid.and_then(|u| u.as_str().map(str::to_string));
                let children: Vec<String> = owner_uid
                    .iter()
                    .flat_map(|u| self.store.owned_by(u, child_kind))
                    .filter(|ck| ck.1 == namespace)
                    .map(|ck| ck.2.clone())
                    .collect();
                for child in children {
                    let _ = self.delete(child_kind, namespace, &child);
                }
            }
            _ => {
                self.store.remove(&k);
                self.config.remove(kind, namespace, name);
            }
        }
        Ok(())
    }

    /// Time of the next scheduled task, if any.
    pub fn next_task_time(&self) -> Option<Millis> {
        let wake = self.wakeups.first().copied();
        match (self.queue.peek_time(), wake) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Makes `step` run the controllers at `t` even when no pod task is due then.
    fn wake_at(&mut self, t: Millis) {
        // Bounded: one entry per distinct time, and Jobs are bounded objects.
        if self.wakeups.len() < MAX_OBJECTS {
            self.wakeups.insert(t);
        }
    }

    /// Runs every task due at the next task time, if that is at or before `limit`; returns that
    /// time. The clock does not move when nothing is due.
    pub fn step(&mut self, limit: Millis) -> Result<Option<Millis>, SimError> {
        let stepped = self.step_quietly(limit);
        self.probe_log.publish();
        stepped
    }

    /// `step`, leaving the probe results known later than the clock aside (see
    /// [`ProbeLog`]): `run_until` publishes them once, at its end.
    fn step_quietly(&mut self, limit: Millis) -> Result<Option<Millis>, SimError> {
        if limit > MAX_VIRTUAL_TIME {
            return Err(SimError::DurationTooLong {
                requested_ms: limit,
                max_ms: MAX_VIRTUAL_TIME,
            });
        }
        let Some(t) = self.next_task_time().filter(|t| *t <= limit) else {
            return Ok(None);
        };
        self.now = self.now.max(t);
        self.probe_log.settle(self.now);
        while self.wakeups.first().is_some_and(|w| *w <= t) {
            self.wakeups.pop_first();
            self.woken = true;
        }
        while let Some((_, (id, task))) = self.queue.pop_due(t) {
            self.processed += 1;
            if self.processed > self.cfg.max_steps {
                return Err(SimError::TooManySteps {
                    max: self.cfg.max_steps,
                });
            }
            let mut ctx = Ctx {
                now: self.now,
                queue: &mut self.queue,
                events: &mut self.events,
                rng: &mut self.rng,
                nodes: &mut self.nodes,
                kubelet_started_at: self.cfg.kubelet_started_at,
                config: &self.config,
                probe_log: &mut self.probe_log,
            };
            self.pods[id].handle(&mut ctx, id, task);
            if self.pods[id].changed {
                self.publish(id);
            }
        }
        if self.capacity_freed && !self.unscheduled.is_empty() {
            self.retry_unscheduled();
        }
        self.reconcile_controllers();
        Ok(Some(t))
    }

    /// Advances the clock to `t`, running everything due on the way.
    pub fn run_until(&mut self, t: Millis) -> Result<(), SimError> {
        if t > MAX_VIRTUAL_TIME {
            return Err(SimError::DurationTooLong {
                requested_ms: t,
                max_ms: MAX_VIRTUAL_TIME,
            });
        }
        let ran = loop {
            match self.step_quietly(t) {
                Ok(Some(_)) => {}
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.probe_log.publish();
        ran?;
        self.now = self.now.max(t);
        Ok(())
    }

    /// Writes a pod's new status to the store, records a snapshot, updates endpoints.
    fn publish(&mut self, id: PodId) {
        let pod = &mut self.pods[id];
        pod.changed = false;
        let Some(status) = pod.status.as_ref() else {
            return;
        };
        // A status write is a new resourceVersion (and an entry of the change feed); the JSON
        // is built when read (materialize).
        pod.status_rv = self.store.touch(&key("Pod", &pod.namespace, &pod.name));
        let snapshot = PodSnapshot {
            at: self.now,
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            uid: pod.uid.clone(),
            phase: status.phase,
            ready: status.ready(),
            deleting: pod.deletion.is_some(),
            gone: pod.gone,
            containers: pod
                .containers
                .iter()
                .enumerate()
                .map(|(i, c)| ContainerSnapshot {
                    name: c.spec.name.clone(),
                    restart_count: c.restart_count(),
                    ready: c.ready(),
                    started: c.started(),
                    running_since: c.running().map(|r| r.started_at),
                    terminated_at: c.latest_exit.as_ref().map(|t| t.finished_at),
                    waiting_reason: status
                        .init
                        .iter()
                        .chain(&status.containers)
                        .find(|v| v.index == i)
                        .and_then(|v| match &v.state {
                            StateView::Waiting { reason, .. } => Some(reason.to_string()),
                            _ => None,
                        }),
                })
                .collect(),
        };
        let facts = EndpointFacts {
            phase: status.phase,
            pod_ip: status.pod_ip.clone(),
            ready: status.ready(),
            deleting: pod.deletion.is_some(),
            gone: pod.gone,
        };
        let gone = pod.gone;
        if gone || status.phase.terminal() {
            // The scheduler's cache drops terminated pods: their requests are free again.
            if let Some(r) = self.booked.remove(&id) {
                self.nodes[pod.node].book(r, -1);
                self.capacity_freed = true;
            }
        }
        if self.history.last() != Some(&snapshot) {
            if self.history.len() >= MAX_HISTORY {
                self.history.drain(..MAX_HISTORY / 2);
            }
            self.history.push(snapshot);
        }
        let pod = &self.pods[id];
        let pod_key = key("Pod", &pod.namespace, &pod.name);
        // Only the Services that select this pod can change, and only when what endpoints
        // show of it changed (labels cannot change: pod updates may not touch them here).
        let endpoints_changed = self.endpoint_facts.get(&id) != Some(&facts);
        let labels = if endpoints_changed {
            self.store
                .get(&pod_key)
                .and_then(|o| o.pointer("/metadata/labels"))
                .cloned()
        } else {
            None
        };
        if gone {
            // A pod that still has finalizers stays (deletionTimestamp set) until they go.
            if !finalizers::held(self.store.get(&pod_key)) {
                self.store.remove(&pod_key);
            }
            self.nodes[self.pods[id].node].pods -= 1;
        }
        if endpoints_changed {
            if gone {
                self.endpoint_facts.remove(&id);
            } else {
                self.endpoint_facts.insert(id, facts);
            }
            self.sync_endpoints_selecting(&pod_key.1, labels.as_ref());
        }
    }
}

/// `metadata.generateName`: the prefix and five random characters, when no name is given.
fn generate_name(obj: &mut Value, rng: &mut Rng) {
    let has_name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty());
    if has_name {
        return;
    }
    if let Some(prefix) = obj
        .pointer("/metadata/generateName")
        .and_then(Value::as_str)
        .map(str::to_string)
    {
        let name = format!("{prefix}{}", rng.name_suffix(5));
        obj["metadata"]["name"] = json!(name);
    }
}

/// The pod's QoS class from its containers' requests and limits.
fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = ["initContainers", "containers"]
        .iter()
        .flat_map(|f| spec[*f].as_array().into_iter().flatten())
        .collect();
    let set = |c: &Value, what: &str, r: &str| !c["resources"][what][r].is_null();
    let any = containers.iter().any(|c| {
        ["cpu", "memory"]
            .iter()
            .any(|r| set(c, "requests", r) || set(c, "limits", r))
    });
    if !any {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            set(c, "limits", r)
                && (!set(c, "requests", r)
                    || c["resources"]["requests"][*r] == c["resources"]["limits"][*r])
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// Every selector label is present with the same value.
fn selector_matches(selector: &serde_json::Map<String, Value>, labels: Option<&Value>) -> bool {
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

fn k_name(obj: &Value) -> String {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The plural resource name used in NotFound messages.
fn resource_name(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with('s') {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

/// The behaviour annotation is checked at create time so a typo is not silently ignored.
fn behaviour_annotation_errors(pod: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(ann) = pod
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    else {
        return errs;
    };
    for (k, v) in ann {
        if k == ANNOTATION || k.starts_with(&format!("{ANNOTATION}.")) {
            if let Err(e) = Overrides::parse(v.as_str().unwrap_or("")) {
                errs.push(FieldError {
                    path: format!("metadata.annotations[{k}]"),
                    kind: FieldErrorKind::Invalid(format!("{:?}", v.as_str().unwrap_or(""))),
                    detail: e,
                });
            }
        }
    }
    errs
}
