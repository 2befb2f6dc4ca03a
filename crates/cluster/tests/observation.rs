//! What observers read besides objects: the probe result log, typed pod snapshots, the change
//! feed and filtered listing.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::{ChangeType, Cluster, ClusterConfig, ProbeKind, ProbeOutcome};
use serde_json::{json, Value};

fn liveness_pod() -> Value {
    // agnhost liveness: /healthz answers 200 for 10 s, then 500.
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "live"},
        "spec": {"containers": [{"name": "agnhost",
            "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080},
                "initialDelaySeconds": 3, "periodSeconds": 3}}]}})
}

#[test]
fn the_probe_log_keeps_successes_and_failures() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(liveness_pod()).unwrap();
    c.run_until(30 * SECOND).unwrap();
    let uid = c.get("Pod", "default", "live").unwrap()["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string();
    let records = c.probe_results();
    assert!(records.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(records.iter().all(|r| r.pod.name == "live"
        && r.pod.uid == uid
        && &*r.container == "agnhost"
        && r.kind == ProbeKind::Liveness));
    let first_failure = records
        .iter()
        .position(|r| r.result == ProbeOutcome::Failure)
        .expect("the probe fails after 10 s");
    assert!(first_failure >= 2, "successes come first: {records:?}");
    assert!(records[..first_failure]
        .iter()
        .all(|r| r.result == ProbeOutcome::Success));
    assert_eq!(
        records[first_failure].output,
        "HTTP probe failed with statuscode: 500"
    );
    // Each failure also has its Unhealthy event occurrence: the log and the events agree.
    let failures = records
        .iter()
        .filter(|r| r.result == ProbeOutcome::Failure)
        .count();
    let unhealthy: usize = c
        .events()
        .all()
        .iter()
        .filter(|e| e.reason == "Unhealthy")
        .map(|e| e.count as usize)
        .sum();
    assert_eq!(failures, unhealthy);
}

#[test]
fn snapshots_carry_uid_exit_time_and_waiting_reason() {
    let mut c = Cluster::new(ClusterConfig::default());
    let crashing = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"},
        "spec": {"containers": [{"name": "sh", "image": "busybox:1.36",
            "command": ["sh", "-c", "sleep 2; exit 1"]}]}});
    c.apply(crashing.clone()).unwrap();
    c.run_until(20 * SECOND).unwrap();
    let backoff = c
        .history()
        .iter()
        .find(|s| s.containers[0].waiting_reason.as_deref() == Some("CrashLoopBackOff"))
        .expect("the container crash-loops");
    let exit = backoff.containers[0].terminated_at.expect("it exited");
    // The instance that exited ran `sleep 2`.
    let started = c
        .history()
        .iter()
        .rev()
        .filter(|s| s.at <= exit)
        .find_map(|s| s.containers[0].running_since)
        .unwrap();
    assert_eq!(exit - started, 2 * SECOND);
    assert!(c
        .history()
        .iter()
        .any(|s| s.containers[0].waiting_reason.as_deref() == Some("ContainerCreating")));

    // Deleted and created again under the same name: another uid.
    let first_uid = backoff.uid.clone();
    c.delete("Pod", "default", "crash").unwrap();
    c.run_until(60 * SECOND).unwrap();
    assert!(c.get("Pod", "default", "crash").is_none());
    c.apply(crashing).unwrap();
    c.run_until(70 * SECOND).unwrap();
    let last = c.history().last().unwrap();
    assert_eq!(last.name, "crash");
    assert_ne!(last.uid, first_uid);
    assert_eq!(
        c.get("Pod", "default", "crash").unwrap()["metadata"]["uid"],
        last.uid.as_str()
    );
}

#[test]
fn the_change_feed_reports_every_change_in_order() {
    let mut c = Cluster::new(ClusterConfig::default());
    let start = c.resource_version();
    let cm = |v: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
        "data": {"k": v}})
    };
    c.apply(cm("1")).unwrap();
    c.apply(cm("1")).unwrap(); // unchanged: no entry
    c.apply(cm("2")).unwrap();
    c.delete("ConfigMap", "default", "cfg").unwrap();
    let changes = c.changes_since(start).unwrap();
    let seen: Vec<(ChangeType, &str)> = changes
        .iter()
        .map(|ch| (ch.change, ch.key.2.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (ChangeType::Added, "cfg"),
            (ChangeType::Modified, "cfg"),
            (ChangeType::Deleted, "cfg")
        ]
    );
    assert!(changes
        .windows(2)
        .all(|w| w[0].resource_version < w[1].resource_version));
    assert_eq!(
        changes.last().unwrap().resource_version,
        c.resource_version()
    );
    assert!(c.changes_since(c.resource_version()).unwrap().is_empty());

    // Pod status changes are on the feed too, with the pod's controller.
    let rv = c.resource_version();
    c.apply(
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "a"}},
            "template": {"metadata": {"labels": {"app": "a"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}),
    )
    .unwrap();
    c.run_until(30 * SECOND).unwrap();
    let rs_uid = c.get("ReplicaSet", "default", "rs").unwrap()["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string();
    let changes = c.changes_since(rv).unwrap();
    let pod_changes: Vec<_> = changes.iter().filter(|ch| ch.key.0 == "Pod").collect();
    assert!(pod_changes.len() >= 3, "{pod_changes:?}");
    assert!(pod_changes
        .iter()
        .all(|ch| ch.controller_uid.as_deref() == Some(rs_uid.as_str())));
    assert_eq!(c.owned("Pod", "default", &rs_uid).len(), 1);
    assert!(c.owned("Pod", "other", &rs_uid).is_empty());
}

#[test]
fn filtered_listing_sees_stored_metadata() {
    let mut c = Cluster::new(ClusterConfig::default());
    for (name, tier) in [("a", "web"), ("b", "db"), ("c", "web")] {
        c.apply(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"tier": tier}},
            "spec": {"containers": [{"name": "x", "image": "nginx:1.25"}]}}))
            .unwrap();
    }
    c.run_until(20 * SECOND).unwrap();
    let web = c.list_filtered("Pod", |p| p["metadata"]["labels"]["tier"] == "web");
    let names: Vec<&str> = web
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "c"]);
    // What is kept is the full object, status included.
    assert_eq!(web[0], c.get("Pod", "default", "a").unwrap());
    assert_eq!(web[0]["status"]["phase"], "Running");
    assert_eq!(c.list_namespaced("Pod", "default").len(), 3);
    assert!(c.list_namespaced("Pod", "kube-system").is_empty());
}
