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
