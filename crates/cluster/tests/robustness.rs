//! Malformed input never panics or hangs: seeded mutations of valid objects are applied and
//! simulated; each must end in an API error or a bounded run.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::rng::Rng;
use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn seeds() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "a"},
            "annotations": {"kubeplay.dev/behavior": "ready-after=5s"}},
            "spec": {"terminationGracePeriodSeconds": 3,
                "initContainers": [{"name": "side", "image": "busybox", "restartPolicy": "Always",
                    "command": ["sh", "-c", "touch /tmp/x; sleep 30; exit 2"],
                    "startupProbe": {"exec": {"command": ["cat", "/tmp/x"]}, "periodSeconds": 1}}],
                "containers": [{"name": "c", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
                    "ports": [{"name": "http", "containerPort": 8080}],
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "failureThreshold": 1},
                    "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 2},
                    "startupProbe": {"grpc": {"port": 5000}, "failureThreshold": 2}}]}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "d"}},
                "strategy": {"rollingUpdate": {"maxSurge": "50%", "maxUnavailable": 0}},
                "template": {"metadata": {"labels": {"app": "d"}},
                    "spec": {"containers": [{"name": "n", "image": "nginx:1.25",
                        "readinessProbe": {"httpGet": {"port": 80}}}]}}}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"selector": {"app": "a"}, "ports": [{"port": 80, "targetPort": "http"}]}}),
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
            "spec": {"completions": 2, "parallelism": 2, "backoffLimit": 1, "template": {"spec": {"restartPolicy": "OnFailure",
                "containers": [{"name": "w", "image": "busybox", "command": ["sh", "-c", "sleep 1; exit 1"]}]}}}}),
    ]
}

fn oddity(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => json!(null),
        1 => json!(-1),
        2 => json!(2_147_483_647i64),
        3 => json!("10"),
        4 => json!([]),
        5 => json!({}),
        6 => json!(true),
        7 => json!(1.5),
        _ => json!("sleep 99999999999; exit 300"),
    }
}

/// Replaces a random node of the tree with an odd value.
fn mutate(v: &mut Value, rng: &mut Rng, depth: u32) {
    let stop = depth > 0 && rng.below(4) == 0;
    match v {
        Value::Object(m) if !m.is_empty() && !stop => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = &keys[rng.below(keys.len() as u64) as usize];
            mutate(m.get_mut(k).unwrap(), rng, depth + 1);
        }
        Value::Array(a) if !a.is_empty() && !stop => {
            let i = rng.below(a.len() as u64) as usize;
            mutate(&mut a[i], rng, depth + 1);
        }
        _ => *v = oddity(rng),
    }
}

#[test]
fn mutated_objects_end_in_errors_or_bounded_runs() {
    let mut rng = Rng::new(2025);
    let (mut rejected, mut accepted) = (0, 0);
    for round in 0..150 {
        let mut cluster = Cluster::new(ClusterConfig {
            seed: round,
            ..ClusterConfig::default()
        });
        for mut obj in seeds() {
            for _ in 0..=rng.below(3) {
                mutate(&mut obj, &mut rng, 0);
            }
            match cluster.apply(obj) {
                Ok(_) => accepted += 1,
                Err(_) => rejected += 1,
            }
        }
        cluster.run_until(120 * SECOND).expect("bounded");
        for kind in ["Pod", "Deployment", "Job", "Service"] {
            for obj in cluster.list(kind) {
                let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                let ns = obj["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("default")
                    .to_string();
                let _ = cluster.delete(kind, &ns, &name);
            }
        }
        cluster.run_until(300 * SECOND).expect("bounded");
    }
    // Both paths are exercised: validation rejects some mutants, others get simulated.
    assert!(
        rejected > 100 && accepted > 20,
        "{rejected} rejected, {accepted} accepted"
    );
}
