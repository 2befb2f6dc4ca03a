//! Helm in the live view: `helm install` of the workspace's chart into the cluster Argo CD
//! also deploys to, `helm list`, the release's resources becoming healthy on the clock, and
//! `helm uninstall`, driven as the page drives them.

use kubeplay_session::examples::HELM;
use kubeplay_session::live::helm::{HelmCommand, HelmInstall, HelmView};
use kubeplay_session::live::*;

mod support;
use support::run;

fn open_helm_example() -> LiveSession {
    let (s, snap) = support::open(HELM.workspace().files, HELM.open);
    assert_eq!(snap.error, None);
    s
}

fn helm(s: &mut LiveSession, cmd: HelmCommand) -> LiveSnapshot {
    s.handle(LiveCommand::Helm(cmd))
}

fn install(name: &str, namespace: &str) -> HelmCommand {
    HelmCommand::Install(HelmInstall {
        chart: "/mychart".into(),
        name: name.into(),
        namespace: namespace.into(),
        ..HelmInstall::default()
    })
}

fn panel(snap: &LiveSnapshot) -> &HelmView {
    snap.helm.as_deref().expect("the Helm panel is shown")
}

#[test]
fn the_panel_is_computed_only_while_shown_and_offers_the_workspace_s_charts() {
    let mut s = open_helm_example();
    assert!(s.handle(LiveCommand::Snapshot).helm.is_none());
    let snap = helm(&mut s, HelmCommand::Show(true));
    assert_eq!(panel(&snap).charts, ["/mychart"]);
    assert_eq!(
        panel(&snap).list_table,
        "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"
    );
    assert!(helm(&mut s, HelmCommand::Show(false)).helm.is_none());
}

#[test]
fn install_list_run_and_uninstall_a_release() {
    let mut s = open_helm_example();
    helm(&mut s, HelmCommand::Show(true));
    let snap = helm(&mut s, install("demo", "default"));
    assert_eq!(snap.error, None);
    assert_eq!(snap.notice.as_deref(), Some("release \"demo\" installed"));
    let p = panel(&snap);
    let out = p.output.as_deref().unwrap();
    assert!(out.starts_with("NAME: demo\nLAST DEPLOYED: "), "{out}");
    assert!(out.contains("STATUS: deployed\nREVISION: 1\n"), "{out}");
    assert!(out.contains("NOTES:\n1. Get the application URL"), "{out}");
    assert_eq!(p.releases.len(), 1);
    let r = &p.releases[0];
    assert_eq!(
        (
            r.name.as_str(),
            r.status.as_str(),
            r.revision,
            r.chart.as_str()
        ),
        ("demo", "deployed", 1, "mychart-0.1.0")
    );
    assert!(p.list_table.lines().nth(1).unwrap().starts_with("demo"));

    // The release's objects run on the clock: the Deployment becomes Healthy with its
    // ReplicaSet and Pod beneath it.
    let snap = run(&mut s, 30);
    let r = &panel(&snap).releases[0];
    let find = |kind: &str| {
        r.resources
            .iter()
            .find(|x| x.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} in {:?}", r.resources))
    };
    assert_eq!(find("Deployment").health, "Healthy");
    assert_eq!(find("Deployment").depth, 0);
    assert_eq!(find("ReplicaSet").depth, 1);
    assert_eq!(
        (find("Pod").depth, find("Pod").health.as_str()),
        (2, "Healthy")
    );
    assert!(find("Service")
        .id
        .ends_with("/Service/default/demo-mychart"));

    let snap = helm(
        &mut s,
        HelmCommand::Uninstall {
            name: "demo".into(),
            namespace: "default".into(),
            keep_history: false,
        },
    );
    assert_eq!(snap.error, None);
    assert_eq!(
        panel(&snap).output.as_deref(),
        Some("release \"demo\" uninstalled\n")
    );
    assert!(panel(&snap).releases.is_empty());
    let g = s.gitops().unwrap();
    assert!(g
        .cluster
        .get("Deployment", "default", "demo-mychart")
        .is_none());
}

#[test]
fn argo_cd_s_objects_are_not_taken_over_by_a_release_of_the_same_name() {
    // The implicit app renders the chart as Argo CD does, with the app's name as the
    // release name: its objects exist without Helm's ownership marks.
    let mut s = open_helm_example();
    run(&mut s, 2);
    let snap = helm(&mut s, install("mychart", "default"));
    let e = snap.error.unwrap();
    assert!(
        e.starts_with("INSTALLATION FAILED: rendered manifests contain a resource that already exists. Unable to continue with install: "),
        "{e}"
    );
    assert!(e.contains("invalid ownership metadata"), "{e}");
}

#[test]
fn bad_requests_get_helm_s_errors() {
    let mut s = open_helm_example();
    helm(&mut s, HelmCommand::Show(true));
    let cases = [
        (
            install("Demo", "default"),
            "INSTALLATION FAILED: release name \"Demo\": invalid release name",
        ),
        (
            install("demo", "nowhere"),
            "INSTALLATION FAILED: create: failed to create: ",
        ),
        (
            HelmCommand::Install(HelmInstall {
                chart: "/nochart".into(),
                name: "x".into(),
                ..HelmInstall::default()
            }),
            "INSTALLATION FAILED: ",
        ),
        (
            HelmCommand::Install(HelmInstall {
                chart: "/mychart".into(),
                name: "x".into(),
                values_files: vec!["/missing.yaml".into()],
                ..HelmInstall::default()
            }),
            "INSTALLATION FAILED: open /missing.yaml: no such file or directory",
        ),
        (
            HelmCommand::Uninstall {
                name: "ghost".into(),
                namespace: "default".into(),
                keep_history: false,
            },
            "uninstall: Release not loaded: ghost: release: not found",
        ),
    ];
    for (cmd, want) in cases {
        let snap = helm(&mut s, cmd);
        let e = snap.error.unwrap_or_default();
        assert!(e.starts_with(want), "{e:?} should start with {want:?}");
    }
    assert!(panel(&s.handle(LiveCommand::Snapshot)).releases.is_empty());
}

#[test]
fn values_files_and_set_reach_the_release() {
    let mut s = open_helm_example();
    helm(&mut s, HelmCommand::Show(true));
    let snap = helm(
        &mut s,
        HelmCommand::Install(HelmInstall {
            chart: "/mychart".into(),
            name: "prod".into(),
            namespace: "shop".into(),
            values_files: vec!["/mychart/values-prod.yaml".into()],
            set: vec!["replicaCount=4".into()],
            create_namespace: true,
        }),
    );
    assert_eq!(snap.error, None);
    let g = s.gitops().unwrap();
    let d = g.cluster.get("Deployment", "shop", "prod-mychart").unwrap();
    assert_eq!(d["spec"]["replicas"], 4);
    assert_eq!(panel(&snap).releases[0].namespace, "shop");
}

#[test]
fn cluster_scoped_objects_of_a_release_are_listed_once_and_gone_ones_are_missing() {
    let mut files = HELM.workspace().files;
    files.insert(
        "/mychart/templates/clusterrole.yaml".into(),
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {{ .Release.Name }}-reader\nrules: []\n".into(),
    );
    let (mut s, _) = support::open(files, HELM.open);
    helm(&mut s, HelmCommand::Show(true));
    let snap = helm(&mut s, install("demo", "default"));
    assert_eq!(snap.error, None);
    let roles = |snap: &LiveSnapshot| -> Vec<(String, String)> {
        panel(snap).releases[0]
            .resources
            .iter()
            .filter(|r| r.kind == "ClusterRole")
            .map(|r| (r.id.clone(), r.health.clone()))
            .collect()
    };
    assert_eq!(
        roles(&snap),
        [(
            "rbac.authorization.k8s.io/ClusterRole//demo-reader".to_string(),
            String::new()
        )]
    );
    let g = s.gitops().unwrap();
    assert!(g.cluster.get("ClusterRole", "", "demo-reader").is_some());

    // Deleted by hand (kubectl delete), the Service stays in the release as Missing.
    let snap = s.handle(LiveCommand::Delete {
        id: "/Service/default/demo-mychart".into(),
    });
    assert_eq!(snap.error, None);
    let svc: Vec<_> = panel(&snap).releases[0]
        .resources
        .iter()
        .filter(|r| r.kind == "Service")
        .map(|r| (r.depth, r.health.as_str()))
        .collect();
    assert_eq!(svc, [(0, "Missing")]);
}
