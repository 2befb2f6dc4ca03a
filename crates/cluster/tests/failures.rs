//! Pods that cannot start: failing image pulls, missing ConfigMaps and Secrets, no room.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn pod(name: &str, image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "image": image}]}})
}

fn waiting(c: &Cluster, name: &str) -> (String, String) {
    let p = c.get("Pod", "default", name).unwrap();
    let w = &p["status"]["containerStatuses"][0]["state"]["waiting"];
    (
        w["reason"].as_str().unwrap_or("").to_string(),
        w["message"].as_str().unwrap_or("").to_string(),
    )
}

/// (reason, message, count) of the pod's aggregated events.
fn events(c: &Cluster, name: &str) -> Vec<(String, String, u64)> {
    c.events()
        .all()
        .iter()
        .filter(|e| e.involved.name == name)
        .map(|e| (e.reason.clone(), e.message.clone(), u64::from(e.count)))
        .collect()
}

#[test]
fn missing_tag_gives_err_image_pull_then_back_off() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(pod("bad", "nginx:doesnotexist")).unwrap();
    c.run_until(5 * SECOND).unwrap();
    let (reason, message) = waiting(&c, "bad");
    assert_eq!(reason, "ErrImagePull");
    assert_eq!(message, "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:doesnotexist\": failed to resolve reference \"docker.io/library/nginx:doesnotexist\": docker.io/library/nginx:doesnotexist: not found");
    c.run_until(25 * SECOND).unwrap();
    let (reason, message) = waiting(&c, "bad");
    assert_eq!(reason, "ImagePullBackOff");
    assert!(message
        .starts_with("Back-off pulling image \"nginx:doesnotexist\": ErrImagePull: rpc error"));
    let p = c.get("Pod", "default", "bad").unwrap();
    assert_eq!(p["status"]["phase"], "Pending");
    assert_eq!(
        kubeplay_cluster::printers::pod_row(&p, c.now())[2],
        "ImagePullBackOff"
    );
    c.run_until(300 * SECOND).unwrap();
    let p = c.get("Pod", "default", "bad").unwrap();
    let ev = events(&c, "bad");
    let count = |m: &str| ev.iter().find(|e| e.1 == m).map_or(0, |e| e.2);
    let pulls = count("Pulling image \"nginx:doesnotexist\"");
    // Back-off 10, 20, 40, 80, 160 s between pulls: 6 pulls in 5 minutes, not one per retry.
    assert!((5..=7).contains(&pulls), "{pulls} pulls: {ev:?}");
    assert_eq!(count("Error: ErrImagePull"), pulls);
    assert!(count("Back-off pulling image \"nginx:doesnotexist\"") > pulls);
    assert!(ev.iter().any(|e| e
        .1
        .starts_with("Failed to pull image \"nginx:doesnotexist\": rpc error: code = NotFound")));
    assert!(count("Error: ImagePullBackOff") > 0);
    let row = kubeplay_cluster::printers::pod_row(&p, c.now());
    assert!(
        row[2] == "ImagePullBackOff" || row[2] == "ErrImagePull",
        "{row:?}"
    );
}

#[test]
fn unknown_registry_and_annotation_fail_known_ones_pull() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(pod("host", "registry.invalid/team/app:1.0"))
        .unwrap();
    let mut denied = pod("denied", "nginx:1.25");
    denied["metadata"]["annotations"] = json!({"kubeplay.dev/behavior": "image-pull=denied"});
    c.apply(denied).unwrap();
    c.apply(pod("good", "registry.k8s.io/pause:3.9")).unwrap();
    c.run_until(5 * SECOND).unwrap();
    let (reason, message) = waiting(&c, "host");
    assert_eq!(reason, "ErrImagePull");
    assert!(
        message.ends_with("lookup registry.invalid on 172.18.0.1:53: no such host"),
        "{message}"
    );
    let (reason, message) = waiting(&c, "denied");
    assert_eq!(reason, "ErrImagePull");
    assert!(message.contains("pull access denied"), "{message}");
    let good = c.get("Pod", "default", "good").unwrap();
    assert_eq!(good["status"]["phase"], "Running");
}

#[test]
fn bad_image_with_never_policy_is_err_image_never_pull() {
    let mut c = Cluster::new(ClusterConfig::default());
    let mut p = pod("never", "nginx:doesnotexist");
    p["spec"]["containers"][0]["imagePullPolicy"] = json!("Never");
    c.apply(p).unwrap();
    c.run_until(5 * SECOND).unwrap();
    assert_eq!(waiting(&c, "never").0, "ErrImageNeverPull");
}

fn env_pod(name: &str, env: Value, env_from: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.25", "env": env, "envFrom": env_from}]}})
}

fn config_map(name: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})
}

#[test]
fn missing_config_map_is_create_container_config_error_until_created() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(env_pod(
        "env",
        json!([]),
        json!([{"configMapRef": {"name": "settings"}}]),
    ))
    .unwrap();
    c.run_until(20 * SECOND).unwrap();
    assert_eq!(
        waiting(&c, "env"),
        (
            "CreateContainerConfigError".to_string(),
            "configmap \"settings\" not found".to_string()
        )
    );
    let p = c.get("Pod", "default", "env").unwrap();
    assert_eq!(
        kubeplay_cluster::printers::pod_row(&p, c.now())[2],
        "CreateContainerConfigError"
    );
    let ev = events(&c, "env");
    assert!(ev
        .iter()
        .any(|e| e.1 == "Error: configmap \"settings\" not found" && e.2 >= 2));
    c.apply(config_map("settings", json!({"a": "1"}))).unwrap();
    c.run_until(35 * SECOND).unwrap();
    let p = c.get("Pod", "default", "env").unwrap();
    assert_eq!(p["status"]["phase"], "Running");
}

#[test]
fn optional_refs_are_skipped_and_missing_keys_named() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(config_map("cm", json!({"a": "1"}))).unwrap();
    c.apply(env_pod(
        "opt",
        json!([{"name": "X", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "k", "optional": true}}}]),
        json!([{"secretRef": {"name": "nope", "optional": true}}]),
    ))
    .unwrap();
    c.apply(env_pod(
        "key",
        json!([{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "b"}}}]),
        json!([]),
    ))
    .unwrap();
    c.apply(env_pod(
        "secret",
        json!([{"name": "X", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "k"}}}]),
        json!([]),
    ))
    .unwrap();
    c.run_until(20 * SECOND).unwrap();
    assert_eq!(
        c.get("Pod", "default", "opt").unwrap()["status"]["phase"],
        "Running"
    );
    assert_eq!(
        waiting(&c, "key").1,
        "couldn't find key b in ConfigMap default/cm"
    );
    assert_eq!(waiting(&c, "secret").1, "secret \"creds\" not found");
}

#[test]
fn missing_volume_source_fails_mount_and_recovers() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "vol"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.25",
            "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"}]}],
            "volumes": [{"name": "cfg", "configMap": {"name": "cfg"}},
                        {"name": "opt", "secret": {"secretName": "opt", "optional": true}}]}}),
    )
    .unwrap();
    c.run_until(15 * SECOND).unwrap();
    assert_eq!(waiting(&c, "vol").0, "ContainerCreating");
    assert!(events(&c, "vol").iter().any(|e| e.0 == "FailedMount"
        && e.1 == "MountVolume.SetUp failed for volume \"cfg\" : configmap \"cfg\" not found"));
    c.apply(config_map("cfg", json!({}))).unwrap();
    c.run_until(30 * SECOND).unwrap();
    assert_eq!(
        c.get("Pod", "default", "vol").unwrap()["status"]["phase"],
        "Running"
    );
}

#[test]
fn claims_bind_at_once() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "2Gi"}}}}),
    )
    .unwrap();
    let pvc = c.get("PersistentVolumeClaim", "default", "data").unwrap();
    assert_eq!(pvc["status"]["phase"], "Bound");
    assert_eq!(pvc["status"]["capacity"]["storage"], "2Gi");
    assert!(pvc["spec"]["volumeName"]
        .as_str()
        .unwrap()
        .starts_with("pvc-"));
}

fn hungry(name: &str, cpu: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "app", "image": "busybox:1.36",
            "command": ["sh", "-c", "sleep 60"],
            "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}]}})
}

#[test]
fn pods_that_do_not_fit_wait_for_capacity() {
    let mut c = Cluster::new(ClusterConfig::default());
    for i in 0..3 {
        c.apply(hungry(&format!("big-{i}"), "3")).unwrap();
    }
    c.apply(hungry("late", "2")).unwrap();
    c.run_until(10 * SECOND).unwrap();
    let late = c.get("Pod", "default", "late").unwrap();
    assert_eq!(late["status"]["phase"], "Pending");
    assert!(late["spec"]["nodeName"].is_null());
    assert_eq!(late["status"]["qosClass"], "Burstable");
    let cond = &late["status"]["conditions"][0];
    assert_eq!(
        (cond["type"].as_str(), cond["reason"].as_str()),
        (Some("PodScheduled"), Some("Unschedulable"))
    );
    let ev = events(&c, "late");
    assert_eq!(ev[0].0, "FailedScheduling");
    assert_eq!(ev[0].1, "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
    // The big pods exit after 60 s; the late one is scheduled then.
    c.run_until(90 * SECOND).unwrap();
    let late = c.get("Pod", "default", "late").unwrap();
    assert!(late["spec"]["nodeName"].is_string(), "{late}");
    assert!(events(&c, "late").iter().any(|e| e.0 == "Scheduled"));
    assert_eq!(late["status"]["phase"], "Running");
}

#[test]
fn node_capacity_and_count_are_configurable() {
    let mut c = Cluster::new(ClusterConfig {
        nodes: 2,
        node_cpu_millis: 1000,
        node_max_pods: 1,
        ..ClusterConfig::default()
    });
    c.apply(hungry("a", "500m")).unwrap();
    c.apply(hungry("b", "2")).unwrap();
    c.apply(hungry("c", "100m")).unwrap();
    c.apply(hungry("d", "100m")).unwrap();
    assert_eq!(
        events(&c, "b")[0].1,
        "0/2 nodes are available: 1 Too many pods, 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    );
    assert_eq!(events(&c, "c")[0].0, "Scheduled");
    assert_eq!(
        events(&c, "d")[0].1,
        "0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    );
    // Deleting an unscheduled pod removes it at once.
    c.delete("Pod", "default", "d").unwrap();
    assert!(c.get("Pod", "default", "d").is_none());
}

#[test]
fn deleting_a_completed_pod_removes_it() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "done"},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1.36", "command": ["true"]}]}}))
        .unwrap();
    c.run_until(20 * SECOND).unwrap();
    assert_eq!(
        c.get("Pod", "default", "done").unwrap()["status"]["phase"],
        "Succeeded"
    );
    c.delete("Pod", "default", "done").unwrap();
    c.run_until(21 * SECOND).unwrap();
    assert!(c.get("Pod", "default", "done").is_none());
    // The name can be used again.
    c.apply(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "done"},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1.36", "command": ["true"]}]}}))
        .unwrap();
}

#[test]
fn resource_version_moves_only_on_changes() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.25",
            "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 1}}]}}),
    )
    .unwrap();
    c.apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}}))
        .unwrap();
    assert_eq!(c.kinds(), ["ConfigMap", "Pod"]);
    c.run_until(30 * SECOND).unwrap();
    let rv = c.resource_version();
    let steps = c.steps();
    c.run_until(60 * SECOND).unwrap();
    assert!(c.steps() > steps, "probes ran");
    assert_eq!(c.resource_version(), rv, "a steady pod changes nothing");
    c.delete("ConfigMap", "default", "cm").unwrap();
    assert!(c.resource_version() > rv);
}
