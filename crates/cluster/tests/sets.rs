//! StatefulSets and DaemonSets: ordered start, stable names, claims, status fields.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn statefulset(image: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
        "spec": {"serviceName": "web", "replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": image,
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5, "periodSeconds": 2}}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}})
}

fn running_ready(p: &Value) -> bool {
    p["status"]["phase"] == "Running"
        && p["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn names(c: &Cluster) -> Vec<String> {
    c.list("Pod")
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn statefulset_starts_pods_in_order_with_claims() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(statefulset("nginx:1.25", 3)).unwrap();
    // Each pod appears only once every lower ordinal is Running and Ready.
    let mut seen = Vec::new();
    for t in 0..60 {
        c.run_until(t * SECOND).unwrap();
        let pods = c.list("Pod");
        for p in &pods {
            let name = p["metadata"]["name"].as_str().unwrap().to_string();
            if !seen.contains(&name) {
                let i: usize = name.trim_start_matches("web-").parse().unwrap();
                for lower in 0..i {
                    let lp = c.get("Pod", "default", &format!("web-{lower}")).unwrap();
                    assert!(
                        running_ready(&lp),
                        "web-{i} created before web-{lower} was ready"
                    );
                }
                seen.push(name);
            }
        }
    }
    assert_eq!(seen, ["web-0", "web-1", "web-2"]);
    let web1 = c.get("Pod", "default", "web-1").unwrap();
    assert_eq!(web1["spec"]["hostname"], "web-1");
    assert_eq!(web1["spec"]["subdomain"], "web");
    assert_eq!(
        web1["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"],
        "web-1"
    );
    assert_eq!(
        web1["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "data-web-1"
    );
    let claim = c
        .get("PersistentVolumeClaim", "default", "data-web-2")
        .unwrap();
    assert_eq!(claim["status"]["phase"], "Bound");
    let s = c.get("StatefulSet", "default", "web").unwrap();
    let st = &s["status"];
    assert_eq!(st["observedGeneration"], 1);
    assert_eq!(st["replicas"], 3);
    assert_eq!(st["readyReplicas"], 3);
    assert_eq!(st["availableReplicas"], 3);
    assert_eq!(st["updatedReplicas"], 3);
    assert_eq!(st["currentReplicas"], 3);
    assert_eq!(st["currentRevision"], st["updateRevision"]);
    assert_eq!(s["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 0);
    assert_eq!(s["spec"]["podManagementPolicy"], "OrderedReady");

    // A new template rolls from the highest ordinal down; the revisions differ meanwhile.
    c.apply(statefulset("nginx:1.26", 3)).unwrap();
    c.run_until(62 * SECOND).unwrap();
    let st = c.get("StatefulSet", "default", "web").unwrap()["status"].clone();
    assert_ne!(st["currentRevision"], st["updateRevision"]);
    assert_eq!(st["observedGeneration"], 2);
    c.run_until(240 * SECOND).unwrap();
    let st = c.get("StatefulSet", "default", "web").unwrap()["status"].clone();
    assert_eq!(st["currentRevision"], st["updateRevision"], "{st}");
    assert_eq!(st["updatedReplicas"], 3);
    for i in 0..3 {
        let p = c.get("Pod", "default", &format!("web-{i}")).unwrap();
        assert_eq!(p["spec"]["containers"][0]["image"], "nginx:1.26");
    }

    // Scale down removes the highest ordinals; the claims stay.
    c.apply(statefulset("nginx:1.26", 1)).unwrap();
    c.run_until(400 * SECOND).unwrap();
    assert_eq!(names(&c), ["web-0"]);
    assert!(c
        .get("PersistentVolumeClaim", "default", "data-web-2")
        .is_some());
    assert_eq!(
        c.get("StatefulSet", "default", "web").unwrap()["status"]["replicas"],
        1
    );
}

#[test]
fn statefulset_waits_for_a_pod_that_never_gets_ready() {
    let mut c = Cluster::new(ClusterConfig::default());
    let mut s = statefulset("nginx:doesnotexist", 3);
    s["metadata"]["name"] = json!("web");
    c.apply(s).unwrap();
    c.run_until(120 * SECOND).unwrap();
    assert_eq!(names(&c), ["web-0"]);
    let st = c.get("StatefulSet", "default", "web").unwrap()["status"].clone();
    assert_eq!(st["readyReplicas"], 0);
    assert_eq!(st["replicas"], 1);
}

#[test]
fn daemonset_runs_one_pod_per_node() {
    let mut c = Cluster::new(ClusterConfig {
        nodes: 4,
        ..ClusterConfig::default()
    });
    c.apply(json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}},
            "template": {"metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "a", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}}}))
        .unwrap();
    c.run_until(30 * SECOND).unwrap();
    let pods = c.list("Pod");
    assert_eq!(pods.len(), 4);
    let mut nodes: Vec<&str> = pods
        .iter()
        .map(|p| p["spec"]["nodeName"].as_str().unwrap())
        .collect();
    nodes.sort();
    nodes.dedup();
    assert_eq!(nodes.len(), 4);
    let st = c.get("DaemonSet", "default", "agent").unwrap()["status"].clone();
    assert_eq!(st["desiredNumberScheduled"], 4);
    assert_eq!(st["currentNumberScheduled"], 4);
    assert_eq!(st["numberReady"], 4);
    assert_eq!(st["numberAvailable"], 4);
    assert_eq!(st["updatedNumberScheduled"], 4);
    assert_eq!(st["numberMisscheduled"], 0);
    assert_eq!(st["observedGeneration"], 1);
    assert!(st["numberUnavailable"].is_null());
    // Deleting the set deletes its pods.
    c.delete("DaemonSet", "default", "agent").unwrap();
    c.run_until(90 * SECOND).unwrap();
    assert!(c.list("Pod").is_empty());
}
