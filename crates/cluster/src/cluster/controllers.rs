//! The ReplicaSet and Deployment controllers (kube-controller-manager's replicaset and
//! deployment controllers, simplified): pods from templates with ownerReferences, scaling,
//! rolling updates (maxSurge/maxUnavailable, default 25 %) and Recreate, status and events.
//! They react in the same virtual millisecond as the change that concerns them.

use super::{key, Cluster};
use crate::clock::rfc3339;
use crate::error::{FieldError, FieldErrorKind};
use crate::events::{EventType, ObjectRef};
use crate::store::Key;
use crate::validation::validate_pod;
use serde_json::{json, Map, Value};

/// The Job controller's pod failure back-off.
const JOB_BACKOFF_INITIAL: crate::clock::Millis = 10 * crate::clock::SECOND;
const JOB_BACKOFF_MAX: crate::clock::Millis = 6 * 60 * crate::clock::SECOND;

/// A Job's failures since its last success, as its controller saw them.
#[derive(Debug, Default, Clone)]
pub(super) struct JobBackoff {
    failures: u32,
    last_failure: crate::clock::Millis,
    seen: std::collections::BTreeSet<String>,
}

/// Passes over the controllers per reconcile; each pass feeds the next (deployment -> RS -> pods).
const MAX_PASSES: usize = 6;

/// The kinds with a controller, in the order a pass runs them.
const CONTROLLER_KINDS: [&str; 6] = [
    "CronJob",
    "Deployment",
    "ReplicaSet",
    "Job",
    "StatefulSet",
    "DaemonSet",
];

fn replicas(obj: &Value) -> i64 {
    obj.pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .max(0)
}

pub(super) fn uid(obj: &Value) -> &str {
    obj.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub(super) fn owner_ref(owner: &Value) -> Value {
    json!([{
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true,
    }])
}

pub(super) fn pod_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn pod_active(pod: &Value) -> bool {
    let phase = pod.pointer("/status/phase").and_then(Value::as_str);
    pod.pointer("/metadata/deletionTimestamp").is_none()
        && !matches!(phase, Some("Succeeded" | "Failed"))
}

/// A pod template's metadata as an object whose labels (if any) are a map, so controllers can
/// add names and labels without tripping over malformed input.
pub(super) fn template_metadata(owner: &Value) -> Value {
    let mut meta = owner
        .pointer("/spec/template/metadata")
        .filter(|m| m.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    if !meta["labels"].is_object() {
        meta["labels"] = json!({});
    }
    meta
}

/// `pod-template-hash`: a stable hash of the template, in the alphabet Kubernetes uses.
pub(super) fn template_hash(template: &Value) -> String {
    let text = template.to_string();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..10)
        .map(|i| ALPHABET[((h >> (i * 6)) % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

/// Validates a workload's selector and pod template at create time, with template paths.
pub fn validate_workload(obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if obj["kind"] == "Job" {
        // Jobs generate their selector; their pods must not restart forever.
        match obj
            .pointer("/spec/template/spec/restartPolicy")
            .and_then(Value::as_str)
        {
            Some("Never" | "OnFailure") => {}
            Some(other) => errs.push(FieldError {
                path: "spec.template.spec.restartPolicy".into(),
                kind: FieldErrorKind::NotSupported(format!("{other:?}")),
                detail: "supported values: \"OnFailure\", \"Never\"".into(),
            }),
            None => errs.push(FieldError {
                path: "spec.template.spec.restartPolicy".into(),
                kind: FieldErrorKind::Required,
                detail: "valid values: \"OnFailure\", \"Never\"".into(),
            }),
        }
        for field in ["completions", "parallelism", "backoffLimit"] {
            if let Some(n) = obj
                .pointer(&format!("/spec/{field}"))
                .and_then(Value::as_i64)
            {
                if n < 0 {
                    errs.push(FieldError {
                        path: format!("spec.{field}"),
                        kind: FieldErrorKind::Invalid(n.to_string()),
                        detail: "must be greater than or equal to 0".into(),
                    });
                }
            }
        }
        let mut pod = json!({"metadata": {"name": "template"}, "spec": obj.pointer("/spec/template/spec").cloned().unwrap_or(json!({}))});
        crate::defaults::default_pod(&mut pod);
        for mut e in validate_pod(&pod) {
            if e.path.starts_with("spec") && !e.path.starts_with("spec.restartPolicy") {
                e.path = format!("spec.template.{}", e.path);
                errs.push(e);
            }
        }
        return errs;
    }
    let selector = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object);
    let labels = obj
        .pointer("/spec/template/metadata/labels")
        .and_then(Value::as_object);
    match selector {
        None => errs.push(FieldError {
            path: "spec.selector".into(),
            kind: FieldErrorKind::Required,
            detail: String::new(),
        }),
        Some(sel) => {
            let matches = sel
                .iter()
                .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v));
            if !matches || sel.is_empty() {
                let shown: Vec<String> = labels
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| format!("{k:?}:{}", v))
                    .collect();
                errs.push(FieldError {
                    path: "spec.template.metadata.labels".into(),
                    kind: FieldErrorKind::Invalid(format!(
                        "map[string]string{{{}}}",
                        shown.join(", ")
                    )),
                    detail: "`selector` does not match template `labels`".into(),
                });
            }
        }
    }
    if let Some(r) = obj.pointer("/spec/replicas").and_then(Value::as_i64) {
        if r < 0 {
            errs.push(FieldError {
                path: "spec.replicas".into(),
                kind: FieldErrorKind::Invalid(r.to_string()),
                detail: "must be greater than or equal to 0".into(),
            });
        }
    }
    let mut pod = json!({"metadata": {"name": "template"}, "spec": obj.pointer("/spec/template/spec").cloned().unwrap_or(json!({}))});
    crate::defaults::default_pod(&mut pod);
    for mut e in validate_pod(&pod) {
        if e.path.starts_with("spec") {
            e.path = format!("spec.template.{}", e.path);
            errs.push(e);
        }
    }
    errs
}

impl Cluster {
    pub(super) fn controller_event(
        &mut self,
        owner: &Value,
        component: &str,
        t: EventType,
        reason: &str,
        message: String,
    ) {
        let obj = ObjectRef {
            kind: owner["kind"].as_str().unwrap_or("").to_string(),
            namespace: owner["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            name: owner["metadata"]["name"].as_str().unwrap_or("").to_string(),
            uid: uid(owner).to_string(),
            field_path: None,
        };
        self.events
            .record(self.now, &obj, t, reason, message, component, "");
    }

    /// Marks the controllers whose inputs changed since the last look at the change feed:
    /// a controller object that changed itself, and the controller of any object that changed
    /// (a pod's status, a ReplicaSet's status ...). A wake-up, or a feed that no longer
    /// reaches back, marks every controller.
    fn collect_dirty_controllers(&mut self) {
        let mut dirty = std::mem::take(&mut self.dirty_controllers);
        let all = self.woken
            || match self.store.changes_since(self.reconciled_rv) {
                None => true,
                Some(changes) => {
                    for c in changes {
                        if CONTROLLER_KINDS.contains(&c.key.0.as_str()) {
                            dirty.insert(c.key.clone());
                        }
                        if let Some(owner) = c
                            .controller_uid
                            .as_deref()
                            .and_then(|u| self.store.key_of_uid(u))
                        {
                            dirty.insert(owner.clone());
                        }
                    }
                    false
                }
            };
        if all {
            for kind in CONTROLLER_KINDS {
                dirty.extend(self.store.list(kind).map(|(k, _)| k.clone()));
            }
        }
        self.woken = false;
        self.reconciled_rv = self.store.resource_version();
        self.dirty_controllers = dirty;
    }

    /// Runs the controllers whose inputs changed until nothing changes (bounded), in the order
    /// a full pass would run them (Deployments, ReplicaSets, Jobs, StatefulSets, DaemonSets,
    /// each by key). A controller whose inputs did not change would change nothing, so
    /// skipping it gives the same result (and the same random draws) as running them all.
    pub(super) fn reconcile_controllers(&mut self) {
        if !self.has_workloads {
            return;
        }
        // Progress deadlines are the one input that is time, not a change.
        let now = self.now;
        let expired: Vec<Key> = self
            .progress_deadlines
            .iter()
            .filter(|(_, t)| now > **t)
            .map(|(k, _)| k.clone())
            .collect();
        self.dirty_controllers.extend(expired);
        for _ in 0..MAX_PASSES {
            let mut changed = false;
            for kind in CONTROLLER_KINDS {
                self.collect_dirty_controllers();
                let keys: Vec<Key> = self
                    .dirty_controllers
                    .iter()
                    .filter(|k| k.0 == kind)
                    .cloned()
                    .collect();
                for k in keys {
                    self.dirty_controllers.remove(&k);
                    changed |= match kind {
                        "CronJob" => self.reconcile_cronjob(&k),
                        "Deployment" => self.reconcile_deployment(&k),
                        "ReplicaSet" => self.reconcile_replicaset(&k),
                        "Job" => self.reconcile_job(&k),
                        "StatefulSet" => self.reconcile_statefulset(&k),
                        _ => self.reconcile_daemonset(&k),
                    };
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Stored objects of `kind` in `ns` controlled by `owner_uid`, with their keys, by key.
    pub(super) fn owned_keyed(&self, kind: &str, ns: &str, owner_uid: &str) -> Vec<(Key, Value)> {
        self.store
            .owned_by(owner_uid, kind)
            .filter(|rk| rk.1 == ns)
            .filter_map(|rk| self.store.get(rk).map(|v| (rk.clone(), v.clone())))
            .collect()
    }

    pub(super) fn set_status_if_changed(&mut self, k: &Key, status: Value) -> bool {
        let same = self.store.get(k).is_some_and(|o| o["status"] == status);
        if !same {
            self.store.set_status(k, status);
        }
        !same
    }

    fn reconcile_replicaset(&mut self, k: &Key) -> bool {
        let Some(rs) = self.store.get(k).cloned() else {
            return false;
        };
        let rs_uid = uid(&rs).to_string();
        let pods: Vec<Value> = self.owned("Pod", &k.1, &rs_uid);
        let active: Vec<&Value> = pods.iter().filter(|p| pod_active(p)).collect();
        let want = replicas(&rs);
        let have = active.len() as i64;
        let mut changed = false;
        if have < want {
            for _ in 0..(want - have).min(500) {
                let mut pod = json!({
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": template_metadata(&rs),
                    "spec": rs.pointer("/spec/template/spec").cloned().unwrap_or(json!({})),
                });
                let name = format!("{}-{}", k.2, self.rng.name_suffix(5));
                pod["metadata"]["name"] = json!(name);
                pod["metadata"]["generateName"] = json!(format!("{}-", k.2));
                pod["metadata"]["namespace"] = json!(k.1);
                pod["metadata"]["ownerReferences"] = owner_ref(&rs);
                match self.apply_pod(pod) {
                    Ok(_) => self.controller_event(
                        &rs,
                        "replicaset-controller",
                        EventType::Normal,
                        "SuccessfulCreate",
                        format!("Created pod: {name}"),
                    ),
                    Err(e) => {
                        self.controller_event(
                            &rs,
                            "replicaset-controller",
                            EventType::Warning,
                            "FailedCreate",
                            format!("Error creating: {e}"),
                        );
                        break;
                    }
                }
                changed = true;
            }
        } else if have > want {
            // Delete the least useful pods first: unscheduled/unready, then the newest.
            let mut victims: Vec<&Value> = active.clone();
            victims.sort_by(|a, b| {
                let ready = pod_ready(a).cmp(&pod_ready(b));
                let newer = b["metadata"]["creationTimestamp"]
                    .as_str()
                    .cmp(&a["metadata"]["creationTimestamp"].as_str());
                ready.then(newer)
            });
            let names: Vec<String> = victims
                .iter()
                .take((have - want) as usize)
                .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
                .collect();
            for name in names {
                if self.delete("Pod", &k.1, &name).is_ok() {
                    self.controller_event(
                        &rs,
                        "replicaset-controller",
                        EventType::Normal,
                        "SuccessfulDelete",
                        format!("Deleted pod: {name}"),
                    );
                    changed = true;
                }
            }
        }
        let pods: Vec<Value> = self
            .owned("Pod", &k.1, &rs_uid)
            .into_iter()
            .filter(pod_active)
            .collect();
        let ready = pods.iter().filter(|p| pod_ready(p)).count();
        let mut status = Map::new();
        status.insert("replicas".into(), json!(pods.len()));
        status.insert("fullyLabeledReplicas".into(), json!(pods.len()));
        status.insert("readyReplicas".into(), json!(ready));
        status.insert("availableReplicas".into(), json!(ready));
        status.insert(
            "observedGeneration".into(),
            rs["metadata"]["generation"].clone(),
        );
        changed | self.set_status_if_changed(k, Value::Object(status))
    }

    fn scale_rs(&mut self, deploy: &Value, rs_key: &Key, to: i64) -> bool {
        let Some(rs) = self.store.get(rs_key).cloned() else {
            return false;
        };
        let from = replicas(&rs);
        if from == to {
            return false;
        }
        let mut spec = rs["spec"].clone();
        spec["replicas"] = json!(to);
        self.store.update(rs_key, &json!({"spec": spec}));
        let verb = if to > from { "up" } else { "down" };
        self.controller_event(
            deploy,
            "deployment-controller",
            EventType::Normal,
            "ScalingReplicaSet",
            format!("Scaled {verb} replica set {} from {from} to {to}", rs_key.2),
        );
        true
    }

    fn reconcile_deployment(&mut self, k: &Key) -> bool {
        let Some(d) = self.store.get(k).cloned() else {
            self.progress_deadlines.remove(k);
            return false;
        };
        let d_uid = uid(&d).to_string();
        let template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let hash = template_hash(&template);
        let new_name = format!("{}-{hash}", k.2);
        let new_key = key("ReplicaSet", &k.1, &new_name);
        let desired = replicas(&d);
        let mut changed = false;
        let owned: Vec<(Key, Value)> = self.owned_keyed("ReplicaSet", &k.1, &d_uid);
        let olds: Vec<(Key, Value)> = owned
            .iter()
            .filter(|(rk, _)| *rk != new_key)
            .cloned()
            .collect();
        let old_total: i64 = olds.iter().map(|(_, v)| replicas(v)).sum();
        // deployment.kubernetes.io/revision: the new ReplicaSet takes max(old) + 1 (a rollback
        // to an old template moves that ReplicaSet to the top).
        let revision_of = |v: &Value| {
            v.pointer("/metadata/annotations/deployment.kubernetes.io~1revision")
                .and_then(Value::as_str)
                .and_then(|r| r.parse::<i64>().ok())
                .unwrap_or(0)
        };
        let max_old_revision = olds.iter().map(|(_, v)| revision_of(v)).max().unwrap_or(0);
        let recreate = d.pointer("/spec/strategy/type").and_then(Value::as_str) == Some("Recreate");
        if !self.store.contains(&new_key) {
            let mut labels = template
                .pointer("/metadata/labels")
                .cloned()
                .unwrap_or(json!({}));
            labels["pod-template-hash"] = json!(hash);
            let mut rs_template = template.clone();
            rs_template["metadata"]["labels"] = labels.clone();
            let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
            selector["matchLabels"]["pod-template-hash"] = json!(hash);
            let start = if old_total == 0 && !recreate {
                desired
            } else {
                0
            };
            let rs = json!({
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {"name": new_name, "namespace": k.1, "labels": labels,
                    "annotations": {"deployment.kubernetes.io/desired-replicas": desired.to_string(),
                        "deployment.kubernetes.io/max-replicas": (desired + pct_or_int(d.pointer("/spec/strategy/rollingUpdate/maxSurge"), desired, true)).to_string(),
                        "deployment.kubernetes.io/revision": (max_old_revision + 1).to_string()},
                    "ownerReferences": owner_ref(&d)},
                "spec": {"replicas": start, "selector": selector, "template": rs_template},
            });
            let rs_uid = self.uid();
            self.store.create(new_key.clone(), rs, rs_uid, self.now);
            if start > 0 {
                self.controller_event(
                    &d,
                    "deployment-controller",
                    EventType::Normal,
                    "ScalingReplicaSet",
                    format!("Scaled up replica set {new_name} from 0 to {start}"),
                );
            }
            changed = true;
        }
        if let Some(rs) = self.store.get(&new_key) {
            let current = revision_of(rs);
            if current <= max_old_revision {
                self.store.set_metadata(
                    &new_key,
                    "annotations",
                    merged_annotation(
                        rs,
                        "deployment.kubernetes.io/revision",
                        &(max_old_revision + 1).to_string(),
                    ),
                );
                changed = true;
            }
            let rev = revision_of(self.store.get(&new_key).unwrap_or(&Value::Null)).to_string();
            if d.pointer("/metadata/annotations/deployment.kubernetes.io~1revision")
                .and_then(Value::as_str)
                != Some(rev.as_str())
            {
                self.store.set_metadata(
                    k,
                    "annotations",
                    merged_annotation(&d, "deployment.kubernetes.io/revision", &rev),
                );
            }
        }
        // revisionHistoryLimit (default 10): old ReplicaSets scaled to zero beyond it go,
        // oldest revision first.
        let limit = d
            .pointer("/spec/revisionHistoryLimit")
            .and_then(Value::as_i64)
            .unwrap_or(10)
            .max(0) as usize;
        let mut idle: Vec<(i64, String)> = olds
            .iter()
            .filter(|(rk, v)| {
                replicas(v) == 0
                    && v.pointer("/status/replicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(0)
                        == 0
                    && self.store.contains(rk)
            })
            .map(|(rk, v)| (revision_of(v), rk.2.clone()))
            .collect();
        if idle.len() > limit {
            idle.sort();
            let excess = idle.len() - limit;
            for (_, name) in idle.into_iter().take(excess) {
                let _ = self.delete("ReplicaSet", &k.1, &name);
                changed = true;
            }
        }
        let new_rs = self.store.get(&new_key).cloned().unwrap_or(Value::Null);
        let available = |v: &Value| {
            v.pointer("/status/availableReplicas")
                .and_then(Value::as_i64)
                .unwrap_or(0)
        };
        let new_replicas = replicas(&new_rs);
        if recreate {
            for (rk, _) in &olds {
                changed |= self.scale_rs(&d, rk, 0);
            }
            let old_pods = olds.iter().any(|(_, v)| {
                v.pointer("/status/replicas")
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                    > 0
            });
            if !old_pods {
                changed |= self.scale_rs(&d, &new_key, desired);
            }
        } else {
            let surge = pct_or_int(
                d.pointer("/spec/strategy/rollingUpdate/maxSurge"),
                desired,
                true,
            );
            let mut unavailable = pct_or_int(
                d.pointer("/spec/strategy/rollingUpdate/maxUnavailable"),
                desired,
                false,
            );
            if surge == 0 && unavailable == 0 {
                unavailable = 1;
            }
            // Scale the new ReplicaSet up within the surge budget, or down to the desired size.
            let total = old_total + new_replicas;
            if new_replicas < desired {
                let room = desired + surge - total;
                if room > 0 {
                    changed |= self.scale_rs(&d, &new_key, (new_replicas + room).min(desired));
                }
            } else if new_replicas > desired {
                changed |= self.scale_rs(&d, &new_key, desired);
            }
            // Scale old ReplicaSets down while enough pods stay available.
            let all_available: i64 =
                available(&new_rs) + olds.iter().map(|(_, v)| available(v)).sum::<i64>();
            let mut budget = all_available - (desired - unavailable);
            for (rk, v) in &olds {
                let r = replicas(v);
                // Old pods that are not available can always go.
                let unhealthy = (r - available(v)).max(0);
                let cut = (unhealthy + budget.max(0)).min(r);
                if cut > 0 {
                    changed |= self.scale_rs(&d, rk, r - cut);
                    budget -= (cut - unhealthy).max(0);
                }
            }
        }
        // Status.
        let owned: Vec<Value> = self
            .owned_keyed("ReplicaSet", &k.1, &d_uid)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        let sum = |f: &str| -> i64 {
            owned
                .iter()
                .map(|v| v["status"][f].as_i64().unwrap_or(0))
                .sum()
        };
        let new_rs = self.store.get(&new_key).cloned().unwrap_or(Value::Null);
        let avail = sum("availableReplicas");
        let updated = new_rs
            .pointer("/status/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let min_available = desired
            - pct_or_int(
                d.pointer("/spec/strategy/rollingUpdate/maxUnavailable"),
                desired,
                false,
            );
        let old_status = d["status"].clone();
        let condition = |kind: &str, ok: bool, reason: &str, message: String| {
            let previous = old_status["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["type"] == kind)
                .cloned();
            let status = if ok { "True" } else { "False" };
            let since = match &previous {
                Some(p) if p["status"] == status => p["lastTransitionTime"].clone(),
                _ => json!(rfc3339(self.now)),
            };
            let updated = match &previous {
                Some(p) if p["status"] == status && p["reason"] == reason => {
                    p["lastUpdateTime"].clone()
                }
                _ => json!(rfc3339(self.now)),
            };
            json!({"type": kind, "status": status, "lastUpdateTime": updated, "lastTransitionTime": since,
                   "reason": reason, "message": message})
        };
        let available_cond = if avail >= min_available {
            condition(
                "Available",
                true,
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            )
        } else {
            condition(
                "Available",
                false,
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            )
        };
        let complete =
            updated == desired && available(&new_rs) == desired && sum("replicas") == desired;
        // util.DeploymentProgressing: more updated, ready or available pods, or fewer old ones,
        // than the last status says.
        let old_int = |f: &str| old_status[f].as_i64().unwrap_or(0);
        let made_progress = old_status.is_null()
            || updated > old_int("updatedReplicas")
            || sum("readyReplicas") > old_int("readyReplicas")
            || avail > old_int("availableReplicas")
            || sum("replicas") - updated < old_int("replicas") - old_int("updatedReplicas")
            || d["metadata"]["generation"] != old_status["observedGeneration"];
        let deadline = d
            .pointer("/spec/progressDeadlineSeconds")
            .and_then(Value::as_i64)
            .or(Some(600))
            .map(|s| s.clamp(0, crate::limits::MAX_INT32) as u64 * crate::clock::SECOND);
        let previous = old_status["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == "Progressing")
            .cloned()
            .unwrap_or(Value::Null);
        let progressing = if complete {
            condition(
                "Progressing",
                true,
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{new_name}\" has successfully progressed."),
            )
        } else if made_progress || previous.is_null() {
            let mut c = condition(
                "Progressing",
                true,
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{new_name}\" is progressing."),
            );
            c["lastUpdateTime"] = json!(rfc3339(self.now));
            if let Some(dl) = deadline {
                self.wake_at(
                    self.now
                        .saturating_add(dl)
                        .saturating_add(crate::clock::SECOND),
                );
            }
            c
        } else {
            let since = previous["lastUpdateTime"]
                .as_str()
                .and_then(crate::clock::parse_rfc3339)
                .unwrap_or(self.now);
            let timed_out = previous["reason"] == "ProgressDeadlineExceeded"
                || deadline.is_some_and(|dl| self.now > since.saturating_add(dl));
            if timed_out {
                condition(
                    "Progressing",
                    false,
                    "ProgressDeadlineExceeded",
                    format!("ReplicaSet \"{new_name}\" has timed out progressing."),
                )
            } else {
                previous.clone()
            }
        };
        // While progressing, the condition times out once `now` passes its lastUpdateTime plus
        // the deadline even if nothing else changes: the deployment must run again then.
        match deadline {
            Some(dl) if !complete && progressing["reason"] != "ProgressDeadlineExceeded" => {
                let since = progressing["lastUpdateTime"]
                    .as_str()
                    .and_then(crate::clock::parse_rfc3339)
                    .unwrap_or(self.now);
                self.progress_deadlines
                    .insert(k.clone(), since.saturating_add(dl));
            }
            _ => {
                self.progress_deadlines.remove(k);
            }
        }
        let status = json!({
            "observedGeneration": d["metadata"]["generation"],
            "replicas": sum("replicas"),
            "updatedReplicas": updated,
            "readyReplicas": sum("readyReplicas"),
            "availableReplicas": avail,
            "unavailableReplicas": (desired - avail).max(0),
            "conditions": [available_cond, progressing],
        });
        changed | self.set_status_if_changed(k, status)
    }
}

impl Cluster {
    /// The Job controller: runs pods until `completions` succeeded, or fails the Job once
    /// failures exceed `backoffLimit` (default 6). Replacement pods are created at once (the
    /// real controller waits 10 s, doubling, between failures).
    fn reconcile_job(&mut self, k: &Key) -> bool {
        let Some(job) = self.store.get(k).cloned() else {
            return false;
        };
        let job_uid = uid(&job).to_string();
        let done = job["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True");
        let parallelism = job
            .pointer("/spec/parallelism")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0);
        let completions = job
            .pointer("/spec/completions")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0);
        let backoff_limit = job
            .pointer("/spec/backoffLimit")
            .and_then(Value::as_i64)
            .unwrap_or(6)
            .max(0);
        let pods: Vec<Value> = self.owned("Pod", &k.1, &job_uid);
        let phase = |p: &Value| {
            p.pointer("/status/phase")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64;
        let restarts: i64 = pods
            .iter()
            .flat_map(|p| {
                p["status"]["containerStatuses"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|c| c["restartCount"].as_i64().unwrap_or(0))
            .sum();
        let failed = pods.iter().filter(|p| phase(p) == "Failed").count() as i64 + restarts;
        // Pod failure back-off: consecutive failures since the last success delay the next pod
        // 10 s, doubling, capped at 6 minutes (the Job docs' "10s, 20s, 40s ... capped at six
        // minutes"); the controller notices a failure when it reconciles.
        let entry = self.job_backoff.entry(job_uid.clone()).or_default();
        for p in &pods {
            let name = p["metadata"]["name"].as_str().unwrap_or("").to_string();
            match phase(p).as_str() {
                "Failed" if entry.seen.insert(name.clone()) => {
                    entry.failures += 1;
                    entry.last_failure = self.now;
                }
                "Succeeded" if entry.seen.insert(name) => entry.failures = 0,
                _ => {}
            }
        }
        let backoff_until = (entry.failures > 0).then(|| {
            let exp = (entry.failures - 1).min(16);
            let delay = (JOB_BACKOFF_INITIAL << exp).min(JOB_BACKOFF_MAX);
            entry.last_failure.saturating_add(delay)
        });
        let active: Vec<&Value> = pods.iter().filter(|p| pod_active(p)).collect();
        let ready = active.iter().filter(|p| pod_ready(p)).count();
        let mut changed = false;
        let mut conditions: Vec<Value> = job["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut completion_time = job["status"]["completionTime"].clone();
        if !done {
            if failed > backoff_limit {
                for p in &active {
                    if let Some(name) = p["metadata"]["name"].as_str() {
                        let _ = self.delete("Pod", &k.1, name);
                    }
                }
                let msg = "Job has reached the specified backoff limit";
                conditions.push(json!({"type": "Failed", "status": "True", "lastProbeTime": rfc3339(self.now),
                    "lastTransitionTime": rfc3339(self.now), "reason": "BackoffLimitExceeded", "message": msg}));
                self.controller_event(
                    &job,
                    "job-controller",
                    EventType::Warning,
                    "BackoffLimitExceeded",
                    msg.into(),
                );
                changed = true;
            } else if succeeded >= completions {
                conditions.push(
                    json!({"type": "Complete", "status": "True", "lastProbeTime": rfc3339(self.now),
                    "lastTransitionTime": rfc3339(self.now)}),
                );
                completion_time = json!(rfc3339(self.now));
                self.controller_event(
                    &job,
                    "job-controller",
                    EventType::Normal,
                    "Completed",
                    "Job completed".into(),
                );
                changed = true;
            } else {
                let want = parallelism.min(completions - succeeded);
                let mut to_create = (want - active.len() as i64).clamp(0, 500);
                if let Some(until) = backoff_until.filter(|u| *u > self.now) {
                    if to_create > 0 {
                        self.wake_at(until);
                    }
                    to_create = 0;
                }
                for _ in 0..to_create {
                    let mut pod = json!({
                        "apiVersion": "v1",
                        "kind": "Pod",
                        "metadata": template_metadata(&job),
                        "spec": job.pointer("/spec/template/spec").cloned().unwrap_or(json!({})),
                    });
                    let name = format!("{}-{}", k.2, self.rng.name_suffix(5));
                    pod["metadata"]["name"] = json!(name);
                    pod["metadata"]["generateName"] = json!(format!("{}-", k.2));
                    pod["metadata"]["namespace"] = json!(k.1);
                    pod["metadata"]["ownerReferences"] = owner_ref(&job);
                    for (l, v) in [
                        ("batch.kubernetes.io/controller-uid", job_uid.as_str()),
                        ("batch.kubernetes.io/job-name", k.2.as_str()),
                        ("controller-uid", job_uid.as_str()),
                        ("job-name", k.2.as_str()),
                    ] {
                        pod["metadata"]["labels"][l] = json!(v);
                    }
                    match self.apply_pod(pod) {
                        Ok(_) => self.controller_event(
                            &job,
                            "job-controller",
                            EventType::Normal,
                            "SuccessfulCreate",
                            format!("Created pod: {name}"),
                        ),
                        Err(e) => {
                            self.controller_event(
                                &job,
                                "job-controller",
                                EventType::Warning,
                                "FailedCreate",
                                format!("Error creating: {e}"),
                            );
                            break;
                        }
                    }
                    changed = true;
                }
            }
        }
        let active_now = self
            .owned("Pod", &k.1, &job_uid)
            .iter()
            .filter(|p| pod_active(p))
            .count();
        let mut status = Map::new();
        if !conditions.is_empty() {
            status.insert("conditions".into(), Value::Array(conditions));
        }
        let start = job["status"]["startTime"].clone();
        status.insert(
            "startTime".into(),
            if start.is_null() {
                json!(rfc3339(self.now))
            } else {
                start
            },
        );
        if !completion_time.is_null() {
            status.insert("completionTime".into(), completion_time);
        }
        if active_now > 0 {
            status.insert("active".into(), json!(active_now));
        }
        if succeeded > 0 {
            status.insert("succeeded".into(), json!(succeeded));
        }
        if failed > 0 {
            status.insert("failed".into(), json!(failed));
        }
        status.insert("ready".into(), json!(ready));
        changed | self.set_status_if_changed(k, Value::Object(status))
    }
}

/// The object's annotations with `key` set.
fn merged_annotation(obj: &Value, key: &str, value: &str) -> Value {
    let mut a = obj
        .pointer("/metadata/annotations")
        .filter(|a| a.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    a[key] = json!(value);
    a
}

/// maxSurge/maxUnavailable: an int or a percentage of `desired` (surge rounds up,
/// unavailable rounds down); 25 % when unset.
fn pct_or_int(v: Option<&Value>, desired: i64, round_up: bool) -> i64 {
    let pct = |p: f64| {
        let x = p * desired as f64 / 100.0;
        if round_up {
            x.ceil() as i64
        } else {
            x.floor() as i64
        }
    };
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0).max(0),
        Some(Value::String(s)) => s.trim_end_matches('%').parse::<f64>().map(pct).unwrap_or(0),
        _ => pct(25.0),
    }
}
