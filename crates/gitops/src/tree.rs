//! The resource tree Argo CD shows: parent/child edges from owner references plus the
//! parents Kubernetes does not record, and the info line shown for pods.

use crate::health::{Assessor, Health};
use serde_json::Value;
use std::borrow::Borrow;
use std::collections::HashMap;

/// Identity of an object in the tree (core group is "").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ResourceKey {
    pub fn of(obj: &Value) -> ResourceKey {
        let api_version = text(obj, &["apiVersion"]);
        let group = api_version
            .split_once('/')
            .map_or("", |(group, _)| group)
            .to_string();
        ResourceKey {
            group,
            kind: text(obj, &["kind"]).to_string(),
            namespace: text(obj, &["metadata", "namespace"]).to_string(),
            name: text(obj, &["metadata", "name"]).to_string(),
        }
    }
}

/// One object with the edges and details the tree view needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    pub key: ResourceKey,
    /// Indexes of this node's parents in [`Tree::nodes`].
    pub parents: Vec<usize>,
    /// Name/value pairs shown under the node ("Status Reason", "Containers", ...).
    pub info: Vec<(String, String)>,
    pub health: Option<Health>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub nodes: Vec<TreeNode>,
}

impl Tree {
    /// Indexes of the direct children of node `i`.
    pub fn children(&self, i: usize) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|c| self.nodes[*c].parents.contains(&i))
            .collect()
    }

    /// Indexes of nodes without a parent among the objects given.
    pub fn roots(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|i| self.nodes[*i].parents.is_empty())
            .collect()
    }
}

/// An owner reference, as recorded or inferred.
struct OwnerRef<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: &'a str,
    uid: &'a str,
}

/// Builds the tree over live objects, assessing each one's health with `assessor`.
pub fn build(objects: &[Value], assessor: &Assessor) -> Tree {
    build_refs(&objects.iter().collect::<Vec<_>>(), assessor)
}

fn build_refs(objects: &[&Value], assessor: &Assessor) -> Tree {
    let keys: Vec<ResourceKey> = objects.iter().map(|o| ResourceKey::of(o)).collect();
    // Candidate parents by UID and by kind/name, so large apps are not quadratic.
    let mut by_uid: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, obj) in objects.iter().enumerate() {
        let uid = text(obj, &["metadata", "uid"]);
        if !uid.is_empty() {
            by_uid.entry(uid).or_default().push(i);
        }
        by_name
            .entry((keys[i].kind.as_str(), keys[i].name.as_str()))
            .or_default()
            .push(i);
    }
    let nodes = objects
        .iter()
        .enumerate()
        .map(|(i, obj)| {
            let refs = owner_refs(obj);
            let mut candidates: Vec<usize> = Vec::new();
            for r in &refs {
                let found = if r.uid.is_empty() {
                    by_name.get(&(r.kind, r.name))
                } else {
                    by_uid.get(r.uid)
                };
                candidates.extend(found.into_iter().flatten().copied());
            }
            candidates.sort_unstable();
            candidates.dedup();
            let mut parents: Vec<usize> = candidates
                .into_iter()
                .filter(|p| *p != i && is_parent(objects[*p], &keys[*p], &keys[i], &refs))
                .collect();
            // StatefulSets own the claims of their volume templates without saying so.
            if keys[i].group.is_empty() && keys[i].kind == "PersistentVolumeClaim" {
                for (p, candidate) in objects.iter().enumerate() {
                    let k = &keys[p];
                    let is_sts = k.kind == "StatefulSet"
                        && (k.group == "apps" || k.group == "extensions")
                        && k.namespace == keys[i].namespace;
                    if is_sts && claims_template(candidate, &k.name, &keys[i].name) {
                        parents.push(p);
                    }
                }
                parents.sort_unstable();
                parents.dedup();
            }
            let info = if keys[i].group.is_empty() && keys[i].kind == "Pod" {
                pod_info(obj)
            } else {
                Vec::new()
            };
            TreeNode {
                key: keys[i].clone(),
                parents,
                info,
                health: assessor.assess(obj),
            }
        })
        .collect();
    Tree { nodes }
}

/// The kinds a resource tree looks among for the children of managed objects (what
/// Deployments, Services, StatefulSets and Jobs create).
pub const CHILD_KINDS: [&str; 7] = [
    "ReplicaSet",
    "Pod",
    "EndpointSlice",
    "Endpoints",
    "PersistentVolumeClaim",
    "Job",
    "Secret",
];

/// The tree of an application: its managed objects and everything that descends from
/// them among `others` (ReplicaSets, Pods, EndpointSlices... that the app does not track
/// but its resources own). Nodes keep the order managed-first.
pub fn build_app<M: Borrow<Value>, O: Borrow<Value>>(
    managed: &[M],
    others: &[O],
    assessor: &Assessor,
) -> Tree {
    let mut all: Vec<&Value> = managed.iter().map(Borrow::borrow).collect();
    let known: std::collections::HashSet<ResourceKey> =
        all.iter().map(|m| ResourceKey::of(m)).collect();
    all.extend(
        others
            .iter()
            .map(Borrow::borrow)
            .filter(|o| !known.contains(&ResourceKey::of(o))),
    );
    let full = build_refs(&all, assessor);
    // Keep what is reachable from the managed roots.
    let mut keep = vec![false; all.len()];
    let mut stack: Vec<usize> = (0..managed.len()).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); all.len()];
    for (c, n) in full.nodes.iter().enumerate() {
        for &p in &n.parents {
            children[p].push(c);
        }
    }
    while let Some(i) = stack.pop() {
        if keep[i] {
            continue;
        }
        keep[i] = true;
        stack.extend(children[i].iter().copied());
    }
    let mut index = vec![usize::MAX; all.len()];
    let mut nodes = Vec::new();
    for (i, node) in full.nodes.into_iter().enumerate() {
        if keep[i] {
            index[i] = nodes.len();
            nodes.push(node);
        }
    }
    for n in &mut nodes {
        n.parents = n
            .parents
            .iter()
            .filter(|p| index[**p] != usize::MAX)
            .map(|p| index[*p])
            .collect();
    }
    Tree { nodes }
}

/// Recorded owner references plus the inferred ones: an Endpoints object without owners
/// belongs to the Service of its name, a service-account token Secret to its ServiceAccount.
fn owner_refs(obj: &Value) -> Vec<OwnerRef<'_>> {
    let mut refs: Vec<OwnerRef<'_>> = items(obj, &["metadata", "ownerReferences"])
        .iter()
        .map(|r| OwnerRef {
            api_version: text(r, &["apiVersion"]),
            kind: text(r, &["kind"]),
            name: text(r, &["name"]),
            uid: text(r, &["uid"]),
        })
        .collect();
    let api_version = text(obj, &["apiVersion"]);
    let kind = text(obj, &["kind"]);
    let core = !api_version.contains('/');
    if core && kind == "Endpoints" && refs.is_empty() {
        refs.push(OwnerRef {
            api_version: "v1",
            kind: "Service",
            name: text(obj, &["metadata", "name"]),
            uid: "",
        });
    }
    if core && kind == "Secret" && text(obj, &["type"]) == "kubernetes.io/service-account-token" {
        let annotations = &["metadata", "annotations"];
        let name = at(obj, annotations)
            .and_then(|a| a.get("kubernetes.io/service-account.name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let uid = at(obj, annotations)
            .and_then(|a| a.get("kubernetes.io/service-account.uid"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if !name.is_empty() && !uid.is_empty() {
            refs.push(OwnerRef {
                api_version: "v1",
                kind: "ServiceAccount",
                name,
                uid,
            });
        }
    }
    refs
}

/// A reference names its parent by UID, or (without UID) by apiVersion, kind and name.
/// Owners live in the child's namespace or are cluster-scoped.
fn is_parent(parent: &Value, pkey: &ResourceKey, ckey: &ResourceKey, refs: &[OwnerRef]) -> bool {
    let uid = text(parent, &["metadata", "uid"]);
    refs.iter().any(|r| {
        if r.uid.is_empty() {
            let same_scope = pkey.namespace == ckey.namespace || pkey.namespace.is_empty();
            same_scope
                && r.kind == pkey.kind
                && r.api_version == text(parent, &["apiVersion"])
                && r.name == pkey.name
        } else {
            !uid.is_empty() && r.uid == uid
        }
    })
}

/// `<template>-<statefulset>-<ordinal>`, matched at the end of the claim name.
fn claims_template(sts: &Value, sts_name: &str, claim: &str) -> bool {
    let digits = claim.len() - claim.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return false;
    }
    let Some(stem) = claim[..claim.len() - digits].strip_suffix('-') else {
        return false;
    };
    items(sts, &["spec", "volumeClaimTemplates"])
        .iter()
        .any(|t| {
            let template = text(t, &["metadata", "name"]);
            stem.ends_with(&format!("{template}-{sts_name}"))
        })
}

/// The pod details Argo CD lists: "Status Reason" (as `kubectl get pods` computes it),
/// "Node", "Containers" ready/total and "Restart Count" when there were restarts.
pub fn pod_info(pod: &Value) -> Vec<(String, String)> {
    let phase = text(pod, &["status", "phase"]);
    let mut reason = match text(pod, &["status", "reason"]) {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    let conditions = items(pod, &["status", "conditions"]);
    let gated = conditions
        .iter()
        .any(|c| text(c, &["type"]) == "PodScheduled" && text(c, &["reason"]) == "SchedulingGated");
    if gated {
        reason = "SchedulingGated".to_string();
    }
    let init_specs = items(pod, &["spec", "initContainers"]);
    // Restartable init containers (sidecars) count as containers.
    let restartable = |name: &str| {
        init_specs
            .iter()
            .any(|c| text(c, &["name"]) == name && text(c, &["restartPolicy"]) == "Always")
    };
    let sidecars = init_specs
        .iter()
        .filter(|c| text(c, &["restartPolicy"]) == "Always")
        .count();
    let total = items(pod, &["spec", "containers"]).len() + sidecars;
    let mut ready = 0;
    let mut restarts = 0;

    let mut initializing = false;
    for (i, c) in items(pod, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        restarts += int(c, &["restartCount"]);
        let terminated = at(c, &["state", "terminated"]).filter(|t| t.is_object());
        let waiting_reason = text(c, &["state", "waiting", "reason"]);
        if terminated.is_some_and(|t| int(t, &["exitCode"]) == 0) {
            continue;
        }
        if restartable(text(c, &["name"])) && bool_at(c, &["started"]) {
            if bool_at(c, &["ready"]) {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = terminated {
            match text(t, &["reason"]) {
                "" if int(t, &["signal"]) != 0 => format!("Init:Signal:{}", int(t, &["signal"])),
                "" => format!("Init:ExitCode:{}", int(t, &["exitCode"])),
                r => format!("Init:{r}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }
    let initialized = conditions
        .iter()
        .find(|c| text(c, &["type"]) == "Initialized")
        .is_some_and(|c| text(c, &["status"]) == "True");
    if !initializing || initialized {
        let mut running = false;
        for c in items(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts += int(c, &["restartCount"]);
            let waiting = text(c, &["state", "waiting", "reason"]);
            let terminated = at(c, &["state", "terminated"]).filter(|t| t.is_object());
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = terminated {
                reason = match text(t, &["reason"]) {
                    "" if int(t, &["signal"]) != 0 => format!("Signal:{}", int(t, &["signal"])),
                    "" => format!("ExitCode:{}", int(t, &["exitCode"])),
                    r => r.to_string(),
                };
            } else if bool_at(c, &["ready"]) && at(c, &["state", "running"]).is_some() {
                running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && running {
            reason = "Running".to_string();
        }
    }
    let deleting = at(pod, &["metadata", "deletionTimestamp"]).is_some_and(|d| !d.is_null());
    if deleting && text(pod, &["status", "reason"]) == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting && phase != "Failed" && phase != "Succeeded" {
        reason = "Terminating".to_string();
    }

    let mut info = Vec::new();
    if !reason.is_empty() {
        info.push(("Status Reason".to_string(), reason));
    }
    info.push((
        "Node".to_string(),
        text(pod, &["spec", "nodeName"]).to_string(),
    ));
    info.push(("Containers".to_string(), format!("{ready}/{total}")));
    if restarts > 0 {
        info.push(("Restart Count".to_string(), restarts.to_string()));
    }
    info
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

fn int(v: &Value, path: &[&str]) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn bool_at(v: &Value, path: &[&str]) -> bool {
    at(v, path).and_then(Value::as_bool).unwrap_or(false)
}

fn items<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(tree: &Tree, of: &[usize]) -> Vec<String> {
        of.iter().map(|i| tree.nodes[*i].key.name.clone()).collect()
    }

    #[test]
    fn owner_references_and_inferred_parents() {
        let objects = vec![
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a", "uid": "d1"}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-5d", "namespace": "a", "uid": "r1",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d1"}]}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-5d-x", "namespace": "a",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d"}]}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "a", "uid": "s1"}}),
            json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "a"}}),
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bot", "namespace": "a", "uid": "sa1"}}),
            json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
                   "metadata": {"name": "bot-token", "namespace": "a", "annotations": {
                       "kubernetes.io/service-account.name": "bot", "kubernetes.io/service-account.uid": "sa1"}}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "a", "uid": "st1"},
                   "spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}}]}}),
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data-db-0", "namespace": "a"}}),
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data-db-x", "namespace": "a"}}),
        ];
        let tree = build(&objects, &Assessor::new());
        assert_eq!(names(&tree, &tree.children(0)), ["web-5d"]);
        assert_eq!(names(&tree, &tree.children(1)), ["web-5d-x"]);
        assert_eq!(names(&tree, &tree.children(3)), ["web"]);
        assert_eq!(names(&tree, &tree.children(5)), ["bot-token"]);
        assert_eq!(names(&tree, &tree.children(7)), ["data-db-0"]);
        assert_eq!(
            names(&tree, &tree.roots()),
            ["web", "web", "bot", "db", "data-db-x"]
        );
    }

    #[test]
    fn app_tree_keeps_descendants_of_managed_objects() {
        let managed = vec![
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a", "uid": "d1"}}),
        ];
        let others = vec![
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-1", "namespace": "a", "uid": "r1",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d1"}]}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1-x", "namespace": "a", "uid": "p1",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "r1"}]}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stranger", "namespace": "a", "uid": "p2"}}),
            managed[0].clone(),
        ];
        let tree = build_app(&managed, &others, &Assessor::new());
        let all: Vec<String> = tree.nodes.iter().map(|n| n.key.name.clone()).collect();
        assert_eq!(all, ["web", "web-1", "web-1-x"]);
        assert_eq!(tree.nodes[2].parents, [1]);
        assert_eq!(tree.roots(), [0]);
    }

    fn pod(status: Value, spec: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec, "status": status})
    }

    fn info(pod: &Value, name: &str) -> Option<String> {
        pod_info(pod)
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    #[test]
    fn pod_status_reason_like_kubectl() {
        let spec = json!({"nodeName": "n1", "containers": [{"name": "a"}, {"name": "b"}],
                          "initContainers": [{"name": "i1"}, {"name": "i2"}]});
        let initializing = pod(
            json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "i1", "state": {"terminated": {"exitCode": 0}}},
                {"name": "i2", "state": {"running": {}}}]}),
            spec.clone(),
        );
        assert_eq!(
            info(&initializing, "Status Reason").as_deref(),
            Some("Init:1/2")
        );

        let crashing = pod(
            json!({"phase": "Running", "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 1, "state": {"running": {}}},
                {"name": "b", "ready": false, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
            spec.clone(),
        );
        assert_eq!(
            pod_info(&crashing),
            vec![
                ("Status Reason".to_string(), "CrashLoopBackOff".to_string()),
                ("Node".to_string(), "n1".to_string()),
                ("Containers".to_string(), "1/2".to_string()),
                ("Restart Count".to_string(), "5".to_string()),
            ]
        );

        let mut deleting = pod(json!({"phase": "Running"}), spec);
        deleting["metadata"]["deletionTimestamp"] = json!("2024-01-01T00:00:00Z");
        assert_eq!(
            info(&deleting, "Status Reason").as_deref(),
            Some("Terminating")
        );
    }

    #[test]
    fn sidecars_count_as_containers_and_completed_turns_running() {
        let p = pod(
            json!({"phase": "Running",
                "initContainerStatuses": [{"name": "proxy", "started": true, "ready": true, "state": {"running": {}}}],
                "containerStatuses": [
                    {"name": "job", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                    {"name": "web", "ready": true, "state": {"running": {}}}]}),
            json!({"initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
                   "containers": [{"name": "web"}, {"name": "job"}]}),
        );
        assert_eq!(info(&p, "Containers").as_deref(), Some("2/3"));
        assert_eq!(info(&p, "Status Reason").as_deref(), Some("Running"));
    }
}
