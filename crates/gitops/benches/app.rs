//! An application of 500 resources (ConfigMaps, Secrets, Services, ServiceAccounts and
//! one-replica Deployments in one directory, so 100 ReplicaSets and 100 Pods run live):
//! compare + health + tree once synced (target < 20 ms), and a full sync simulated to
//! completion (target < 200 ms). The page's live tree: a 200-resource app advancing one
//! virtual second and drawing its tree, once per animation frame (target well under 5 ms).
//!
//! compare + health + tree is what Argo CD does for the Refresh button (a normal refresh):
//! the manifests come from the repo server's cache, every live object is listed from the
//! cluster, every resource is diffed again (a requested refresh never reuses a diff) and
//! assessed again, and the tree is read. What is kept between refreshes is what Argo CD
//! keeps too: the render prepared for comparing (Redis' manifests), live objects
//! normalised once per resourceVersion and the tree's shape while the cluster did not
//! change (its cluster cache).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use kubeplay_cluster::{Cluster, ClusterConfig};
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_vfs::FileTree;
use std::hint::black_box;

/// `groups` x (ConfigMap, Secret, Service, Deployment, ServiceAccount).
fn manifests(groups: usize) -> FileTree {
    let mut t = FileTree::new();
    for i in 0..groups {
        let docs = [
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-{i}\ndata:\n  key: value-{i}\n"),
            format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-{i}\nstringData:\n  password: p{i}\n"),
            format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector: {{app: web-{i}}}\n  ports:\n  - port: 80\n"
            ),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: web-{i}}}}}\n  template:\n    metadata: {{labels: {{app: web-{i}}}}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n"
            ),
            format!("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot-{i}\n"),
        ];
        t.write(&format!("/app/res-{i:03}.yaml"), docs.join("---\n"))
            .unwrap();
    }
    t
}

const APP: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: big}
spec:
  source: {repoURL: https://git.example/big, path: app}
  destination: {namespace: default}
";

fn fresh() -> GitOps {
    fresh_with(100)
}

fn fresh_with(groups: usize) -> GitOps {
    let mut g = GitOps::new(
        "https://git.example/big",
        Cluster::new(ClusterConfig::default()),
    );
    g.commit(manifests(groups), "the app", "bench").unwrap();
    g.apply_applications(APP, "app.yaml").unwrap();
    g.refresh("big");
    g
}

/// `groups` x 5 resources synced and settled for 30 s.
fn synced(groups: usize) -> GitOps {
    let mut g = fresh_with(groups);
    g.sync("big", &SyncRequest::default()).unwrap();
    g.run_until_idle(600_000).unwrap();
    g.advance(30_000).unwrap();
    let cmp = g.app("big").unwrap().comparison.as_ref().unwrap();
    assert_eq!(cmp.resources.len(), groups * 5);
    g
}

fn bench(c: &mut Criterion) {
    let mut synced_500 = synced(100);

    c.bench_function("app_500/compare_health_tree", |b| {
        b.iter(|| {
            synced_500.refresh("big");
            black_box(synced_500.tree("big").len())
        })
    });
    let mut live = synced(40);
    c.bench_function("app_200/advance 1 s + tree", |b| {
        b.iter(|| {
            live.advance(1_000).unwrap();
            black_box(live.tree("big").len())
        })
    });
    c.bench_function("app_500/full_sync", |b| {
        b.iter_batched(
            fresh,
            |mut g| {
                g.sync("big", &SyncRequest::default()).unwrap();
                assert!(g.run_until_idle(600_000).unwrap());
                black_box(g)
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
