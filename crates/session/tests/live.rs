//! The live session driven as the page drives it: open a workspace, run the clock, act.

use kubeplay_session::live::snapshot::{LiveSnapshot, TabContent};
use kubeplay_session::live::*;
use std::collections::BTreeMap;

mod support;
use support::{open, run};

fn ex(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../web/examples/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter().map(|(p, f)| (p.to_string(), ex(f))).collect()
}

fn argocd() -> BTreeMap<String, String> {
    files(&[
        ("/apps/web-dev.yaml", "argocd/web-dev-manual.yaml"),
        ("/apps/web-prd.yaml", "argocd/guestbook-prd.yaml"),
        ("/base/deployment.yaml", "overlays/base/deployment.yaml"),
        (
            "/base/kustomization.yaml",
            "overlays/base/kustomization.yaml",
        ),
        ("/base/service.yaml", "overlays/base/service.yaml"),
        (
            "/overlays/dev/kustomization.yaml",
            "overlays/overlays/dev/kustomization.yaml",
        ),
        (
            "/overlays/dev/replicas.yaml",
            "overlays/overlays/dev/replicas.yaml",
        ),
        (
            "/overlays/prd/kustomization.yaml",
            "overlays/overlays/prd/kustomization.yaml",
        ),
        (
            "/overlays/prd/replicas.yaml",
            "overlays/overlays/prd/replicas.yaml",
        ),
    ])
}

fn node<'a>(snap: &'a LiveSnapshot, kind: &str, name_prefix: &str) -> &'a snapshot::TreeNode {
    snap.tree
        .nodes
        .iter()
        .find(|n| n.kind == kind && n.name.starts_with(name_prefix))
        .unwrap_or_else(|| panic!("no {kind} {name_prefix}* in {:?}", snap.tree.nodes))
}

fn header(snap: &LiveSnapshot) -> &snapshot::AppHeader {
    snap.app.as_ref().expect("an app is selected")
}

fn select(s: &mut LiveSession, name: &str) -> LiveSnapshot {
    s.handle(LiveCommand::SelectApp(name.into()))
}

#[test]
fn argocd_example_out_of_sync_until_synced_then_healthy() {
    let (mut s, snap) = open(argocd(), "/apps/web-dev.yaml");
    let names: Vec<&str> = snap.apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["web-dev", "web-prd"]);
    assert_eq!(header(&snap).sync, "OutOfSync");
    assert_eq!(header(&snap).health, "Missing");
    let snap = run(&mut s, 10);
    assert_eq!(
        header(&snap).sync,
        "OutOfSync",
        "web-dev syncs by hand only"
    );
    // The whole-app diff lists what a sync creates.
    let snap = s.handle(LiveCommand::ShowAppDiff(true));
    let diff = snap.app_diff.as_ref().unwrap();
    assert!(diff.summary.new >= 2, "{:?}", diff.summary);
    let snap = s.handle(LiveCommand::Sync(SyncOptions {
        prune: true,
        ..SyncOptions::default()
    }));
    assert_eq!(snap.error, None);
    assert!(
        snap.app_diff.is_none(),
        "the dialog's diff closes with the sync"
    );
    let snap = run(&mut s, 30);
    let h = header(&snap);
    assert_eq!((h.sync.as_str(), h.health.as_str()), ("Synced", "Healthy"));
    assert_eq!(h.last_sync.as_ref().unwrap().phase, "Succeeded");
    assert_eq!(node(&snap, "Pod", "dev-web").health, "Healthy");
    // The whole snapshot stays small enough to cross to the page every frame.
    assert!(serde_json::to_string(&snap).unwrap().len() < 32 * 1024);
}

#[test]
fn a_commit_makes_the_automated_app_out_of_sync_then_it_syncs_itself() {
    let (mut s, _) = open(argocd(), "/apps/web-prd.yaml");
    select(&mut s, "web-prd");
    let snap = run(&mut s, 30);
    assert_eq!(header(&snap).sync, "Synced");
    let first = header(&snap).revision.clone();
    let mut files = argocd();
    let kust = files.get_mut("/overlays/prd/kustomization.yaml").unwrap();
    *kust = kust.replace("1.27.3", "1.27.4");
    let snap = s.handle(LiveCommand::Commit(WorkspaceCommit {
        message: "prd: nginx 1.27.4".into(),
        files,
    }));
    assert_eq!(snap.error, None);
    let h = header(&snap);
    assert_eq!(h.sync, "OutOfSync", "the commit is compared at once");
    assert_ne!(h.revision, first);
    assert_eq!(h.revision_message, "prd: nginx 1.27.4");
    let snap = run(&mut s, 30);
    let h = header(&snap);
    assert_eq!((h.sync.as_str(), h.health.as_str()), ("Synced", "Healthy"));
    assert_eq!(h.history.len(), 2);
    assert_eq!(h.history[0].initiator, "automated");
}

#[test]
fn self_heal_reverts_a_scale_made_by_hand() {
    let (mut s, _) = open(argocd(), "/apps/web-prd.yaml");
    select(&mut s, "web-prd");
    let snap = run(&mut s, 30);
    let deploy = node(&snap, "Deployment", "prd-web").id.clone();
    s.handle(LiveCommand::SelectNode(Some(deploy.clone())));
    let snap = s.handle(LiveCommand::Scale {
        id: deploy.clone(),
        replicas: 7,
    });
    assert_eq!(snap.error, None);
    assert_eq!(snap.details.as_ref().unwrap().replicas, Some(7));
    let mut saw_out_of_sync = false;
    let mut snap = snap;
    for _ in 0..30 {
        snap = run(&mut s, 1);
        saw_out_of_sync |= header(&snap).sync == "OutOfSync";
    }
    assert!(saw_out_of_sync);
    assert_eq!(header(&snap).sync, "Synced");
    assert_eq!(
        snap.details.as_ref().unwrap().replicas,
        Some(4),
        "self-heal put back prd's 4"
    );
    let bad = s.handle(LiveCommand::Scale {
        id: deploy,
        replicas: -1,
    });
    assert!(bad.error.unwrap().contains("negative"));
}

#[test]
fn rollback_returns_to_the_first_revision_and_turns_auto_sync_off() {
    let (mut s, _) = open(argocd(), "/apps/web-prd.yaml");
    select(&mut s, "web-prd");
    let snap = run(&mut s, 30);
    let first = header(&snap).revision.clone();
    let mut files = argocd();
    let r = files.get_mut("/overlays/prd/replicas.yaml").unwrap();
    *r = r.replace("replicas: 4", "replicas: 2");
    s.handle(LiveCommand::Commit(WorkspaceCommit {
        message: "prd: 2 replicas".into(),
        files,
    }));
    let snap = run(&mut s, 30);
    let h = header(&snap);
    assert_ne!(h.revision, first);
    let oldest = h.history.last().unwrap().clone();
    assert_eq!(oldest.revision, first);
    let snap = s.handle(LiveCommand::Rollback {
        history_id: oldest.id,
    });
    assert_eq!(snap.error, None);
    assert!(!header(&snap).policy.auto_sync);
    let snap = run(&mut s, 30);
    let h = header(&snap);
    assert_eq!(
        h.history[0].revision, first,
        "the newest deployment is the first revision"
    );
    assert_eq!(
        h.sync, "OutOfSync",
        "HEAD moved on; the app stays at the old revision"
    );
    let bad = s.handle(LiveCommand::Rollback { history_id: 99 });
    assert!(bad.error.is_some());
}

#[test]
fn liveness_http_restarts_show_on_the_node_and_the_timeline() {
    let (mut s, snap) = open(
        files(&[("/probes/liveness-http.yaml", "probes/liveness-http.yaml")]),
        "/probes/liveness-http.yaml",
    );
    assert_eq!(snap.apps.len(), 1);
    assert!(snap.apps[0].implicit);
    assert_eq!(snap.apps[0].name, "probes");
    let snap = run(&mut s, 60);
    let pod = node(&snap, "Pod", "liveness-http");
    assert!(pod.restarts >= 1, "{pod:?}");
    let id = pod.id.clone();
    s.handle(LiveCommand::SelectNode(Some(id)));
    let snap = s.handle(LiveCommand::SetTab(DetailsTab::Timeline));
    let TabContent::Timeline(t) = &snap.details.as_ref().unwrap().content else {
        panic!("timeline expected")
    };
    assert!(!t.restarts.is_empty());
    assert!(t.events.iter().any(|e| e
        .message
        .starts_with("Liveness probe failed: HTTP probe failed with statuscode: 500")));
    assert!(t.events.iter().any(|e| e
        .message
        .contains("failed liveness probe, will be restarted")));
    let snap = s.handle(LiveCommand::SetTab(DetailsTab::Lifecycle));
    let TabContent::Lifecycle(l) = &snap.details.as_ref().unwrap().content else {
        panic!("lifecycle expected")
    };
    assert_eq!(l.phase, "Running");
}

#[test]
fn readiness_http_leaves_the_endpoints_without_restarting() {
    let (mut s, _) = open(
        files(&[
            ("/probes/readiness-http.yaml", "probes/readiness-http.yaml"),
            (
                "/probes/readiness-service.yaml",
                "probes/readiness-service.yaml",
            ),
        ]),
        "/probes/readiness-http.yaml",
    );
    let snap = run(&mut s, 8);
    let g = s.gitops().unwrap();
    let ready_addresses = |g: &kubeplay_gitops::api::GitOps| {
        g.cluster
            .list("EndpointSlice")
            .iter()
            .flat_map(|e| e["endpoints"].as_array().cloned().unwrap_or_default())
            .filter(|e| e.pointer("/conditions/ready").and_then(|r| r.as_bool()) == Some(true))
            .count()
    };
    assert_eq!(
        ready_addresses(g),
        1,
        "{}",
        serde_json::to_string(&snap.tree).unwrap()
    );
    let snap = run(&mut s, 30);
    assert_eq!(ready_addresses(s.gitops().unwrap()), 0);
    let pod = node(&snap, "Pod", "readiness-http");
    assert_eq!(pod.restarts, 0);
    assert_eq!(
        pod.failing.as_ref().map(|f| f.reason.as_str()),
        Some("NotReady")
    );
}

/// Scales the selected app's Deployment by hand (auto-sync off) and turns the changed
/// replicas line of its diff into an ignore rule; returns the snapshot that answered.
fn ignore_replicas(s: &mut LiveSession, deploy_prefix: &str) -> LiveSnapshot {
    let snap = run(s, 30);
    let deploy = node(&snap, "Deployment", deploy_prefix).id.clone();
    s.handle(LiveCommand::SelectNode(Some(deploy.clone())));
    s.handle(LiveCommand::SetPolicy(Policy::default()));
    s.handle(LiveCommand::Scale {
        id: deploy,
        replicas: 6,
    });
    let snap = s.handle(LiveCommand::SetTab(DetailsTab::Diff));
    assert_eq!(header(&snap).sync, "OutOfSync");
    let TabContent::Diff(d) = &snap.details.as_ref().unwrap().content else {
        panic!("diff")
    };
    assert_eq!((d.added, d.removed), (1, 1));
    let kubeplay_views::diff_view::DiffRows::SideBySide(rows) = &d.rows else {
        panic!("side by side")
    };
    let changed = rows
        .iter()
        .find_map(|r| match r {
            kubeplay_views::diff_view::SideRow::Pair {
                right: Some((n, t)),
                changed: true,
                ..
            } if t.contains("replicas") => Some(*n),
            _ => None,
        })
        .unwrap();
    s.handle(LiveCommand::IgnoreDiffLine {
        live_no: None,
        desired_no: Some(changed),
    })
}

#[test]
fn diff_line_becomes_an_ignore_rule_in_the_application_file() {
    let (mut s, _) = open(argocd(), "/apps/web-prd.yaml");
    select(&mut s, "web-prd");
    let snap = ignore_replicas(&mut s, "prd-web");
    let notice = snap.notice.clone().unwrap();
    assert!(notice.contains("/spec/replicas"), "{notice}");
    assert!(
        notice.contains("written into /apps/web-prd.yaml"),
        "{notice}"
    );
    assert_eq!(
        header(&snap).sync,
        "Synced",
        "the ignored field no longer counts"
    );
    // The page writes the rule into the file it gets back.
    let edit = snap.file_edit.clone().expect("a file edit for the page");
    assert_eq!(
        (edit.path.as_str(), edit.app.as_str()),
        ("/apps/web-prd.yaml", "web-prd")
    );
    let mut files = argocd();
    let before = files["/apps/web-prd.yaml"].clone();
    let after = edit.apply(&before).unwrap();
    assert!(
        after.starts_with(&before),
        "an insertion at the end of spec: {after}"
    );
    assert!(after.ends_with(
        "  ignoreDifferences:\n  - group: apps\n    kind: Deployment\n    name: prd-web\n    namespace: web-prd\n    jsonPointers:\n    - /spec/replicas\n"
    ), "{after}");
    // The next command carries no edit: it is the page's once.
    assert_eq!(s.handle(LiveCommand::Snapshot).file_edit, None);
    // Committed with the file, the rule stays (the app is re-read from its file).
    files.insert("/apps/web-prd.yaml".into(), after);
    let snap = s.handle(LiveCommand::Commit(WorkspaceCommit {
        message: "web-prd: ignore replicas".into(),
        files: files.clone(),
    }));
    assert_eq!(snap.error, None);
    assert_eq!(header(&snap).sync, "Synced");
    let app = s.gitops().unwrap().app("web-prd").unwrap();
    assert_eq!(app.app.ignore_differences.len(), 1);
    let snap = s.handle(LiveCommand::Refresh);
    assert_eq!(header(&snap).sync, "Synced", "a refresh keeps it too");
    // A commit of a file without it drops it again, as Argo CD would.
    files.insert("/apps/web-prd.yaml".into(), before);
    s.handle(LiveCommand::SetPolicy(Policy::default()));
    let snap = s.handle(LiveCommand::Commit(WorkspaceCommit {
        message: "web-prd: watch replicas again".into(),
        files,
    }));
    assert_eq!(header(&snap).sync, "OutOfSync");
}

#[test]
fn the_implicit_app_keeps_an_ignore_rule_in_memory_and_says_there_is_no_file() {
    let mut ws = argocd();
    ws.retain(|p, _| p.starts_with("/base/"));
    let (mut s, snap) = open(ws.clone(), "/base/kustomization.yaml");
    assert!(snap.apps[0].implicit);
    let snap = ignore_replicas(&mut s, "web");
    let notice = snap.notice.clone().unwrap();
    assert!(notice.contains("no Application file"), "{notice}");
    assert_eq!(snap.file_edit, None);
    assert_eq!(header(&snap).sync, "Synced");
    // A commit re-reads no file for the implicit app: the rule stays.
    let snap = s.handle(LiveCommand::Commit(WorkspaceCommit {
        message: "another commit".into(),
        files: ws,
    }));
    assert_eq!(header(&snap).sync, "Synced");
}

#[test]
fn bad_input_is_refused_in_a_sentence() {
    let mut s = LiveSession::default();
    assert!(s
        .handle(LiveCommand::Advance { ms: 1000 })
        .error
        .unwrap()
        .contains("no workspace"));
    let (mut s, _) = open(argocd(), "/apps/web-dev.yaml");
    let e = s
        .handle(LiveCommand::EditLive {
            id: "/Pod/x/y".into(),
            yaml: "a: [".into(),
        })
        .error
        .unwrap();
    assert!(e.contains("not in the cluster"), "{e}");
    let e = s
        .handle(LiveCommand::Delete { id: "junk".into() })
        .error
        .unwrap();
    assert!(e.contains("not a resource"), "{e}");
    // Advances are bounded per command.
    let snap = s.handle(LiveCommand::Advance { ms: u64::MAX });
    assert_eq!(snap.now, MAX_ADVANCE);
}

#[test]
fn a_large_whole_app_diff_carries_lines_only_for_the_resources_opened() {
    let ws = kubeplay_session::examples::by_id("fleet")
        .unwrap()
        .workspace();
    let (mut s, _) = open(ws.files.clone(), &ws.selected);
    s.handle(LiveCommand::SetPolicy(Policy::default()));
    // Every resource renamed: 50 to create, 50 to prune.
    let mut files = ws.files.clone();
    for text in files.values_mut() {
        *text = text.replace("\n  name: ", "\n  name: v2-");
    }
    s.handle(LiveCommand::Commit(WorkspaceCommit {
        message: "v2 names".into(),
        files,
    }));
    let snap = s.handle(LiveCommand::ShowAppDiff(true));
    let diff = snap.app_diff.as_ref().unwrap();
    assert_eq!((diff.summary.new, diff.summary.pruned), (50, 50));
    assert_eq!(diff.resources.len(), 100);
    let rows = |r: &snapshot::AppDiffResource| match &r.rows {
        kubeplay_views::diff_view::DiffRows::Inline(x) => x.len(),
        kubeplay_views::diff_view::DiffRows::SideBySide(x) => x.len(),
    };
    assert!(diff.resources.iter().all(|r| !r.open && rows(r) == 0));
    let size = serde_json::to_string(diff).unwrap().len();
    assert!(size < 32 * 1024, "titles only: {size} bytes");
    let id = diff.resources[7].id.clone();
    let snap = s.handle(LiveCommand::ToggleAppDiffResource(id.clone()));
    let diff = snap.app_diff.as_ref().unwrap();
    let opened: Vec<&snapshot::AppDiffResource> =
        diff.resources.iter().filter(|r| r.open).collect();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].id, id);
    assert_eq!(rows(opened[0]), opened[0].added + opened[0].removed);
    let snap = s.handle(LiveCommand::ToggleAppDiffResource(id));
    assert!(snap.app_diff.unwrap().resources.iter().all(|r| !r.open));
}
