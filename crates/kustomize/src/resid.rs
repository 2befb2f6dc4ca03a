//! Resource identities: group/version/kind plus name and namespace, printed the way
//! kustomize prints them in errors (`Deployment.v1.apps/web.[noNs]`).

use std::fmt;

/// Group, version and kind of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

/// Kinds the Kubernetes API serves without a namespace, by group. kustomize asks the
/// OpenAPI schema it bundles (Kubernetes 1.21: no ValidatingAdmissionPolicy yet, so kustomize
/// namespaces those); a kind of the same name in another group (a custom resource called
/// `Namespace`, say) is namespaced.
fn cluster_scoped(group: &str, kind: &str) -> bool {
    match kind {
        "APIService" => matches!(group, "apiregistration.k8s.io"),
        "CSIDriver" => matches!(group, "storage.k8s.io"),
        "CSINode" => matches!(group, "storage.k8s.io"),
        "CertificateSigningRequest" => matches!(group, "certificates.k8s.io"),
        "ClusterRole" => matches!(group, "rbac.authorization.k8s.io"),
        "ClusterRoleBinding" => matches!(group, "rbac.authorization.k8s.io"),
        "ComponentStatus" => matches!(group, ""),
        "CustomResourceDefinition" => matches!(group, "apiextensions.k8s.io"),
        "FlowSchema" => matches!(group, "flowcontrol.apiserver.k8s.io"),
        "IngressClass" => matches!(group, "networking.k8s.io"),
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
            matches!(group, "admissionregistration.k8s.io")
        }
        "Namespace" => matches!(group, ""),
        "Node" => matches!(group, ""),
        "PersistentVolume" => matches!(group, ""),
        "PodSecurityPolicy" => matches!(group, "extensions" | "policy"),
        "PriorityClass" => matches!(group, "scheduling.k8s.io"),
        "PriorityLevelConfiguration" => matches!(group, "flowcontrol.apiserver.k8s.io"),
        "RuntimeClass" => matches!(group, "node.k8s.io"),
        "SelfSubjectAccessReview" => matches!(group, "authorization.k8s.io"),
        "SelfSubjectRulesReview" => matches!(group, "authorization.k8s.io"),
        "StorageClass" => matches!(group, "storage.k8s.io"),
        "SubjectAccessReview" => matches!(group, "authorization.k8s.io"),
        "TokenReview" => matches!(group, "authentication.k8s.io"),
        "VolumeAttachment" => matches!(group, "storage.k8s.io"),
        _ => false,
    }
}

impl Gvk {
    pub fn new(group: &str, version: &str, kind: &str) -> Self {
        Gvk {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
        }
    }

    /// Splits `apps/v1` into group and version; `v1` has no group.
    pub fn from_api_version(api_version: &str, kind: &str) -> Self {
        match api_version.split_once('/') {
            Some((g, v)) => Gvk::new(g, v, kind),
            None => Gvk::new("", api_version, kind),
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn is_cluster_scoped(&self) -> bool {
        cluster_scoped(&self.group, &self.kind)
    }

    /// True when every non-empty field of `selector` equals ours.
    pub fn is_selected_by(&self, selector: &Gvk) -> bool {
        (selector.group.is_empty() || selector.group == self.group)
            && (selector.version.is_empty() || selector.version == self.version)
            && (selector.kind.is_empty() || selector.kind == self.kind)
    }
}

impl fmt::Display for Gvk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or = |s: &str, d: &'static str| {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        write!(
            f,
            "{}.{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]")
        )
    }
}

/// A resource's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    pub fn new(gvk: Gvk, name: &str, namespace: &str) -> Self {
        ResId {
            gvk,
            name: name.to_string(),
            namespace: namespace.to_string(),
        }
    }

    /// The namespace the API server would use: none for cluster-scoped kinds, `default` for
    /// an unset one.
    pub fn effective_namespace(&self) -> &str {
        if self.gvk.is_cluster_scoped() {
            ""
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }

    pub fn ns_equals(&self, other: &ResId) -> bool {
        self.effective_namespace() == other.effective_namespace()
    }

    /// Same kind, name and (effective) namespace: the rule for id conflicts.
    pub fn equals(&self, other: &ResId) -> bool {
        self.gvk == other.gvk && self.name == other.name && self.ns_equals(other)
    }
}

impl fmt::Display for ResId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        write!(f, "{}/{}.{}", self.gvk, self.name, ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_kustomize() {
        let id = ResId::new(Gvk::from_api_version("apps/v1", "Deployment"), "web", "");
        assert_eq!(id.to_string(), "Deployment.v1.apps/web.[noNs]");
        let id = ResId::new(Gvk::from_api_version("v1", "Service"), "s", "prod");
        assert_eq!(id.to_string(), "Service.v1.[noGrp]/s.prod");
    }

    #[test]
    fn cluster_scope_depends_on_group() {
        assert!(Gvk::new("", "v1", "Namespace").is_cluster_scoped());
        assert!(!Gvk::new("servicebus.azure.com", "v1", "Namespace").is_cluster_scoped());
        assert!(Gvk::new(
            "admissionregistration.k8s.io",
            "v1",
            "ValidatingWebhookConfiguration"
        )
        .is_cluster_scoped());
        assert!(!Gvk::new(
            "admissionregistration.k8s.io",
            "v1",
            "ValidatingAdmissionPolicy"
        )
        .is_cluster_scoped());
    }

    #[test]
    fn default_namespace_equals_unset() {
        let a = ResId::new(Gvk::new("", "v1", "ConfigMap"), "c", "");
        let b = ResId::new(Gvk::new("", "v1", "ConfigMap"), "c", "default");
        assert!(a.equals(&b));
        let c = ResId::new(Gvk::new("", "v1", "ConfigMap"), "c", "other");
        assert!(!a.equals(&c));
    }
}
