//! The view models over a real GitOps instance: a Deployment and a Service synced into the
//! simulated cluster, then drifted by hand.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::{Cluster, ClusterConfig};
use kubeplay_gitops::api::GitOps;
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_vfs::FileTree;
use kubeplay_views::diff_view::{self, LineKind, ResourceChange};
use kubeplay_views::tree_layout::{self, AppRoot, LayoutOptions};

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: web, image: nginx:1.25}\n";
const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - {port: 80}\n";
const APP: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo\nspec:\n  project: default\n  source:\n    repoURL: https://git.example/demo\n    path: app\n    targetRevision: HEAD\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: default\n  syncPolicy:\n    automated: {}\n";

fn synced() -> GitOps {
    let mut g = GitOps::new(
        "https://git.example/demo",
        Cluster::new(ClusterConfig::default()),
    );
    let mut files = FileTree::new();
    files.write("/app/web.yaml", DEPLOY).unwrap();
    files.write("/app/svc.yaml", SERVICE).unwrap();
    g.commit(files, "initial", "dev").unwrap();
    g.apply_applications(APP, "app.yaml").unwrap();
    g.refresh("demo");
    g.advance(30 * SECOND).unwrap();
    g
}

#[test]
fn the_synced_app_is_laid_out_like_argo_cd() {
    let g = synced();
    let (nodes, details): (Vec<_>, Vec<_>) = g.tree_details("demo").into_iter().unzip();
    let views = tree_layout::node_views(&nodes, &details);
    // The Deployment's first ReplicaSet carries revision 1; healthy pods have no failing
    // container.
    let rs = views.iter().find(|v| v.kind == "ReplicaSet").unwrap();
    assert_eq!(rs.revision, Some(1));
    assert!(views.iter().all(|v| v.failing_container.is_none()));
    let app = AppRoot {
        name: "demo".into(),
        ..AppRoot::default()
    };
    let layout = tree_layout::layout(&app, &nodes, &views, &LayoutOptions::default());
    let column = |kind: &str| {
        layout
            .nodes
            .iter()
            .filter(|p| p.view.kind == kind)
            .map(|p| p.column)
            .collect::<Vec<_>>()
    };
    assert_eq!(column("Application"), [0]);
    assert_eq!(column("Service"), [1]);
    assert_eq!(column("Deployment"), [1]);
    assert_eq!(column("ReplicaSet"), [2], "{:#?}", nodes);
    assert_eq!(column("Pod"), [3, 3]);
    assert_eq!(column("EndpointSlice"), [2]);
    let deployment = layout
        .nodes
        .iter()
        .find(|p| p.view.kind == "Deployment")
        .unwrap();
    assert_eq!(deployment.view.sync, Some(SyncStatus::Synced));
    assert_eq!(layout.shown, nodes.len());
    // Same state, same picture.
    assert_eq!(
        layout,
        tree_layout::layout(&app, &nodes, &views, &LayoutOptions::default())
    );
}

#[test]
fn manual_scale_shows_as_a_diff_line_that_can_be_ignored() {
    let mut g = synced();
    g.set_automated("demo", None).unwrap();
    g.scale("Deployment", "default", "web", 5).unwrap();
    g.advance(SECOND).unwrap();
    let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
    let diffs = diff_view::app_diff(&cmp, false);
    assert_eq!(diffs.len(), 1, "{diffs:#?}");
    let d = &diffs[0];
    assert_eq!(
        (d.change, d.title.as_str()),
        (ResourceChange::Modified, "Deployment/default/web")
    );
    let removed = d
        .diff
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Removed)
        .unwrap();
    assert_eq!(removed.text.trim(), "replicas: 5");
    let rule = d.ignore_rule(removed).unwrap();
    assert_eq!(rule.json_pointer, "/spec/replicas");
    assert_eq!(
        (rule.group.as_str(), rule.kind.as_str()),
        ("apps", "Deployment")
    );
}
