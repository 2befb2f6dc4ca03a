//! Sync options on the app and on resources (spec 47, 58, 38) and the activity the page
//! draws (seed section 5).

mod common;

use common::{app_yaml, cm, commit_and_refresh, operation, setup_with, sync_with_prune};
use kubeplay_gitops::activity::Component;
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_gitops::sync::{OperationPhase, Phase, ResultCode};

#[test]
fn create_namespace_runs_in_presync() {
    let yaml = app_yaml(
        "demo",
        "app",
        "  syncPolicy:\n    syncOptions: [CreateNamespace=true]\n",
    )
    .replace("    namespace: default\n", "    namespace: shop\n");
    let mut g = setup_with(&[("/app/a.yaml", &cm("a", "1", ""))], &yaml);
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.run_until_idle(60_000).unwrap();
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Succeeded, "{}", op.message);
    assert_eq!(
        (op.tasks[0].phase, op.tasks[0].key.kind.as_str()),
        (Phase::PreSync, "Namespace")
    );
    assert!(g.cluster.get("ConfigMap", "shop", "a").is_some());

    // Without the option the namespace is missing and the apply fails with the API's words.
    let yaml =
        app_yaml("demo", "app", "").replace("    namespace: default\n", "    namespace: shop\n");
    let mut g = setup_with(&[("/app/a.yaml", &cm("a", "1", ""))], &yaml);
    g.sync("demo", &SyncRequest::default()).unwrap();
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Failed);
    assert!(
        op.message.contains("namespaces \"shop\" not found"),
        "{}",
        op.message
    );
}

#[test]
fn prune_false_and_ignore_extraneous_on_the_live_object() {
    let keep = cm("keep", "1", "argocd.argoproj.io/sync-options: Prune=false");
    let extra = cm(
        "extra",
        "1",
        "argocd.argoproj.io/compare-options: IgnoreExtraneous",
    );
    let mut g = setup_with(
        &[
            ("/app/a.yaml", &cm("a", "1", "")),
            ("/app/keep.yaml", &keep),
            ("/app/extra.yaml", &extra),
        ],
        &app_yaml("demo", "app", ""),
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    commit_and_refresh(
        &mut g,
        &[
            ("/app/a.yaml", &cm("a", "1", "")),
            ("/app/keep.yaml", &keep),
        ],
        "drop extra",
    );
    // IgnoreExtraneous: shown OutOfSync but the app stays Synced (38).
    let state = g.app("demo").unwrap();
    let cmp = state.comparison.as_ref().unwrap();
    assert_eq!(
        cmp.resource_named("extra").unwrap().status,
        SyncStatus::OutOfSync
    );
    assert_eq!(cmp.sync_status, SyncStatus::Synced);
    commit_and_refresh(&mut g, &[("/app/a.yaml", &cm("a", "1", ""))], "drop keep");
    sync_with_prune(&mut g);
    let op = operation(&g);
    let t = op.tasks.iter().find(|t| t.key.name == "keep").unwrap();
    assert_eq!(
        (t.result, t.message.as_str()),
        (Some(ResultCode::PruneSkipped), "ignored (no prune)")
    );
    assert!(g.cluster.get("ConfigMap", "default", "keep").is_some());
    assert!(g.cluster.get("ConfigMap", "default", "extra").is_none());
}

#[test]
fn activity_shows_cache_misses_then_hits() {
    let mut g = setup_with(
        &[("/app/a.yaml", &cm("a", "1", ""))],
        &app_yaml("demo", "app", ""),
    );
    g.refresh("demo");
    // First render misses the cache, the refresh after it hits.
    let kinds: Vec<bool> = g
        .activity
        .entries()
        .iter()
        .filter(|a| a.component == Component::Redis)
        .map(|a| a.message.starts_with("manifest cache hit"))
        .collect();
    assert_eq!(kinds, [false, true]);
    assert!(g
        .activity
        .entries()
        .iter()
        .any(|a| a.component == Component::RepoServer
            && a.message.starts_with("rendered 1 objects with Directory")));
    assert_eq!((g.repo_server.hits, g.repo_server.misses), (1, 1));
}

#[test]
fn app_of_apps_adopts_and_prunes_children() {
    let child = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: child
  namespace: argocd
spec:
  source: {repoURL: https://git.example/demo, path: child}
  destination: {namespace: default}
  syncPolicy:
    automated: {prune: true}
";
    let files = [
        ("/apps/child.yaml", child),
        ("/child/cm.yaml", &cm("from-child", "1", "") as &str),
    ];
    let mut g = setup_with(&files, &app_yaml("demo", "apps", ""));
    g.sync("demo", &SyncRequest::default()).unwrap();
    let op = operation(&g);
    assert_eq!(op.tasks[0].message, "application.argoproj.io/child created");
    g.advance(2_000).unwrap();
    // The child is an app of its own and synced itself.
    let child_state = g.app("child").expect("child adopted");
    assert_eq!(child_state.sync_status(), SyncStatus::Synced);
    assert!(g
        .cluster
        .get("ConfigMap", "default", "from-child")
        .is_some());
    // The parent sees its Application object Synced, with the child's status on it.
    let parent = g.app("demo").unwrap().comparison.clone().unwrap();
    assert_eq!(parent.sync_status, SyncStatus::Synced);
    assert_eq!(
        g.app_objects.objects[&("argocd".to_string(), "child".to_string())]["status"]["sync"]
            ["status"],
        "Synced"
    );
    // Removing the child from Git and pruning removes the child app.
    commit_and_refresh(
        &mut g,
        &[
            ("/apps/README.md", "none\n"),
            ("/child/cm.yaml", &cm("from-child", "1", "")),
        ],
        "drop child",
    );
    sync_with_prune(&mut g);
    g.advance(1_000).unwrap();
    assert!(g.app("child").is_none());
}
