//! Kinds the cluster does not simulate are still served and stored like the API server does:
//! with their scope, their versions, and the kinds CustomResourceDefinitions add.

use kubeplay_cluster::{ApiError, Cluster, ClusterConfig};
use serde_json::{json, Value};

fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

fn apply(c: &mut Cluster, obj: Value) -> String {
    c.apply(obj)
        .map(|a| a.summary)
        .unwrap_or_else(|e| e.to_string())
}

#[test]
fn unsimulated_kinds_are_stored_with_their_scope() {
    let mut c = cluster();
    let objects = [
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
            "spec": {"rules": [{"host": "a.example"}]}}),
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"}}),
        json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h1"}}),
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}}),
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l"}}),
    ];
    for o in objects {
        let summary = apply(&mut c, o.clone());
        assert!(summary.ends_with(" created"), "{summary}");
        let kind = o["kind"].as_str().unwrap();
        let name = o["metadata"]["name"].as_str().unwrap();
        let stored = c.get(kind, "default", name).expect("stored");
        assert_eq!(stored["metadata"]["namespace"], "default");
        assert!(stored["metadata"]["uid"].is_string());
    }
    assert_eq!(
        c.get("Ingress", "default", "web").unwrap()["spec"]["rules"][0]["host"],
        "a.example"
    );
}

#[test]
fn cluster_scoped_objects_have_no_namespace() {
    let mut c = cluster();
    for (kind, api) in [
        ("ClusterRole", "rbac.authorization.k8s.io/v1"),
        ("StorageClass", "storage.k8s.io/v1"),
        ("PriorityClass", "scheduling.k8s.io/v1"),
        ("IngressClass", "networking.k8s.io/v1"),
        ("PersistentVolume", "v1"),
        (
            "ValidatingWebhookConfiguration",
            "admissionregistration.k8s.io/v1",
        ),
    ] {
        // A namespace on a cluster-scoped object is ignored, as the API server does.
        let o = json!({"apiVersion": api, "kind": kind, "metadata": {"name": "x", "namespace": "team"}});
        assert_eq!(
            apply(&mut c, o),
            format!("{}/x created", kind.to_lowercase())
        );
        let stored = c.get(kind, "", "x").expect("stored");
        assert!(stored["metadata"].get("namespace").is_none(), "{kind}");
        // Asking with a namespace finds the same object.
        assert!(c.get(kind, "default", "x").is_some());
    }
    c.delete("ClusterRole", "default", "x").unwrap();
    assert!(c.get("ClusterRole", "", "x").is_none());
}

#[test]
fn a_wrong_version_of_a_known_kind_has_no_match() {
    let mut c = cluster();
    let err = c
        .apply(json!({"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "old"}}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no matches for kind \"Ingress\" in version \"extensions/v1beta1\""
    );
    assert!(matches!(
        c.apply(json!({"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}})),
        Err(ApiError::NoKindMatch { .. })
    ));
}

fn widget_crd(scope: &str) -> Value {
    json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": scope,
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object"}}}]}})
}

#[test]
fn a_definition_serves_its_kind_until_it_is_deleted() {
    let mut c = cluster();
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"size": 3}});
    assert_eq!(
        apply(&mut c, widget.clone()),
        "no matches for kind \"Widget\" in version \"example.com/v1\""
    );
    assert_eq!(
        apply(&mut c, widget_crd("Namespaced")),
        "customresourcedefinition/widgets.example.com created"
    );
    assert_eq!(c.namespaced("Widget", "example.com/v1"), Some(true));
    assert_eq!(apply(&mut c, widget.clone()), "widget/w created");
    assert_eq!(c.get("Widget", "default", "w").unwrap()["spec"]["size"], 3);
    assert_eq!(c.custom_kinds().len(), 1);
    c.delete("CustomResourceDefinition", "", "widgets.example.com")
        .unwrap();
    assert!(
        c.get("Widget", "default", "w").is_none(),
        "its objects go with it"
    );
    assert_eq!(c.namespaced("Widget", "example.com/v1"), None);
    assert!(matches!(c.apply(widget), Err(ApiError::NoKindMatch { .. })));
}

#[test]
fn a_cluster_scoped_definition_makes_cluster_scoped_objects() {
    let mut c = cluster();
    apply(&mut c, widget_crd("Cluster"));
    let w = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "default"}});
    assert_eq!(apply(&mut c, w), "widget/w created");
    assert!(c.get("Widget", "", "w").unwrap()["metadata"]
        .get("namespace")
        .is_none());
}

#[test]
fn an_invalid_definition_is_rejected_with_the_api_server_message() {
    let mut c = cluster();
    let mut crd = widget_crd("Namespaced");
    crd["metadata"]["name"] = json!("widget.example.com");
    assert_eq!(
        apply(&mut c, crd),
        "CustomResourceDefinition.apiextensions.k8s.io \"widget.example.com\" is invalid: metadata.name: Invalid value: \"widget.example.com\": must be spec.names.plural+\".\"+spec.group"
    );
    assert_eq!(c.namespaced("Widget", "example.com/v1"), None);
}

#[test]
fn a_namespace_object_adds_to_the_namespaces() {
    let mut c = cluster();
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "team"}});
    assert_eq!(apply(&mut c, cm.clone()), "namespaces \"team\" not found");
    assert_eq!(
        apply(
            &mut c,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
        ),
        "namespace/team created"
    );
    assert!(c.namespaces().contains(&"team".to_string()));
    assert_eq!(
        c.get("Namespace", "", "team").unwrap()["status"]["phase"],
        "Active"
    );
    assert_eq!(apply(&mut c, cm), "configmap/c created");
}
