//! Finalizers hold a deleted object (with its deletionTimestamp) until they are removed.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::json;

const HOOK: &str = "argocd.argoproj.io/hook-finalizer";

#[test]
fn a_held_object_is_marked_then_goes_with_its_last_finalizer() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cm", "finalizers": [HOOK, "example.com/other"]}}))
        .unwrap();
    c.run_until(5 * SECOND).unwrap();
    c.delete("ConfigMap", "default", "cm").unwrap();
    let held = c.get("ConfigMap", "default", "cm").expect("still there");
    assert_eq!(
        held["metadata"]["deletionTimestamp"],
        "2025-01-01T00:00:05Z"
    );
    c.set_finalizers("ConfigMap", "default", "cm", &["example.com/other"])
        .unwrap();
    assert!(c.get("ConfigMap", "default", "cm").is_some());
    c.set_finalizers("ConfigMap", "default", "cm", &[]).unwrap();
    assert!(c.get("ConfigMap", "default", "cm").is_none());
    assert_eq!(
        c.set_finalizers("ConfigMap", "default", "cm", &[])
            .unwrap_err()
            .to_string(),
        "configmaps \"cm\" not found"
    );
}

#[test]
fn a_completed_hook_pod_stays_until_its_finalizer_is_removed() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hook", "finalizers": [HOOK]},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1.36", "command": ["true"]}]}}))
        .unwrap();
    c.run_until(20 * SECOND).unwrap();
    c.delete("Pod", "default", "hook").unwrap();
    c.run_until(60 * SECOND).unwrap();
    let pod = c
        .get("Pod", "default", "hook")
        .expect("held by its finalizer");
    assert_eq!(pod["status"]["phase"], "Succeeded");
    assert!(pod["metadata"]["deletionTimestamp"].is_string());
    c.set_finalizers("Pod", "default", "hook", &[]).unwrap();
    assert!(c.get("Pod", "default", "hook").is_none());
}

#[test]
fn a_running_pod_goes_when_both_its_containers_and_finalizers_are_done() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "finalizers": [HOOK]},
        "spec": {"terminationGracePeriodSeconds": 5, "containers": [{"name": "c", "image": "nginx:1.25"}]}}))
        .unwrap();
    c.run_until(20 * SECOND).unwrap();
    c.delete("Pod", "default", "web").unwrap();
    // The finalizer goes first: the pod still terminates for its grace period.
    c.set_finalizers("Pod", "default", "web", &[]).unwrap();
    assert!(c.get("Pod", "default", "web").is_some());
    c.run_until(40 * SECOND).unwrap();
    assert!(c.get("Pod", "default", "web").is_none());
}

#[test]
fn a_held_job_keeps_its_pods_until_it_goes() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "finalizers": [HOOK]},
        "spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "c", "image": "busybox:1.36", "command": ["true"]}]}}}}))
        .unwrap();
    c.run_until(30 * SECOND).unwrap();
    assert_eq!(c.list("Pod").len(), 1);
    c.delete("Job", "default", "j").unwrap();
    assert!(c.get("Job", "default", "j").is_some());
    assert_eq!(c.list("Pod").len(), 1);
    c.set_finalizers("Job", "default", "j", &[]).unwrap();
    assert!(c.get("Job", "default", "j").is_none());
    c.run_until(31 * SECOND).unwrap();
    assert!(c.list("Pod").is_empty());
}
