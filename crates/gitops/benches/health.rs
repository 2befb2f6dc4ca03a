//! Assessing an app's worth of live objects: 500 resources mixing built-in kinds and kinds
//! judged by bundled rules (so rule lookup and evaluation are measured, not only parsing).

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay_gitops::health::{assess, rules};
use serde_json::{json, Value};
use std::hint::black_box;

fn resources() -> Vec<Value> {
    let kinds: [fn(usize) -> Value; 10] = [
        |i| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": format!("web-{i}"), "generation": 3},
            "spec": {"replicas": 3},
            "status": {"observedGeneration": 3, "replicas": 3, "updatedReplicas": 3, "availableReplicas": i % 4,
                       "conditions": [{"type": "Available", "status": "True"}, {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}})
        },
        |i| {
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("web-{i}")},
            "spec": {"restartPolicy": "Always"},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": if i % 3 == 0 { "False" } else { "True" }}],
                       "containerStatuses": [{"name": "app", "ready": true, "state": {"running": {}}}]}})
        },
        |i| {
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("svc-{i}")},
            "spec": {"type": if i % 2 == 0 { "ClusterIP" } else { "LoadBalancer" }}})
        },
        |i| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("cfg-{i}")}, "data": {"k": "v"}}),
        |i| {
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": format!("db-{i}"), "generation": 1},
            "spec": {"replicas": 3}, "status": {"observedGeneration": 1, "readyReplicas": 3, "currentReplicas": 3,
            "currentRevision": "db-1", "updateRevision": "db-1"}})
        },
        |i| {
            json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": format!("tls-{i}")},
            "status": {"conditions": [{"type": "Ready", "status": "True", "message": "Certificate is up to date"}]}})
        },
        |i| {
            json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": format!("r-{i}"), "generation": 2},
            "spec": {"replicas": 2, "strategy": {"canary": {}}},
            "status": {"observedGeneration": "2", "currentPodHash": "abc", "stableRS": "abc", "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}})
        },
        |i| {
            json!({"apiVersion": "ec2.aws.crossplane.io/v1beta1", "kind": "VPC", "metadata": {"name": format!("vpc-{i}")},
            "status": {"conditions": [{"type": "Synced", "status": "True"}, {"type": "Ready", "status": "True"}]}})
        },
        |i| {
            json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "metadata": {"name": format!("git-{i}")},
            "spec": {}, "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Succeeded"},
                                                  {"type": "ArtifactInStorage", "status": "True", "reason": "Succeeded"}]}})
        },
        |i| {
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": format!("job-{i}")},
            "status": {"conditions": [{"type": "Complete", "status": "True"}]}})
        },
    ];
    (0..500).map(|i| kinds[i % kinds.len()](i)).collect()
}

fn bench(c: &mut Criterion) {
    let objects = resources();
    // Parse the bundled rules outside the measurement (it happens once per process).
    black_box(rules::bundled());
    c.bench_function("assess 500 mixed resources", |b| {
        b.iter(|| objects.iter().filter_map(|o| assess(black_box(o))).count())
    });
    c.bench_function("parse bundled rules", |b| {
        b.iter(|| rules::parse_bundled_files().len())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
