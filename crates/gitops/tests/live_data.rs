//! What the page's live views read besides the comparison: kinds of work in the activity log,
//! and the extra details of tree nodes.

mod common;

use common::{cm, setup};
use kubeplay_gitops::activity::{ActivityKind, Component};
use kubeplay_gitops::controller::SyncRequest;

#[test]
fn every_activity_entry_says_what_kind_of_work_it_was() {
    let mut g = setup(&[("app/cm.yaml", &cm("settings", "a", ""))], "app", "");
    g.refresh("demo");
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.run_until_idle(60_000).unwrap();
    let log = &g.activity;
    assert_eq!(log.kinds().len(), log.entries().len());
    let kind_of = |prefix: &str| {
        log.entries_with_kinds()
            .find(|(a, _)| a.message.starts_with(prefix))
            .map(|(_, k)| k)
    };
    assert_eq!(kind_of("commit "), Some(ActivityKind::Request));
    assert_eq!(
        kind_of("manifest cache miss"),
        Some(ActivityKind::CacheMiss)
    );
    assert_eq!(kind_of("manifest cache hit"), Some(ActivityKind::CacheHit));
    assert_eq!(kind_of("rendered "), Some(ActivityKind::Render));
    assert_eq!(kind_of("compared: "), Some(ActivityKind::Compare));
    assert_eq!(kind_of("sync requested"), Some(ActivityKind::Request));
    assert_eq!(kind_of("sync started"), Some(ActivityKind::Sync));
    // Whatever the wording, cluster writes and API requests have their component's kind.
    for (a, k) in log.entries_with_kinds() {
        match a.component {
            Component::Cluster => assert_eq!(k, ActivityKind::ClusterWrite, "{a:?}"),
            Component::ApiServer => assert_eq!(k, ActivityKind::Request, "{a:?}"),
            Component::Redis => assert!(
                matches!(k, ActivityKind::CacheHit | ActivityKind::CacheMiss),
                "{a:?}"
            ),
            _ => {}
        }
    }
}

#[test]
fn tree_details_name_the_failing_container_and_the_revision() {
    let deploy = |image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - name: main\n        image: {image}\n"
        )
    };
    let mut g = setup(
        &[("app/web.yaml", &deploy("nginx:doesnotexist"))],
        "app",
        "",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.advance(30_000).unwrap();
    let details = g.tree_details("demo");
    assert_eq!(details.len(), g.tree("demo").len());
    let pod = details
        .iter()
        .find(|(n, _)| n.key.kind == "Pod")
        .expect("the pod is in the tree");
    assert_eq!(
        pod.1.failing_container,
        Some(("main".to_string(), "ImagePullBackOff".to_string()))
    );
    let rs = details
        .iter()
        .find(|(n, _)| n.key.kind == "ReplicaSet")
        .expect("the ReplicaSet is in the tree");
    assert_eq!(rs.1.revision, Some(1));
    assert_eq!(rs.1.failing_container, None);
    // A healthy pod has no failing container.
    let fixed = common::tree(&[("app/web.yaml", &deploy("nginx:1.25"))]);
    g.commit(fixed, "fix the image", "dev").unwrap();
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.advance(60_000).unwrap();
    let details = g.tree_details("demo");
    let revisions: Vec<Option<i64>> = details
        .iter()
        .filter(|(n, _)| n.key.kind == "ReplicaSet")
        .map(|(_, d)| d.revision)
        .collect();
    assert!(revisions.contains(&Some(2)), "{revisions:?}");
    assert!(details
        .iter()
        .filter(|(n, _)| n.key.kind == "Pod")
        .any(|(_, d)| d.failing_container.is_none()));
}
