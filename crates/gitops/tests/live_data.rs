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
