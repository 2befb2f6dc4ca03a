//! Laying out a 200-resource application tree, as the page does on every virtual second at
//! 60x: 40 Deployments, each with a ReplicaSet and three pods (200 nodes), plus the node views
//! built from the tree nodes and their details. Also the filtered layout and the layout delta.

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay_gitops::api::{AppTreeNode, NodeDetails};
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::health::{Health, HealthStatus};
use kubeplay_gitops::tree::ResourceKey;
use kubeplay_views::tree_layout::{self, AppRoot, Filter, LayoutOptions};
use std::hint::black_box;

fn tree() -> (Vec<AppTreeNode>, Vec<NodeDetails>) {
    let mut nodes = Vec::new();
    let mut details = Vec::new();
    let node = |group: &str, kind: &str, name: String, parents: Vec<usize>, h| AppTreeNode {
        key: ResourceKey {
            group: group.into(),
            kind: kind.into(),
            namespace: "default".into(),
            name,
        },
        info: Vec::new(),
        health: Some(Health::new(h, "")),
        sync: parents.is_empty().then_some(SyncStatus::Synced),
        parents,
    };
    for d in 0..40 {
        let dep = nodes.len();
        nodes.push(node(
            "apps",
            "Deployment",
            format!("web-{d}"),
            vec![],
            HealthStatus::Healthy,
        ));
        details.push(NodeDetails::default());
        let rs = nodes.len();
        nodes.push(node(
            "apps",
            "ReplicaSet",
            format!("web-{d}-5d8f"),
            vec![dep],
            HealthStatus::Healthy,
        ));
        details.push(NodeDetails {
            revision: Some(1),
            ..NodeDetails::default()
        });
        for p in 0..3 {
            let name = format!("web-{d}-5d8f-{p}");
            let h = if (d + p) % 7 == 0 {
                HealthStatus::Degraded
            } else {
                HealthStatus::Healthy
            };
            details.push(NodeDetails {
                failing_container: (h != HealthStatus::Healthy)
                    .then(|| ("app".to_string(), "CrashLoopBackOff".to_string())),
                ..NodeDetails::default()
            });
            nodes.push(node("", "Pod", name, vec![rs], h));
        }
    }
    (nodes, details)
}

fn bench(c: &mut Criterion) {
    let (nodes, details) = tree();
    let app = AppRoot {
        name: "bench".into(),
        ..AppRoot::default()
    };
    let opts = LayoutOptions::default();
    c.bench_function("views+layout 200 nodes", |b| {
        b.iter(|| {
            let views = tree_layout::node_views(black_box(&nodes), black_box(&details));
            tree_layout::layout(&app, &nodes, &views, &opts)
        })
    });
    let views = tree_layout::node_views(&nodes, &details);
    c.bench_function("layout 200 nodes", |b| {
        b.iter(|| tree_layout::layout(&app, black_box(&nodes), &views, &opts))
    });
    let filtered = LayoutOptions {
        filter: Filter {
            health: vec![HealthStatus::Degraded],
            ..Filter::default()
        },
        ..LayoutOptions::default()
    };
    c.bench_function("layout 200 nodes, health filter", |b| {
        b.iter(|| tree_layout::layout(&app, black_box(&nodes), &views, &filtered))
    });
    let before = tree_layout::layout(&app, &nodes, &views, &opts);
    c.bench_function("layout delta 200 nodes", |b| {
        b.iter(|| tree_layout::delta(black_box(&before), black_box(&before)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
