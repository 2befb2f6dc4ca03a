//! 1,000 pods, each with startup, liveness and readiness probes, over one virtual hour.
//! Target: under 1 s native. A third of the pods crash-loop (agnhost liveness), a third run
//! exec probes against a shell script, a third are healthy nginx servers.

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay_cluster::clock::HOUR;
use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::{json, Value};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

fn with(handler: &Value, extra: Value) -> Value {
    let mut p = handler.clone();
    for (k, v) in extra.as_object().into_iter().flatten() {
        p[k] = v.clone();
    }
    p
}

fn pod(i: usize) -> Value {
    let (mut container, handler) = match i % 3 {
        0 => (
            json!({"name": "web", "image": "nginx:1.25"}),
            json!({"httpGet": {"path": "/", "port": 80}}),
        ),
        1 => (
            json!({"name": "agnhost", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"]}),
            json!({"httpGet": {"path": "/healthz", "port": 8080}}),
        ),
        _ => (
            json!({"name": "sh", "image": "busybox:1.36",
                "command": ["sh", "-c", "touch /tmp/ok; sleep 300; rm /tmp/ok; sleep 3600"]}),
            json!({"exec": {"command": ["cat", "/tmp/ok"]}}),
        ),
    };
    container["startupProbe"] = with(
        &handler,
        json!({"periodSeconds": 2, "failureThreshold": 30}),
    );
    container["livenessProbe"] = with(&handler, json!({"initialDelaySeconds": 5}));
    container["readinessProbe"] = with(&handler, json!({"periodSeconds": 5}));
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("pod-{i}"), "labels": {"app": "bench"}},
        "spec": {"containers": [container]}})
}

fn simulate() -> (u64, usize) {
    let cluster = run();
    (cluster.steps(), cluster.events().occurrences().count())
}

fn run() -> Cluster {
    // 1,000 pods on the default 3 nodes: above the kubelet's 110 pods per node.
    let mut cluster = Cluster::new(ClusterConfig {
        node_max_pods: 1_000,
        ..ClusterConfig::default()
    });
    for i in 0..1_000 {
        cluster.apply(pod(i)).expect("valid pod");
    }
    cluster.run_until(HOUR).expect("within limits");
    cluster
}

/// A hash of everything observable (pod history, every event occurrence, every probe result):
/// a change made for speed must leave it as it was.
fn fingerprint(cluster: &Cluster) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{:?}", cluster.history()).hash(&mut h);
    for (t, e) in cluster.events().occurrences() {
        (t, format!("{e:?}")).hash(&mut h);
    }
    format!("{:?}", cluster.probe_results()).hash(&mut h);
    h.finish()
}

/// Time this thread spent on a CPU (Linux; None elsewhere): on a busy machine the wall clock
/// also counts other processes.
fn cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn bench(c: &mut Criterion) {
    let (started, cpu_started) = (Instant::now(), cpu_secs());
    let cluster = run();
    let secs = started.elapsed().as_secs_f64();
    let cpu = match (cpu_started, cpu_secs()) {
        (Some(a), Some(b)) => format!(", {:.3} s on the CPU", b - a),
        _ => String::new(),
    };
    let (steps, events) = (cluster.steps(), cluster.events().occurrences().count());
    eprintln!(
        "status changes published: {}, distinct events: {}, probe results: {}, fingerprint {:016x}",
        cluster.history().len(),
        cluster.events().len(),
        cluster.probe_results().len(),
        fingerprint(&cluster)
    );
    eprintln!(
        "one run: {steps} simulation tasks, {events} Kubernetes events in {secs:.3} s{cpu} ({:.0} tasks/s)",
        steps as f64 / secs
    );
    let mut group = c.benchmark_group("probes");
    group.sample_size(10);
    group.bench_function("1000 pods x 3 probes x 1 virtual hour", |b| {
        b.iter(simulate)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
