//! The StatefulSet and DaemonSet controllers (kube-controller-manager's statefulset and
//! daemonset controllers, simplified).
//!
//! StatefulSet, OrderedReady: pods `<set>-<ordinal>` created one at a time, the next only when
//! every lower ordinal is Running and Ready; claims `<template>-<set>-<ordinal>` from
//! `volumeClaimTemplates` created (and bound at once) before their pod and kept when the pod or
//! set goes (retention policy Retain); scale-down removes the highest ordinal first, one at a
//! time; RollingUpdate replaces pods from the highest ordinal down, each after the others are
//! Running and Ready. `podManagementPolicy: Parallel` lifts the ordering.
//! DaemonSet: one pod per node, bound to it.

use super::controllers::{owner_ref, pod_ready, template_hash, template_metadata, uid};
use super::{key, Cluster};
use crate::events::EventType;
use crate::store::Key;
use serde_json::{json, Value};

/// Replicas a StatefulSet may ask for (pods and claims are objects in the bounded store).
const MAX_SET_REPLICAS: i64 = 1_000;

fn running_ready(pod: &Value) -> bool {
    pod["status"]["phase"] == "Running" && pod_ready(pod)
}

fn terminating(pod: &Value) -> bool {
    !pod["metadata"]["deletionTimestamp"].is_null()
}

fn failed(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Failed" | "Succeeded")
    )
}

/// API defaulting for apps/v1 StatefulSet.
pub(super) fn default_statefulset(obj: &mut Value) {
    let spec = &mut obj["spec"];
    if !spec.is_object() {
        return;
    }
    if spec["replicas"].is_null() {
        spec["replicas"] = json!(1);
    }
    if spec["podManagementPolicy"].is_null() {
        spec["podManagementPolicy"] = json!("OrderedReady");
    }
    if spec["updateStrategy"]["type"].is_null() {
        spec["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
    } else if spec["updateStrategy"]["type"] == "RollingUpdate"
        && spec["updateStrategy"]["rollingUpdate"]["partition"].is_null()
    {
        spec["updateStrategy"]["rollingUpdate"] = json!({"partition": 0});
    }
    if spec["revisionHistoryLimit"].is_null() {
        spec["revisionHistoryLimit"] = json!(10);
    }
    if spec["persistentVolumeClaimRetentionPolicy"].is_null() {
        spec["persistentVolumeClaimRetentionPolicy"] =
            json!({"whenDeleted": "Retain", "whenScaled": "Retain"});
    }
}

/// API defaulting for apps/v1 DaemonSet.
pub(super) fn default_daemonset(obj: &mut Value) {
    let spec = &mut obj["spec"];
    if !spec.is_object() {
        return;
    }
    if spec["updateStrategy"]["type"].is_null() {
        spec["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}});
    }
    if spec["revisionHistoryLimit"].is_null() {
        spec["revisionHistoryLimit"] = json!(10);
    }
}

fn ordinal(set: &str, pod: &str) -> Option<i64> {
    pod.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

impl Cluster {
    fn owned_pods(&self, ns: &str, owner_uid: &str) -> Vec<Value> {
        self.owned("Pod", ns, owner_uid)
    }

    pub(super) fn reconcile_statefulset(&mut self, k: &Key) -> bool {
        let Some(set) = self.store.get(k).cloned() else {
            return false;
        };
        let (ns, name) = (k.1.clone(), k.2.clone());
        let set_uid = uid(&set).to_string();
        let want = set["spec"]["replicas"]
            .as_i64()
            .unwrap_or(1)
            .clamp(0, MAX_SET_REPLICAS);
        let ordered = set["spec"]["podManagementPolicy"] != "Parallel";
        let revision = format!("{name}-{}", template_hash(&set["spec"]["template"]));
        let mut pods: Vec<(i64, Value)> = self
            .owned_pods(&ns, &set_uid)
            .into_iter()
            .filter_map(|p| Some((ordinal(&name, p["metadata"]["name"].as_str()?)?, p)))
            .collect();
        pods.sort_by_key(|(i, _)| *i);
        let mut changed = false;

        // Failed pods are deleted and recreated.
        for (_, p) in &pods {
            if failed(p) && !terminating(p) {
                let pname = p["metadata"]["name"].as_str().unwrap_or("").to_string();
                if self.delete("Pod", &ns, &pname).is_ok() {
                    self.set_event(&set, "SuccessfulDelete", "delete", &pname);
                    changed = true;
                }
            }
        }

        // Create missing ordinals in order.
        for i in 0..want {
            let existing = pods.iter().find(|(o, _)| *o == i).map(|(_, p)| p);
            match existing {
                Some(p) => {
                    if ordered && (!running_ready(p) || terminating(p)) {
                        break;
                    }
                }
                None => {
                    let pname = format!("{name}-{i}");
                    if self.store.contains(&key("Pod", &ns, &pname)) {
                        // An old instance is still terminating.
                        break;
                    }
                    if !self.create_set_pod(&set, i, &revision) {
                        break;
                    }
                    changed = true;
                    if ordered {
                        break;
                    }
                }
            }
        }

        let all_ready_below = |pods: &[(i64, Value)], limit: i64| {
            pods.iter()
                .filter(|(o, _)| *o < limit)
                .all(|(_, p)| running_ready(p) && !terminating(p))
                && pods.iter().filter(|(o, _)| *o < limit).count() as i64 == limit
        };
        // Scale down: highest ordinal first, one at a time when ordered.
        let extra: Vec<(i64, String)> = pods
            .iter()
            .rev()
            .filter(|(o, p)| *o >= want && !terminating(p))
            .map(|(o, p)| (*o, p["metadata"]["name"].as_str().unwrap_or("").to_string()))
            .collect();
        let any_terminating = pods.iter().any(|(_, p)| terminating(p));
        let blocked = ordered && any_terminating;
        if !extra.is_empty() && !blocked {
            for (_, pname) in extra.iter().take(if ordered { 1 } else { extra.len() }) {
                if ordered && !all_ready_below(&pods, want) {
                    break;
                }
                if self.delete("Pod", &ns, pname).is_ok() {
                    self.set_event(&set, "SuccessfulDelete", "delete", pname);
                    changed = true;
                }
            }
        }

        // RollingUpdate: replace the highest outdated ordinal at or above the partition once
        // all pods are Running and Ready.
        let strategy = set["spec"]["updateStrategy"]["type"]
            .as_str()
            .unwrap_or("RollingUpdate");
        let partition = set["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
            .as_i64()
            .unwrap_or(0);
        if strategy == "RollingUpdate" && !any_terminating && all_ready_below(&pods, want) {
            let outdated = pods.iter().rev().find(|(o, p)| {
                *o < want
                    && *o >= partition
                    && p["metadata"]["labels"]["controller-revision-hash"] != revision.as_str()
            });
            if let Some((_, p)) = outdated {
                let pname = p["metadata"]["name"].as_str().unwrap_or("").to_string();
                if self.delete("Pod", &ns, &pname).is_ok() {
                    self.set_event(&set, "SuccessfulDelete", "delete", &pname);
                    changed = true;
                }
            }
        }

        changed | self.statefulset_status(k, &set, &revision)
    }

    fn set_event(&mut self, set: &Value, reason: &str, verb: &str, pod: &str) {
        let name = set["metadata"]["name"].as_str().unwrap_or("");
        self.controller_event(
            set,
            "statefulset-controller",
            EventType::Normal,
            reason,
            format!("{verb} Pod {pod} in StatefulSet {name} successful"),
        );
    }

    /// Claims first (kept if they exist), then the pod.
    fn create_set_pod(&mut self, set: &Value, i: i64, revision: &str) -> bool {
        let ns = set["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        let name = set["metadata"]["name"].as_str().unwrap_or("").to_string();
        let pname = format!("{name}-{i}");
        let mut volumes: Vec<Value> = set["spec"]["template"]["spec"]["volumes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for t in set["spec"]["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let tname = t["metadata"]["name"].as_str().unwrap_or("").to_string();
            let claim = format!("{tname}-{pname}");
            volumes.retain(|v| v["name"] != tname.as_str());
            volumes.push(json!({"name": tname, "persistentVolumeClaim": {"claimName": claim}}));
            if self
                .store
                .contains(&key("PersistentVolumeClaim", &ns, &claim))
            {
                continue;
            }
            let mut obj = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": claim, "namespace": ns,
                    "labels": set["spec"]["selector"]["matchLabels"].clone()},
                "spec": t["spec"].clone()});
            if obj["spec"]["volumeMode"].is_null() && obj["spec"].is_object() {
                obj["spec"]["volumeMode"] = json!("Filesystem");
            }
            match self.apply(obj) {
                Ok(_) => self.controller_event(
                    set,
                    "statefulset-controller",
                    EventType::Normal,
                    "SuccessfulCreate",
                    format!("create Claim {claim} Pod {pname} in StatefulSet {name} success"),
                ),
                Err(e) => {
                    self.controller_event(
                        set,
                        "statefulset-controller",
                        EventType::Warning,
                        "FailedCreate",
                        format!("create Claim {claim} for Pod {pname} in StatefulSet {name} failed error: {e}"),
                    );
                    return false;
                }
            }
        }
        let mut meta = template_metadata(set);
        meta["name"] = json!(pname);
        meta["namespace"] = json!(ns);
        meta["labels"]["controller-revision-hash"] = json!(revision);
        meta["labels"]["statefulset.kubernetes.io/pod-name"] = json!(pname);
        meta["labels"]["apps.kubernetes.io/pod-index"] = json!(i.to_string());
        meta["ownerReferences"] = owner_ref(set);
        let mut spec = set["spec"]["template"]["spec"].clone();
        if !spec.is_object() {
            spec = json!({});
        }
        if !volumes.is_empty() {
            spec["volumes"] = json!(volumes);
        }
        spec["hostname"] = json!(pname);
        if let Some(svc) = set["spec"]["serviceName"]
            .as_str()
            .filter(|s| !s.is_empty())
        {
            spec["subdomain"] = json!(svc);
        }
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
        match self.apply_pod(pod) {
            Ok(_) => {
                self.set_event(set, "SuccessfulCreate", "create", &pname);
                true
            }
            Err(e) => {
                self.controller_event(
                    set,
                    "statefulset-controller",
                    EventType::Warning,
                    "FailedCreate",
                    format!("create Pod {pname} in StatefulSet {name} failed error: {e}"),
                );
                false
            }
        }
    }

    fn statefulset_status(&mut self, k: &Key, set: &Value, revision: &str) -> bool {
        let pods: Vec<Value> = self
            .owned_pods(&k.1, uid(set))
            .into_iter()
            .filter(|p| !terminating(p) && !failed(p))
            .collect();
        let replicas = pods.len();
        let ready = pods.iter().filter(|p| running_ready(p)).count();
        let updated = pods
            .iter()
            .filter(|p| p["metadata"]["labels"]["controller-revision-hash"] == revision)
            .count();
        let want = set["spec"]["replicas"].as_i64().unwrap_or(1).max(0) as usize;
        let old = &set["status"];
        // currentRevision moves to the update revision once every pod runs it.
        let mut current = old["currentRevision"]
            .as_str()
            .unwrap_or(revision)
            .to_string();
        if updated == want && replicas == want && ready == want {
            current = revision.to_string();
        }
        let current_replicas = if current == revision {
            updated
        } else {
            pods.iter()
                .filter(|p| p["metadata"]["labels"]["controller-revision-hash"] == current.as_str())
                .count()
        };
        let status = json!({
            "availableReplicas": ready,
            "collisionCount": 0,
            "currentReplicas": current_replicas,
            "currentRevision": current,
            "observedGeneration": set["metadata"]["generation"],
            "readyReplicas": ready,
            "replicas": replicas,
            "updateRevision": revision,
            "updatedReplicas": updated,
        });
        self.set_status_if_changed(k, status)
    }

    pub(super) fn reconcile_daemonset(&mut self, k: &Key) -> bool {
        let Some(ds) = self.store.get(k).cloned() else {
            return false;
        };
        let (ns, name) = (k.1.clone(), k.2.clone());
        let ds_uid = uid(&ds).to_string();
        let revision = template_hash(&ds["spec"]["template"]);
        let pods: Vec<Value> = self
            .owned_pods(&ns, &ds_uid)
            .into_iter()
            .filter(|p| !terminating(p))
            .collect();
        let mut changed = false;
        let node_names: Vec<String> = self.nodes.iter().map(|n| n.name.clone()).collect();
        for node in &node_names {
            let on_node: Vec<&Value> = pods
                .iter()
                .filter(|p| p["spec"]["nodeName"] == node.as_str())
                .collect();
            let outdated = on_node.iter().find(|p| {
                p["metadata"]["labels"]["controller-revision-hash"] != revision.as_str()
                    || failed(p)
            });
            if let Some(p) = outdated {
                // RollingUpdate with maxUnavailable 1: one node at a time.
                let others_ready = pods
                    .iter()
                    .filter(|q| q["spec"]["nodeName"] != node.as_str())
                    .all(running_ready);
                if others_ready || failed(p) {
                    let pname = p["metadata"]["name"].as_str().unwrap_or("").to_string();
                    if self.delete("Pod", &ns, &pname).is_ok() {
                        self.controller_event(
                            &ds,
                            "daemonset-controller",
                            EventType::Normal,
                            "SuccessfulDelete",
                            format!("Deleted pod: {pname}"),
                        );
                        changed = true;
                    }
                }
                continue;
            }
            if !on_node.is_empty() {
                continue;
            }
            let mut meta = template_metadata(&ds);
            let pname = format!("{name}-{}", self.rng.name_suffix(5));
            meta["name"] = json!(pname);
            meta["generateName"] = json!(format!("{name}-"));
            meta["namespace"] = json!(ns);
            meta["labels"]["controller-revision-hash"] = json!(revision);
            meta["labels"]["pod-template-generation"] = json!(ds["metadata"]["generation"]
                .as_i64()
                .unwrap_or(1)
                .to_string());
            meta["ownerReferences"] = owner_ref(&ds);
            let mut spec = ds["spec"]["template"]["spec"].clone();
            if !spec.is_object() {
                spec = json!({});
            }
            spec["nodeName"] = json!(node);
            let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
            match self.apply_pod(pod) {
                Ok(_) => {
                    self.controller_event(
                        &ds,
                        "daemonset-controller",
                        EventType::Normal,
                        "SuccessfulCreate",
                        format!("Created pod: {pname}"),
                    );
                    changed = true;
                }
                Err(e) => {
                    self.controller_event(
                        &ds,
                        "daemonset-controller",
                        EventType::Warning,
                        "FailedCreate",
                        format!("Error creating: {e}"),
                    );
                    break;
                }
            }
        }
        let pods: Vec<Value> = self
            .owned_pods(&ns, &ds_uid)
            .into_iter()
            .filter(|p| !terminating(p))
            .collect();
        let desired = node_names.len();
        let scheduled = pods.len();
        let ready = pods.iter().filter(|p| running_ready(p)).count();
        let updated = pods
            .iter()
            .filter(|p| p["metadata"]["labels"]["controller-revision-hash"] == revision.as_str())
            .count();
        let mut status = json!({
            "currentNumberScheduled": scheduled,
            "desiredNumberScheduled": desired,
            "numberAvailable": ready,
            "numberMisscheduled": 0,
            "numberReady": ready,
            "observedGeneration": ds["metadata"]["generation"],
            "updatedNumberScheduled": updated,
        });
        if desired > ready {
            status["numberUnavailable"] = json!(desired - ready);
        }
        if ready == 0 {
            status.as_object_mut().map(|m| m.remove("numberAvailable"));
        }
        changed | self.set_status_if_changed(k, status)
    }
}
