//! Sources rendered through the repo server (Kustomize, Helm), and the options that change
//! what a comparison or a sync covers (ignoreDifferences, ApplyOutOfSyncOnly).

mod common;

use common::{cm, operation, setup, tree};
use kubeplay_gitops::controller::compare::SyncStatus;
use kubeplay_gitops::controller::SyncRequest;
use kubeplay_gitops::repo_server::SourceType;
use kubeplay_gitops::sync::{Initiator, OperationPhase, Phase};
use serde_json::json;

const SECOND: u64 = 1000;

#[test]
fn kustomize_source_with_application_overrides() {
    let g = setup(
        &[
            (
                "/k/kustomization.yaml",
                "resources: [cm.yaml]\ncommonLabels: {team: a}\n",
            ),
            ("/k/cm.yaml", &cm("settings", "v1", "")),
        ],
        "k",
        "",
    );
    let state = g.app("demo").unwrap();
    let cmp = state.comparison.as_ref().unwrap();
    assert_eq!(cmp.source_type, Some(SourceType::Kustomize));
    assert_eq!(cmp.targets[0]["metadata"]["labels"]["team"], "a");

    let mut g = setup(
        &[
            ("/k/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("/k/cm.yaml", &cm("settings", "v1", "")),
        ],
        "k",
        "",
    );
    let yaml = common::app_yaml("demo", "k", "").replace(
        "    targetRevision: HEAD\n",
        "    targetRevision: HEAD\n    kustomize:\n      namePrefix: dev-\n",
    );
    g.apply_applications(&yaml, "app.yaml").unwrap();
    g.refresh("demo");
    let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
    assert_eq!(cmp.targets[0]["metadata"]["name"], "dev-settings");
}

#[test]
fn helm_source_values_parameters_and_hooks() {
    let files = [
        ("/chart/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
        ("/chart/values.yaml", "greeting: hello\n"),
        (
            "/chart/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
        ),
        (
            "/chart/templates/pre.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-pre\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"-1\"\n",
        ),
    ];
    let mut g = setup(&files, "chart", "");
    let yaml = common::app_yaml("demo", "chart", "").replace(
        "    targetRevision: HEAD\n",
        "    targetRevision: HEAD\n    helm:\n      parameters:\n      - name: greeting\n        value: bonjour\n",
    );
    g.apply_applications(&yaml, "app.yaml").unwrap();
    g.refresh("demo");
    let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
    assert_eq!(cmp.source_type, Some(SourceType::Helm));
    let cfg = cmp
        .targets
        .iter()
        .find(|t| t["metadata"]["name"] == "demo-cfg")
        .unwrap();
    assert_eq!(cfg["data"]["greeting"], "bonjour");
    // The Helm hook is a PreSync hook with its weight as wave (42, 45), and has no sync status.
    assert!(cmp.resources.iter().all(|r| r.key.name != "demo-pre"));
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.run_until_idle(60 * SECOND).unwrap();
    let op = operation(&g);
    let pre = op.tasks.iter().find(|t| t.key.name == "demo-pre").unwrap();
    assert_eq!((pre.phase, pre.wave), (Phase::PreSync, -1));
    assert_eq!(op.phase, OperationPhase::Succeeded, "{}", op.message);
}

#[test]
fn ignore_differences_hides_drift() {
    let policy = "  ignoreDifferences:\n  - kind: ConfigMap\n    jsonPointers: [/data/key]\n";
    let mut g = setup(&[("/app/a.yaml", &cm("a", "1", ""))], "app", policy);
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.advance(SECOND).unwrap();
    let mut live = g.cluster.get("ConfigMap", "default", "a").unwrap();
    live["data"]["key"] = json!("tuned by hand");
    live["data"]["other"] = json!("x");
    g.edit(live).unwrap();
    g.advance(SECOND).unwrap();
    assert_eq!(g.app("demo").unwrap().sync_status(), SyncStatus::Synced);
    // A field that is not ignored still counts.
    g.commit(
        tree(&[("/app/a.yaml", &cm("a", "1", "team: b"))]),
        "annotate",
        "dev",
    )
    .unwrap();
    g.advance(SECOND).unwrap();
    assert_eq!(g.app("demo").unwrap().sync_status(), SyncStatus::OutOfSync);
}

#[test]
fn apply_out_of_sync_only_skips_synced_resources() {
    let policy = "  syncPolicy:\n    syncOptions: [ApplyOutOfSyncOnly=true]\n";
    let mut g = setup(
        &[
            ("/app/a.yaml", &cm("a", "1", "")),
            ("/app/b.yaml", &cm("b", "1", "")),
        ],
        "app",
        policy,
    );
    g.sync("demo", &SyncRequest::default()).unwrap();
    g.advance(SECOND).unwrap();
    g.commit(
        tree(&[
            ("/app/a.yaml", &cm("a", "2", "")),
            ("/app/b.yaml", &cm("b", "1", "")),
        ]),
        "a=2",
        "dev",
    )
    .unwrap();
    g.advance(SECOND).unwrap();
    g.sync("demo", &SyncRequest::default()).unwrap();
    let op = operation(&g);
    let names: Vec<&str> = op.tasks.iter().map(|t| t.key.name.as_str()).collect();
    assert_eq!(names, ["a"]);
    assert_eq!(op.phase, OperationPhase::Succeeded);
}

#[test]
fn scaled_deployment_is_healed() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: web, image: nginx:1.25}\n";
    let mut g = setup(
        &[("/app/web.yaml", deploy)],
        "app",
        "  syncPolicy:\n    automated: {selfHeal: true}\n",
    );
    g.advance(SECOND).unwrap();
    assert_eq!(
        g.cluster.get("Deployment", "default", "web").unwrap()["spec"]["replicas"],
        2
    );
    g.scale("Deployment", "default", "web", 5).unwrap();
    // The controller sees the change, finds /spec/replicas drifted and heals at once
    // (first attempt: no back-off, 70), syncing only the drifted resource.
    g.advance(SECOND).unwrap();
    assert_eq!(
        g.cluster.get("Deployment", "default", "web").unwrap()["spec"]["replicas"],
        2
    );
    let state = g.app("demo").unwrap();
    assert_eq!(state.self_heal_attempts, 1);
    let op = state.operation.as_ref().unwrap();
    assert_eq!(op.initiator, Initiator::SelfHeal);
    assert_eq!(op.tasks[0].message, "deployment/web configured");
    assert!(g
        .activity
        .entries()
        .iter()
        .any(|a| a.message.starts_with("self-heal attempt 1")));
    // Without self-heal the same drift is only reported, with the path that drifted.
    g.set_automated("demo", None).unwrap();
    g.scale("Deployment", "default", "web", 5).unwrap();
    g.advance(SECOND).unwrap();
    let cmp = g.app("demo").unwrap().comparison.clone().unwrap();
    assert_eq!(cmp.sync_status, SyncStatus::OutOfSync);
    assert_eq!(cmp.resources[0].diff.changes[0].path, "/spec/replicas");
}

#[test]
fn invalid_application_is_rejected_with_locations() {
    let mut g = setup(&[("/app/a.yaml", &cm("a", "1", ""))], "app", "");
    let bad = common::app_yaml("other", "app", "  syncPolicy:\n    automatic: {}\n");
    let errs = g.apply_applications(&bad, "other.yaml").unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "other.yaml:15:5: unknown field \"spec.syncPolicy.automatic\""
    );
    assert!(g.app("other").is_none());
}
