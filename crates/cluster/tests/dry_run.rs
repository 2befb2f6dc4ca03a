//! `apply_dry_run`: the answers of `apply`, with nothing stored and the timeline untouched.

use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn pod(name: &str, image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": name},
        "spec": {"containers": [{"name": "c", "image": image}]}})
}

#[test]
fn a_valid_object_is_answered_but_not_stored() {
    let mut c = Cluster::new(ClusterConfig::default());
    let rv = c.resource_version();
    let dry = c.apply_dry_run(pod("web-", "nginx:1.25")).unwrap();
    assert!(dry.summary.starts_with("pod/web-"), "{}", dry.summary);
    assert!(dry.summary.ends_with(" created (server dry run)"));
    assert_eq!(c.resource_version(), rv);
    assert!(c.list("Pod").is_empty());
    // Nothing was drawn from the random generator: the real apply names the pod the same
    // way, and a cluster that never dry-ran gives the same timeline.
    let real = c.apply(pod("web-", "nginx:1.25")).unwrap();
    assert_eq!(dry.summary, format!("{} (server dry run)", real.summary));
    let mut fresh = Cluster::new(ClusterConfig::default());
    fresh.apply(pod("web-", "nginx:1.25")).unwrap();
    c.run_until(30_000).unwrap();
    fresh.run_until(30_000).unwrap();
    assert_eq!(c.list("Pod"), fresh.list("Pod"));
}

#[test]
fn errors_are_the_ones_apply_gives() {
    let c = Cluster::new(ClusterConfig::default());
    let mut bad = pod("x-", "nginx");
    bad["spec"]["containers"][0]["livenessProbe"] =
        json!({"periodSeconds": -1, "exec": {"command": ["true"]}});
    let mut real = Cluster::new(ClusterConfig::default());
    assert_eq!(
        c.apply_dry_run(bad.clone()).unwrap_err(),
        real.apply(bad).unwrap_err()
    );
    let cases = [
        (json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "c"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}), "Deployment.apps \"d\" is invalid"),
        (json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"},
            "spec": {"schedule": "every day", "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}}),
            "CronJob.batch \"cj\" is invalid: spec.schedule: Invalid value: \"every day\": expected exactly 5 fields, found 2: [every day]"),
        (json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "nope"}}),
            "namespaces \"nope\" not found"),
        (json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}),
            "no matches for kind \"Widget\" in version \"example.com/v1\""),
        (json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}}),
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\""),
    ];
    for (obj, want) in cases {
        let got = c.apply_dry_run(obj).unwrap_err().to_string();
        assert!(got.starts_with(want), "{got}");
    }
}

#[test]
fn existing_objects_are_configured_or_unchanged() {
    let mut c = Cluster::new(ClusterConfig::default());
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
    c.apply(cm.clone()).unwrap();
    assert_eq!(
        c.apply_dry_run(cm.clone()).unwrap().summary,
        "configmap/c unchanged (server dry run)"
    );
    let mut changed = cm;
    changed["data"]["a"] = json!("2");
    assert_eq!(
        c.apply_dry_run(changed).unwrap().summary,
        "configmap/c configured (server dry run)"
    );
    assert_eq!(
        c.get("ConfigMap", "default", "c").unwrap()["data"]["a"],
        "1"
    );
}
