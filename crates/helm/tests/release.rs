//! `helm install`, `list` and `uninstall` against the simulated cluster: records stored as
//! Helm 4 stores them, objects applied and deleted in Helm's orders, Helm's errors.

use kubeplay_cluster::{Cluster, ClusterConfig};
use kubeplay_helm::release::{
    self, install, install_status, list, list_table, uninstall, InstallOptions, Release, Status,
    UninstallOptions,
};
use kubeplay_helm::{load_chart, Chart, RenderOptions, TemplateOptions, Values};
use kubeplay_vfs::FileTree;

const NOW: i64 = 1_764_494_158; // 2025-11-30 09:15:58 UTC

fn starter() -> Chart {
    let mut tree = FileTree::new();
    for (rel, text) in kubeplay_helm::starter::starter_files("web") {
        tree.write(&format!("/web/{rel}"), text).unwrap();
    }
    load_chart(&tree, "/web").unwrap()
}

fn chart(templates: &[(&str, &str)]) -> Chart {
    let mut tree = FileTree::new();
    tree.write(
        "/c/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 1.2.3\nappVersion: \"4.5\"\n",
    )
    .unwrap();
    for (name, text) in templates {
        tree.write(&format!("/c/templates/{name}"), *text).unwrap();
    }
    load_chart(&tree, "/c").unwrap()
}

fn opts(name: &str, namespace: &str) -> InstallOptions {
    InstallOptions {
        template: TemplateOptions {
            render: RenderOptions {
                name: name.into(),
                namespace: namespace.into(),
                now: NOW,
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    }
}

fn un(namespace: &str) -> UninstallOptions {
    UninstallOptions {
        namespace: namespace.into(),
        now: NOW + 60,
        ..Default::default()
    }
}

fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

#[test]
fn installs_the_starter_chart_and_records_the_release() {
    let mut c = cluster();
    let r = install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap();
    assert_eq!(r.status, Status::Deployed);
    assert_eq!(r.revision, 1);
    assert_eq!(r.description, "Install complete");
    assert_eq!(r.chart(), "web-0.1.0");
    for (kind, name) in [
        ("ServiceAccount", "web"),
        ("Service", "web"),
        ("Deployment", "web"),
    ] {
        assert!(c.get(kind, "default", name).is_some(), "{kind}/{name}");
    }
    // The test hook is not run by install.
    assert!(c.get("Pod", "default", "web-test-connection").is_none());
    let secret = c
        .get("Secret", "default", "sh.helm.release.v1.web.v1")
        .expect("release secret");
    assert_eq!(secret["type"], "helm.sh/release.v1");
    let labels = &secret["metadata"]["labels"];
    assert_eq!(labels["owner"], "helm");
    assert_eq!(labels["name"], "web");
    assert_eq!(labels["status"], "deployed");
    assert_eq!(labels["version"], "1");
    let stored = Release::from_secret(&secret).unwrap();
    assert_eq!(stored, r);
    assert!(stored
        .manifest
        .contains("# Source: web/templates/deployment.yaml"));
    assert!(stored
        .hooks
        .contains("# Source: web/templates/tests/test-connection.yaml"));
    // Helm's install order: ServiceAccount, Service, Deployment.
    let pos = |k: &str| stored.manifest.find(&format!("kind: {k}\n")).unwrap();
    assert!(pos("ServiceAccount") < pos("Service") && pos("Service") < pos("Deployment"));
    // The Deployment runs.
    c.run_until(30_000).unwrap();
    assert!(c
        .list("Pod")
        .iter()
        .any(|p| p["metadata"]["name"].as_str().unwrap().starts_with("web-")));
}

#[test]
fn install_prints_helms_status_block() {
    let mut c = cluster();
    let r = install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap();
    let text = install_status(&r);
    assert!(
        text.starts_with(
            "NAME: web\nLAST DEPLOYED: Sun Nov 30 09:15:58 2025\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete\nTEST SUITE: None\nNOTES:\n"
        ),
        "{text}"
    );
    assert!(text.ends_with(&format!("{}\n", r.notes.trim())));
}

#[test]
fn list_prints_helms_table() {
    let mut c = cluster();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n";
    install(
        &mut c,
        &chart(&[("cm.yaml", cm)]),
        &Values::new(),
        &opts("b", "default"),
    )
    .unwrap();
    install(
        &mut c,
        &starter(),
        &Values::new(),
        &opts("a-longer-name", "default"),
    )
    .unwrap();
    let rs = list(&c, Some("default"));
    assert_eq!(
        rs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["a-longer-name", "b"]
    );
    assert_eq!(
        list_table(&rs),
        "NAME         \tNAMESPACE\tREVISION\tUPDATED                      \tSTATUS  \tCHART    \tAPP VERSION\n\
         a-longer-name\tdefault  \t1       \t2025-11-30 09:15:58 +0000 UTC\tdeployed\tweb-0.1.0\t1.27.0     \n\
         b            \tdefault  \t1       \t2025-11-30 09:15:58 +0000 UTC\tdeployed\tc-1.2.3  \t4.5        \n"
    );
    assert_eq!(list(&c, Some("other")).len(), 0);
    assert_eq!(
        list_table(&[]),
        "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"
    );
}

#[test]
fn a_name_in_use_is_refused() {
    let mut c = cluster();
    install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap();
    let e = install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap_err();
    assert_eq!(e.to_string(), "cannot reuse a name that is still in use");
    // The same name in another namespace is another release.
    let mut o = opts("web", "team");
    o.create_namespace = true;
    install(&mut c, &starter(), &Values::new(), &o).unwrap();
    assert_eq!(list(&c, None).len(), 2);
}

#[test]
fn invalid_names_get_helms_message() {
    let mut c = cluster();
    for name in ["Web", "web_1", "-web", "web.", &"a".repeat(54)] {
        let e = install(&mut c, &starter(), &Values::new(), &opts(name, "default")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("release name {name:?}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53")
        );
    }
    let e = install(&mut c, &starter(), &Values::new(), &opts("", "default")).unwrap_err();
    assert_eq!(e.to_string(), "release name \"\": no name provided");
    assert!(release::validate_release_name("web.v2-a").is_ok());
    assert!(c.list("Secret").is_empty());
}

#[test]
fn a_chart_that_fails_to_render_records_nothing() {
    let mut c = cluster();
    let bad = chart(&[("x.yaml", "a: {{ fail \"boom\" }}\n")]);
    let e = install(&mut c, &bad, &Values::new(), &opts("x", "default")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "execution error at (c/templates/x.yaml:1:6): boom"
    );
    let bad = chart(&[("x.yaml", "a: {{ .Values.x.y }}\n")]);
    let e = install(&mut c, &bad, &Values::new(), &opts("x", "default")).unwrap_err();
    assert!(
        e.to_string()
            .contains("nil pointer evaluating interface {}.y"),
        "{e}"
    );
    assert!(c.list("Secret").is_empty());
}

#[test]
fn an_object_the_cluster_refuses_fails_the_release() {
    let mut c = cluster();
    let ch = chart(&[
        (
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
        ),
        (
            "w.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
        ),
    ]);
    let e = install(&mut c, &ch, &Values::new(), &opts("w", "default")).unwrap_err();
    assert!(
        e.to_string()
            .contains("no matches for kind \"Widget\" in version \"example.com/v1\""),
        "{e}"
    );
    let rs = list(&c, Some("default"));
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].status, Status::Failed);
    assert!(rs[0].description.starts_with("Release \"w\" failed: "));
    // A failed release can be replaced.
    let fixed = chart(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
    )]);
    assert!(install(&mut c, &fixed, &Values::new(), &opts("w", "default")).is_err());
    let mut o = opts("w", "default");
    o.replace = true;
    let r = install(&mut c, &fixed, &Values::new(), &o).unwrap();
    assert_eq!((r.revision, r.status), (2, Status::Deployed));
    let history = release::history(&c, Some("default"));
    assert_eq!(
        history.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Status::Superseded, Status::Deployed]
    );
}

#[test]
fn a_missing_namespace_is_an_error_unless_created() {
    let mut c = cluster();
    let e = install(&mut c, &starter(), &Values::new(), &opts("web", "nope")).unwrap_err();
    assert!(
        e.to_string().starts_with("create: failed to create: "),
        "{e}"
    );
    assert!(e.to_string().contains("nope"), "{e}");
    let mut o = opts("web", "nope");
    o.create_namespace = true;
    install(&mut c, &starter(), &Values::new(), &o).unwrap();
    assert!(c.get("Deployment", "nope", "web").is_some());
}

#[test]
fn uninstall_deletes_objects_and_records() {
    let mut c = cluster();
    install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap();
    let done = uninstall(&mut c, "web", &un("default")).unwrap();
    // Helm's uninstall order: Service before Deployment before ServiceAccount.
    assert_eq!(
        done.deleted,
        ["service/web", "deployment/web", "serviceaccount/web"]
    );
    for (kind, name) in [
        ("ServiceAccount", "web"),
        ("Service", "web"),
        ("Deployment", "web"),
    ] {
        assert!(c.get(kind, "default", name).is_none(), "{kind}/{name}");
    }
    assert!(c
        .get("Secret", "default", "sh.helm.release.v1.web.v1")
        .is_none());
    assert!(list(&c, None).is_empty());
    let e = uninstall(&mut c, "web", &un("default")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "uninstall: Release not loaded: web: release: not found"
    );
    // The name is free again.
    install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap();
}

#[test]
fn uninstall_keeping_history_marks_the_release() {
    let mut c = cluster();
    install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap();
    let mut o = un("default");
    o.keep_history = true;
    let done = uninstall(&mut c, "web", &o).unwrap();
    assert_eq!(done.release.status, Status::Uninstalled);
    assert_eq!(done.release.description, "Uninstallation complete");
    let secret = c
        .get("Secret", "default", "sh.helm.release.v1.web.v1")
        .unwrap();
    assert_eq!(secret["metadata"]["labels"]["status"], "uninstalled");
    assert!(list(&c, None).is_empty());
    let e = uninstall(&mut c, "web", &o).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the release named \"web\" is already deleted"
    );
    // Still "in use" for install without --replace.
    assert!(install(&mut c, &starter(), &Values::new(), &opts("web", "default")).is_err());
    uninstall(&mut c, "web", &un("default")).unwrap();
    assert!(c.list("Secret").is_empty());
}

#[test]
fn installed_objects_carry_the_release_s_marks() {
    let mut c = cluster();
    install(&mut c, &starter(), &Values::new(), &opts("web", "default")).unwrap();
    let d = c.get("Deployment", "default", "web").unwrap();
    assert_eq!(
        d["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        d["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "web"
    );
    assert_eq!(
        d["metadata"]["annotations"]["meta.helm.sh/release-namespace"],
        "default"
    );
}

#[test]
fn an_object_that_exists_unmarked_stops_the_install_before_anything_is_recorded() {
    let mut c = cluster();
    c.apply(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "ok", "namespace": "default"}, "data": {"mine": "yes"}}))
        .unwrap();
    let ch = chart(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  mine: \"no\"\n",
    )]);
    let e = install(&mut c, &ch, &Values::new(), &opts("demo", "default")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "rendered manifests contain a resource that already exists. Unable to continue with install: ConfigMap \"ok\" in namespace \"default\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"demo\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"default\""
    );
    assert!(list(&c, None).is_empty(), "no record is written");
    assert_eq!(
        c.get("ConfigMap", "default", "ok").unwrap()["data"]["mine"],
        "yes"
    );
}

#[test]
fn another_release_cannot_take_over_an_object_and_its_owner_is_named() {
    let mut c = cluster();
    let ch = chart(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n",
    )]);
    install(&mut c, &ch, &Values::new(), &opts("first", "default")).unwrap();
    let e = install(&mut c, &ch, &Values::new(), &opts("second", "default")).unwrap_err();
    assert!(
        e.to_string().ends_with(
            "annotation validation error: key \"meta.helm.sh/release-name\" must equal \"second\": current value is \"first\""
        ),
        "{e}"
    );
    assert_eq!(
        list(&c, None).len(),
        1,
        "the refused install records nothing"
    );
}
