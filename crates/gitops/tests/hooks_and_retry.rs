//! Hook delete policies (spec 43, 57, 64) and retries of failed operations (71).

mod common;

use common::{cm, operation, pod, setup};
use kubeplay_gitops::controller::compare::ConditionKind;
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_gitops::sync::OperationPhase;

const SECOND: u64 = 1000;

fn deleting_or_gone(g: &kubeplay_gitops::api::GitOps, name: &str) -> bool {
    g.cluster
        .get("Pod", "default", name)
        .is_none_or(|p| !p["metadata"]["deletionTimestamp"].is_null())
}

#[test]
fn before_hook_creation_deletes_the_old_instance_first() {
    // No policy given: BeforeHookCreation (43). The hook stays after the first sync.
    let mut g = setup(
        &[
            ("/app/cm.yaml", &cm("a", "1", "")),
            (
                "/app/hook.yaml",
                &pod(
                    "migrate",
                    "exit 0",
                    "Never",
                    "argocd.argoproj.io/hook: PreSync",
                ),
            ),
        ],
        "app",
        "",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    assert!(g.run_until_idle(60 * SECOND).unwrap());
    assert!(
        !deleting_or_gone(&g, "migrate"),
        "BeforeHookCreation keeps the hook until the next sync"
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    let op = operation(&g);
    assert_eq!(op.message, "waiting for deletion of hook /Pod/migrate");
    assert!(deleting_or_gone(&g, "migrate"));
    // The new instance is created once the old one is gone (a completed pod goes at once),
    // and the operation then finishes like the first one.
    assert!(g.run_until_idle(60 * SECOND).unwrap());
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Succeeded, "{}", op.message);
    assert!(
        !deleting_or_gone(&g, "migrate"),
        "the new instance of the hook stays until the next sync"
    );
    assert!(g.cluster.get("ConfigMap", "default", "a").is_some());
}

#[test]
fn hook_failed_policy_deletes_a_failed_hook() {
    let mut g = setup(
        &[
            ("/app/cm.yaml", &cm("a", "1", "")),
            (
                "/app/hook.yaml",
                &pod("check", "exit 1", "Never", "argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookFailed"),
            ),
        ],
        "app",
        "",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    assert!(g.run_until_idle(60 * SECOND).unwrap());
    assert_eq!(
        g.app("demo").unwrap().operation.as_ref().unwrap().phase,
        OperationPhase::Failed
    );
    assert!(deleting_or_gone(&g, "check"));
}

#[test]
fn failed_operations_are_retried_with_backoff_then_reported() {
    let policy = "  syncPolicy:\n    automated: {}\n    retry:\n      limit: 2\n      backoff: {duration: 5s, factor: 2, maxDuration: 1m}\n";
    let mut g = setup(
        &[(
            "/app/w.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
        )],
        "app",
        policy,
    );
    g.advance(SECOND).unwrap();
    let retries = |g: &kubeplay_gitops::api::GitOps| {
        g.app("demo")
            .unwrap()
            .operation
            .as_ref()
            .unwrap()
            .retry_count
    };
    assert_eq!(retries(&g), 1, "first failure schedules retry #1");
    // Retry #1 after 5 s, retry #2 after 10 s more.
    g.advance(5 * SECOND).unwrap();
    assert_eq!(retries(&g), 2);
    assert!(g.app("demo").unwrap().operation_running());
    g.advance(10 * SECOND).unwrap();
    let state = g.app("demo").unwrap();
    assert!(!state.operation_running());
    assert_eq!(
        state.operation.as_ref().unwrap().phase,
        OperationPhase::Failed
    );
    // The same revision is not tried again (69).
    let rev = state.comparison.as_ref().unwrap().revision.clone().unwrap();
    let conds = state.conditions();
    assert!(
        conds.iter().any(|c| c.kind == ConditionKind::SyncError
            && c.message.starts_with(&format!(
                "Failed last sync attempt to {rev}: one or more objects failed to apply"
            ))),
        "{conds:?}"
    );
}

#[test]
fn presync_job_hook_completes_before_the_sync_phase() {
    let job = "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: busybox
        command: [sh, -c, 'sleep 2; exit 0']
";
    let mut g = setup(
        &[("/app/cm.yaml", &cm("a", "1", "")), ("/app/job.yaml", job)],
        "app",
        "",
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    assert!(
        g.cluster.get("ConfigMap", "default", "a").is_none(),
        "waits for the Job"
    );
    assert_eq!(
        g.app("demo").unwrap().operation.as_ref().unwrap().message,
        "waiting for completion of hook batch/Job/migrate"
    );
    assert!(g.run_until_idle(120 * SECOND).unwrap());
    let op = operation(&g);
    assert_eq!(op.phase, OperationPhase::Succeeded, "{}", op.message);
    assert!(g.cluster.get("ConfigMap", "default", "a").is_some());
    assert!(
        g.cluster.get("Job", "default", "migrate").is_none(),
        "HookSucceeded"
    );
}
