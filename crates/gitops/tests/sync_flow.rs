//! End-to-end scenarios written from specs/gitops-semantics.md sections 5-9: the API
//! facade drives the repo server, the controller and the simulated cluster.

mod common;

use common::{cm, operation, pod, setup, sync_with_prune, tree};
use kubeplay_gitops::controller::compare::{ConditionKind, SyncStatus};
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_gitops::health::HealthStatus;
use kubeplay_gitops::sync::{Action, OperationPhase, Phase, ResultCode};
use serde_json::json;

const SECOND: u64 = 1000;

fn results(g: &kubeplay_gitops::api::GitOps) -> Vec<(String, String, String)> {
    let op = g.app("demo").unwrap().operation.as_ref().unwrap();
    op.tasks
        .iter()
        .map(|t| {
            (
                t.key.name.clone(),
                t.result.map_or("", ResultCode::as_str).to_string(),
                t.action.as_str().to_string(),
            )
        })
        .collect()
}

#[test]
fn manual_sync_creates_everything_and_becomes_synced() {
    let mut g = setup(
        &[
            ("/app/cm.yaml", &cm("settings", "v1", "")),
            ("/app/web.yaml", &pod("web", "sleep 3600", "Always", "")),
        ],
        "app",
        "",
    );
    let state = g.app("demo").unwrap();
    assert_eq!(state.sync_status(), SyncStatus::OutOfSync);
    let cmp = state.comparison.as_ref().unwrap();
    assert!(cmp
        .resources
        .iter()
        .all(
            |r| r.health.as_ref().map(|h| h.status) == Some(HealthStatus::Missing)
                || r.key.kind == "ConfigMap"
        ));
    g.sync("demo", &SyncRequest::default()).unwrap();
    // One wave, no hooks: done without waiting for health (61).
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Succeeded);
    assert_eq!(op.message, "successfully synced (all tasks run)");
    assert_eq!(
        results(&g),
        [
            ("settings".into(), "Synced".into(), "created".into()),
            ("web".into(), "Synced".into(), "created".into())
        ]
    );
    g.advance(30 * SECOND).unwrap();
    let state = g.app("demo").unwrap();
    assert_eq!(
        state.sync_status(),
        SyncStatus::Synced,
        "{:#?}",
        state
            .comparison
            .as_ref()
            .unwrap()
            .resources
            .iter()
            .map(|r| &r.diff.changes)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        state.comparison.as_ref().unwrap().health.status,
        HealthStatus::Healthy
    );
    assert_eq!(state.history.len(), 1);
    let text = g.tree_text("demo");
    assert!(text.contains("Pod default/web  Synced  Healthy"), "{text}");
}

#[test]
fn waves_wait_for_health_of_the_previous_wave() {
    let mut g = setup(
        &[
            (
                "/app/late.yaml",
                &cm("late", "x", "argocd.argoproj.io/sync-wave: '1'"),
            ),
            ("/app/web.yaml", &pod("web", "sleep 3600", "Always", "")),
        ],
        "app",
        "",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    assert!(g.cluster.get("Pod", "default", "web").is_some());
    assert!(
        g.cluster.get("ConfigMap", "default", "late").is_none(),
        "wave 1 waits"
    );
    let msg = g
        .app("demo")
        .unwrap()
        .operation
        .as_ref()
        .unwrap()
        .message
        .clone();
    assert_eq!(msg, "waiting for healthy state of /Pod/web");
    assert!(g.run_until_idle(120 * SECOND).unwrap());
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Succeeded, "{}", op.message);
    assert!(g.cluster.get("ConfigMap", "default", "late").is_some());
}

#[test]
fn presync_hook_runs_first_and_is_deleted_on_success() {
    let mut g = setup(
        &[
            ("/app/cm.yaml", &cm("settings", "v1", "")),
            (
                "/app/migrate.yaml",
                &pod("migrate", "sleep 2; exit 0", "Never", "argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookSucceeded"),
            ),
        ],
        "app",
        "",
    );
    // Hooks get no sync status (37).
    assert!(g
        .app("demo")
        .unwrap()
        .comparison
        .as_ref()
        .unwrap()
        .resources
        .iter()
        .all(|r| r.key.name != "migrate"));
    g.sync("demo", &SyncRequest::default()).unwrap();
    assert!(g.cluster.get("Pod", "default", "migrate").is_some());
    assert!(
        g.cluster.get("ConfigMap", "default", "settings").is_none(),
        "Sync phase waits for PreSync"
    );
    assert_eq!(
        g.app("demo").unwrap().operation.as_ref().unwrap().message,
        "waiting for completion of hook /Pod/migrate"
    );
    assert!(g.run_until_idle(120 * SECOND).unwrap());
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Succeeded, "{}", op.message);
    assert_eq!(op.tasks[0].phase, Phase::PreSync);
    assert!(g.cluster.get("ConfigMap", "default", "settings").is_some());
    // HookSucceeded: deleted once the operation succeeded (64); the pod terminates.
    let hook = g.cluster.get("Pod", "default", "migrate");
    assert!(hook.is_none_or(|h| !h["metadata"]["deletionTimestamp"].is_null()));
}

#[test]
fn failed_hook_fails_the_sync_and_runs_syncfail_hooks() {
    let mut g = setup(
        &[
            ("/app/cm.yaml", &cm("settings", "v1", "")),
            (
                "/app/check.yaml",
                &pod(
                    "check",
                    "exit 3",
                    "Never",
                    "argocd.argoproj.io/hook: PreSync",
                ),
            ),
            (
                "/app/cleanup.yaml",
                &pod(
                    "cleanup",
                    "exit 0",
                    "Never",
                    "argocd.argoproj.io/hook: SyncFail",
                ),
            ),
        ],
        "app",
        "",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    assert!(g.run_until_idle(120 * SECOND).unwrap());
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Failed);
    assert!(
        op.message
            .starts_with("one or more synchronization tasks completed unsuccessfully, reason: "),
        "{}",
        op.message
    );
    assert!(
        g.cluster.get("ConfigMap", "default", "settings").is_none(),
        "Sync phase never ran"
    );
    assert!(
        g.cluster.get("Pod", "default", "cleanup").is_some(),
        "SyncFail hook ran"
    );
    assert!(
        g.app("demo").unwrap().history.is_empty(),
        "only successful syncs enter history"
    );
}

#[test]
fn prune_prune_last_and_prune_disabled() {
    let mut g = setup(
        &[
            ("/app/a.yaml", &cm("a", "1", "")),
            ("/app/b.yaml", &cm("b", "1", "")),
            (
                "/app/c.yaml",
                &cm("c", "1", "argocd.argoproj.io/sync-wave: '3'"),
            ),
        ],
        "app",
        "  syncPolicy:\n    syncOptions: [PruneLast=true]\n",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.run_until_idle(60 * SECOND).unwrap();
    g.commit(
        tree(&[
            ("/app/a.yaml", &cm("a", "2", "")),
            (
                "/app/c.yaml",
                &cm("c", "1", "argocd.argoproj.io/sync-wave: '3'"),
            ),
        ]),
        "drop b",
        "dev",
    )
    .unwrap();
    g.refresh("demo");
    let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
    let b = cmp.resources.iter().find(|r| r.key.name == "b").unwrap();
    assert!(b.requires_pruning && b.status == SyncStatus::OutOfSync);
    // Without prune the task is skipped with Argo's message (58).
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.run_until_idle(60 * SECOND).unwrap();
    let op = operation(&g);
    let t = op.tasks.iter().find(|t| t.key.name == "b").unwrap();
    assert_eq!(
        (t.result, t.message.as_str()),
        (Some(ResultCode::PruneSkipped), "ignored (requires pruning)")
    );
    assert!(g.cluster.get("ConfigMap", "default", "b").is_some());
    // With prune and PruneLast: the prune runs after the highest sync wave (54).
    sync_with_prune(&mut g);
    let op = operation(&g);
    let order: Vec<(String, i64)> = op
        .tasks
        .iter()
        .map(|t| (t.key.name.clone(), t.wave))
        .collect();
    assert_eq!(
        order,
        [
            ("a".to_string(), 0),
            ("c".to_string(), 3),
            ("b".to_string(), 4)
        ]
    );
    g.run_until_idle(60 * SECOND).unwrap();
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Succeeded, "{}", op.message);
    let t = op.tasks.iter().find(|t| t.key.name == "b").unwrap();
    assert_eq!(
        (t.result, t.action),
        (Some(ResultCode::Pruned), Action::Pruned)
    );
    assert!(g.cluster.get("ConfigMap", "default", "b").is_none());
    g.refresh("demo");
    assert_eq!(g.app("demo").unwrap().sync_status(), SyncStatus::Synced);
}

#[test]
fn auto_sync_follows_new_commits() {
    let mut g = setup(
        &[("/app/a.yaml", &cm("a", "1", ""))],
        "app",
        "  syncPolicy:\n    automated: {}\n",
    );
    g.advance(SECOND).unwrap();
    assert_eq!(
        g.cluster.get("ConfigMap", "default", "a").unwrap()["data"]["key"],
        "1"
    );
    let rev2 = g
        .commit(tree(&[("/app/a.yaml", &cm("a", "2", ""))]), "bump", "dev")
        .unwrap();
    g.advance(SECOND).unwrap();
    assert_eq!(
        g.cluster.get("ConfigMap", "default", "a").unwrap()["data"]["key"],
        "2"
    );
    let state = g.app("demo").unwrap();
    assert_eq!(state.history.len(), 2);
    assert_eq!(state.history[1].revision, rev2);
    assert_eq!(
        state.events.last().unwrap().1,
        format!("Initiated automated sync to '{rev2}'")
    );
    assert_eq!(state.sync_status(), SyncStatus::Synced);
}

#[test]
fn drift_is_not_healed_without_self_heal() {
    let mut g = setup(
        &[("/app/a.yaml", &cm("a", "1", ""))],
        "app",
        "  syncPolicy:\n    automated: {}\n",
    );
    g.advance(SECOND).unwrap();
    let mut live = g.cluster.get("ConfigMap", "default", "a").unwrap();
    live["data"]["key"] = json!("by hand");
    g.edit(live).unwrap();
    g.advance(10 * SECOND).unwrap();
    assert_eq!(g.app("demo").unwrap().sync_status(), SyncStatus::OutOfSync);
    assert_eq!(
        g.cluster.get("ConfigMap", "default", "a").unwrap()["data"]["key"],
        "by hand"
    );
}

#[test]
fn self_heal_backs_off_between_attempts() {
    let mut g = setup(
        &[("/app/a.yaml", &cm("a", "1", ""))],
        "app",
        "  syncPolicy:\n    automated: {selfHeal: true}\n",
    );
    g.advance(SECOND).unwrap();
    let mut heal_times = Vec::new();
    for _ in 0..4 {
        let mut live = g.cluster.get("ConfigMap", "default", "a").unwrap();
        live["data"]["key"] = json!("drift");
        g.edit(live).unwrap();
        let edited_at = g.now();
        // Wait until healed, in 1 s steps.
        for _ in 0..60 {
            g.advance(SECOND).unwrap();
            if g.cluster.get("ConfigMap", "default", "a").unwrap()["data"]["key"] == "1" {
                break;
            }
        }
        heal_times.push((g.now() - edited_at) / SECOND);
    }
    // Attempt n waits 0, 2, 6, 18 s after the previous operation ended (70); the drift
    // here comes right after each heal, so the waits show up almost whole.
    assert_eq!(heal_times, [1, 2, 6, 18]);
    assert_eq!(g.app("demo").unwrap().self_heal_attempts, 4);
}

#[test]
fn rollback_turns_auto_sync_off() {
    let mut g = setup(
        &[("/app/a.yaml", &cm("a", "1", ""))],
        "app",
        "  syncPolicy:\n    automated: {}\n",
    );
    g.advance(SECOND).unwrap();
    let rev1 = g.app("demo").unwrap().history[0].revision.clone();
    g.commit(tree(&[("/app/a.yaml", &cm("a", "2", ""))]), "bump", "dev")
        .unwrap();
    g.advance(SECOND).unwrap();
    assert_eq!(
        g.cluster.get("ConfigMap", "default", "a").unwrap()["data"]["key"],
        "2"
    );
    g.rollback("demo", 1).unwrap();
    g.advance(5 * SECOND).unwrap();
    let state = g.app("demo").unwrap();
    assert!(state.app.sync_policy.automated.is_none());
    assert_eq!(
        g.cluster.get("ConfigMap", "default", "a").unwrap()["data"]["key"],
        "1"
    );
    assert_eq!(state.history.last().unwrap().revision, rev1);
    // HEAD still says 2: the app is OutOfSync and stays so (no auto-sync any more).
    assert_eq!(state.sync_status(), SyncStatus::OutOfSync);
    assert!(g
        .rollback("demo", 99)
        .unwrap_err()
        .contains("does not have deployment id '99'"));
}

#[test]
fn auto_sync_refuses_to_wipe_out_everything() {
    let mut g = setup(
        &[("/app/a.yaml", &cm("a", "1", ""))],
        "app",
        "  syncPolicy:\n    automated: {prune: true}\n",
    );
    g.advance(SECOND).unwrap();
    let rev = g
        .commit(
            tree(&[("/app/README.md", "empty now\n")]),
            "remove all",
            "dev",
        )
        .unwrap();
    g.advance(SECOND).unwrap();
    assert!(g.cluster.get("ConfigMap", "default", "a").is_some());
    let conds = g.app("demo").unwrap().conditions();
    assert!(
        conds.iter().any(|c| c.kind == ConditionKind::SyncError
            && c.message
                == format!(
                    "Skipping sync attempt to {rev}: auto-sync will wipe out all resources"
                )),
        "{conds:?}"
    );
}

#[test]
fn render_failure_is_a_comparison_error_with_the_message() {
    let mut g = setup(&[("/app/bad.yaml", "kind: [unclosed\n")], "app", "");
    let state = g.app("demo").unwrap();
    assert_eq!(state.sync_status(), SyncStatus::Unknown);
    let c = &state.conditions()[0];
    assert_eq!(c.kind, ConditionKind::ComparisonError);
    assert!(
        c.message.contains("Failed to unmarshal \"bad.yaml\""),
        "{}",
        c.message
    );
    assert!(g
        .sync("demo", &SyncRequest::default())
        .unwrap_err()
        .starts_with("ComparisonError: "));

    let mut g = setup(&[("/app/a.yaml", &cm("a", "1", ""))], "missing/dir", "");
    let c = &g.app("demo").unwrap().conditions()[0];
    assert!(
        c.message.ends_with("missing/dir: app path does not exist"),
        "{}",
        c.message
    );
    g.advance(SECOND).unwrap();
}

#[test]
fn nameless_and_duplicate_objects_are_conditions() {
    let g = setup(
        &[
            (
                "/app/a.yaml",
                &format!("{}---\n{}", cm("a", "1", ""), cm("a", "2", "")),
            ),
            (
                "/app/noname.yaml",
                "apiVersion: v1\nkind: ConfigMap\ndata: {x: y}\n",
            ),
        ],
        "app",
        "",
    );
    let conds = g.app("demo").unwrap().conditions();
    let shown: Vec<(ConditionKind, &str)> =
        conds.iter().map(|c| (c.kind, c.message.as_str())).collect();
    assert_eq!(
        shown,
        [
            (
                ConditionKind::InvalidSpecError,
                "ConfigMap #3: resource name may not be empty"
            ),
            (
                ConditionKind::RepeatedResourceWarning,
                "Resource /ConfigMap/default/a appeared 2 times among application resources."
            ),
        ]
    );
}

#[test]
fn apply_failure_reports_the_api_error() {
    let mut g = setup(
        &[(
            "/app/w.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
        )],
        "app",
        "",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Failed);
    assert_eq!(op.message, "one or more objects failed to apply, reason: no matches for kind \"Widget\" in version \"example.com/v1\"");
}
