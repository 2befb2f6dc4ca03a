//! The API's resource catalogue: which kinds the API server serves, under which group and
//! versions, and whether their objects live in a namespace (`kubectl api-resources` of a
//! Kubernetes 1.32 cluster, without the create-only review kinds), plus the kinds that
//! CustomResourceDefinitions add while they exist.

use crate::error::{FieldError, FieldErrorKind};
use serde_json::Value;
use std::collections::BTreeMap;

/// One built-in resource type.
struct BuiltIn {
    kind: &'static str,
    /// The API group ("" for the core group).
    group: &'static str,
    versions: &'static [&'static str],
    namespaced: bool,
}

const fn ns(kind: &'static str, group: &'static str, versions: &'static [&'static str]) -> BuiltIn {
    BuiltIn {
        kind,
        group,
        versions,
        namespaced: true,
    }
}

const fn cluster(
    kind: &'static str,
    group: &'static str,
    versions: &'static [&'static str],
) -> BuiltIn {
    BuiltIn {
        kind,
        group,
        versions,
        namespaced: false,
    }
}

const V1: &[&str] = &["v1"];

const BUILT_IN: &[BuiltIn] = &[
    ns("ConfigMap", "", V1),
    ns("Endpoints", "", V1),
    ns("Event", "", V1),
    ns("LimitRange", "", V1),
    cluster("Namespace", "", V1),
    cluster("Node", "", V1),
    ns("PersistentVolumeClaim", "", V1),
    cluster("PersistentVolume", "", V1),
    ns("Pod", "", V1),
    ns("PodTemplate", "", V1),
    ns("ReplicationController", "", V1),
    ns("ResourceQuota", "", V1),
    ns("Secret", "", V1),
    ns("ServiceAccount", "", V1),
    ns("Service", "", V1),
    cluster(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        V1,
    ),
    cluster(
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        V1,
    ),
    cluster(
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io",
        V1,
    ),
    cluster(
        "ValidatingAdmissionPolicyBinding",
        "admissionregistration.k8s.io",
        V1,
    ),
    cluster("CustomResourceDefinition", "apiextensions.k8s.io", V1),
    cluster("APIService", "apiregistration.k8s.io", V1),
    ns("ControllerRevision", "apps", V1),
    ns("DaemonSet", "apps", V1),
    ns("Deployment", "apps", V1),
    ns("ReplicaSet", "apps", V1),
    ns("StatefulSet", "apps", V1),
    ns("HorizontalPodAutoscaler", "autoscaling", &["v2", "v1"]),
    ns("CronJob", "batch", V1),
    ns("Job", "batch", V1),
    cluster("CertificateSigningRequest", "certificates.k8s.io", V1),
    ns("Lease", "coordination.k8s.io", V1),
    ns("EndpointSlice", "discovery.k8s.io", V1),
    ns("Event", "events.k8s.io", V1),
    cluster("FlowSchema", "flowcontrol.apiserver.k8s.io", V1),
    cluster(
        "PriorityLevelConfiguration",
        "flowcontrol.apiserver.k8s.io",
        V1,
    ),
    cluster("IngressClass", "networking.k8s.io", V1),
    ns("Ingress", "networking.k8s.io", V1),
    ns("NetworkPolicy", "networking.k8s.io", V1),
    cluster("RuntimeClass", "node.k8s.io", V1),
    ns("PodDisruptionBudget", "policy", V1),
    cluster("ClusterRoleBinding", "rbac.authorization.k8s.io", V1),
    cluster("ClusterRole", "rbac.authorization.k8s.io", V1),
    ns("RoleBinding", "rbac.authorization.k8s.io", V1),
    ns("Role", "rbac.authorization.k8s.io", V1),
    cluster("PriorityClass", "scheduling.k8s.io", V1),
    cluster("CSIDriver", "storage.k8s.io", V1),
    cluster("CSINode", "storage.k8s.io", V1),
    ns("CSIStorageCapacity", "storage.k8s.io", V1),
    cluster("StorageClass", "storage.k8s.io", V1),
    cluster("VolumeAttachment", "storage.k8s.io", V1),
];

/// A kind served because a CustomResourceDefinition defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomKind {
    /// The CustomResourceDefinition's name (`<plural>.<group>`).
    pub definition: String,
    pub group: String,
    pub kind: String,
    pub plural: String,
    /// The versions marked `served`.
    pub versions: Vec<String>,
    pub namespaced: bool,
}

/// `apps/v1` -> ("apps", "v1"); `v1` -> ("", "v1").
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// The kinds the API serves now.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    /// By CustomResourceDefinition name.
    custom: BTreeMap<String, CustomKind>,
}

impl Catalogue {
    /// Whether objects of `kind` in `api_version` are namespaced; None when the API does not
    /// serve that kind in that version (`no matches for kind`).
    pub fn namespaced(&self, kind: &str, api_version: &str) -> Option<bool> {
        let (group, version) = split_api_version(api_version);
        if let Some(b) = BUILT_IN
            .iter()
            .find(|b| b.kind == kind && b.group == group && b.versions.contains(&version))
        {
            return Some(b.namespaced);
        }
        self.custom
            .values()
            .find(|c| c.kind == kind && c.group == group && c.versions.iter().any(|v| v == version))
            .map(|c| c.namespaced)
    }

    /// Whether objects of `kind` (any group) are cluster-scoped: their keys have no
    /// namespace, whatever namespace a caller names.
    pub fn cluster_scoped(&self, kind: &str) -> bool {
        match BUILT_IN.iter().find(|b| b.kind == kind) {
            Some(b) => !b.namespaced,
            None => self
                .custom
                .values()
                .any(|c| c.kind == kind && !c.namespaced),
        }
    }

    /// The kinds CustomResourceDefinitions define now, by definition name.
    pub fn custom_kinds(&self) -> impl Iterator<Item = &CustomKind> {
        self.custom.values()
    }

    /// Serves the kind a (valid) CustomResourceDefinition defines; replaces what an earlier
    /// version of the same definition defined.
    pub fn define(&mut self, kind: CustomKind) {
        self.custom.insert(kind.definition.clone(), kind);
    }

    /// Stops serving the kind of the CustomResourceDefinition `name`.
    pub fn undefine(&mut self, name: &str) -> Option<CustomKind> {
        self.custom.remove(name)
    }
}

fn text<'a>(obj: &'a Value, pointer: &str) -> &'a str {
    obj.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The apiextensions validation of a CustomResourceDefinition (after v1 defaulting: singular
/// and listKind default from kind, so only these are required), and the kind it defines.
pub fn custom_kind(crd: &Value) -> Result<CustomKind, Vec<FieldError>> {
    let mut errs = Vec::new();
    let name = text(crd, "/metadata/name");
    let group = text(crd, "/spec/group");
    let plural = text(crd, "/spec/names/plural");
    let kind = text(crd, "/spec/names/kind");
    let scope = text(crd, "/spec/scope");
    let invalid = |path: &str, value: &str, detail: &str| FieldError {
        path: path.into(),
        kind: FieldErrorKind::Invalid(format!("{value:?}")),
        detail: detail.into(),
    };
    let required = |path: &str| FieldError {
        path: path.into(),
        kind: FieldErrorKind::Required,
        detail: String::new(),
    };
    if name != format!("{plural}.{group}") {
        errs.push(invalid(
            "metadata.name",
            name,
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    if group.is_empty() {
        errs.push(required("spec.group"));
    } else if !group.contains('.') {
        errs.push(invalid(
            "spec.group",
            group,
            "should be a domain with at least one dot",
        ));
    }
    match scope {
        "" => errs.push(required("spec.scope")),
        "Cluster" | "Namespaced" => {}
        other => errs.push(FieldError {
            path: "spec.scope".into(),
            kind: FieldErrorKind::NotSupported(format!("{other:?}")),
            detail: "supported values: \"Cluster\", \"Namespaced\"".into(),
        }),
    }
    let versions: Vec<&Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let storage = versions.iter().filter(|v| v["storage"] == true).count();
    if storage != 1 {
        let shown = if versions.is_empty() {
            "[]apiextensions.CustomResourceDefinitionVersion(nil)"
        } else {
            "[]apiextensions.CustomResourceDefinitionVersion{...}"
        };
        errs.push(FieldError {
            path: "spec.versions".into(),
            kind: FieldErrorKind::Invalid(shown.into()),
            detail: "must have exactly one version marked as storage version".into(),
        });
    }
    if plural.is_empty() {
        errs.push(required("spec.names.plural"));
    }
    if kind.is_empty() {
        errs.push(required("spec.names.kind"));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(CustomKind {
        definition: name.to_string(),
        group: group.to_string(),
        kind: kind.to_string(),
        plural: plural.to_string(),
        versions: versions
            .iter()
            .filter(|v| v["served"] != false)
            .filter_map(|v| v["name"].as_str().map(str::to_string))
            .collect(),
        namespaced: scope == "Namespaced",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn built_in_scopes_and_versions() {
        let c = Catalogue::default();
        assert_eq!(c.namespaced("Ingress", "networking.k8s.io/v1"), Some(true));
        assert_eq!(
            c.namespaced("ClusterRole", "rbac.authorization.k8s.io/v1"),
            Some(false)
        );
        assert_eq!(
            c.namespaced("HorizontalPodAutoscaler", "autoscaling/v1"),
            Some(true)
        );
        assert_eq!(
            c.namespaced("HorizontalPodAutoscaler", "autoscaling/v2"),
            Some(true)
        );
        assert_eq!(c.namespaced("Ingress", "extensions/v1beta1"), None);
        assert_eq!(c.namespaced("Deployment", "v1"), None);
        assert!(c.cluster_scoped("StorageClass") && !c.cluster_scoped("Lease"));
    }

    #[test]
    fn definitions_add_and_remove_kinds() {
        let crd = json!({"metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Cluster",
                "names": {"plural": "widgets", "kind": "Widget"},
                "versions": [{"name": "v1", "served": true, "storage": true},
                             {"name": "v0", "served": false, "storage": false}]}});
        let mut c = Catalogue::default();
        c.define(custom_kind(&crd).unwrap());
        assert_eq!(c.namespaced("Widget", "example.com/v1"), Some(false));
        assert_eq!(c.namespaced("Widget", "example.com/v0"), None);
        assert!(c.cluster_scoped("Widget"));
        assert!(c.undefine("widgets.example.com").is_some());
        assert_eq!(c.namespaced("Widget", "example.com/v1"), None);
    }

    #[test]
    fn invalid_definitions_say_why() {
        let crd = json!({"metadata": {"name": "widget.example.com"},
            "spec": {"group": "example", "scope": "Global",
                "names": {"plural": "widgets"}, "versions": []}});
        let errs: Vec<String> = custom_kind(&crd)
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errs,
            [
                "metadata.name: Invalid value: \"widget.example.com\": must be spec.names.plural+\".\"+spec.group",
                "spec.group: Invalid value: \"example\": should be a domain with at least one dot",
                "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"",
                "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion(nil): must have exactly one version marked as storage version",
                "spec.names.kind: Required value",
            ]
        );
    }
}
