//! `.Capabilities`: the Kubernetes version and API versions a chart is rendered for.
//! `helm template` uses Helm's defaults: the Kubernetes minor its client libraries were built
//! against (v1.36 for Helm 4.2) and the API groups of that client's scheme.

use std::sync::Arc;

use kubeplay_gotemplate::{ArgType, ElemType, Func, Object, Value};

/// Helm 4.2's default Kubernetes version.
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// The API versions Helm 4.2 reports by default (client-go's scheme, in its order).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `common.KubeVersion`.
#[derive(Clone, Debug)]
pub struct KubeVersion {
    pub version: String,
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Helm's `ParseKubeVersion` (k8s.io's `ParseGeneric`: `v1.30`, `1.30.2-gke.1`...).
    pub fn parse(s: &str) -> Result<KubeVersion, String> {
        let t = s.trim();
        let t2 = t.strip_prefix('v').unwrap_or(t);
        let core_end = t2
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t2.len());
        let core = &t2[..core_end];
        let parts: Vec<&str> = core.split('.').collect();
        let bad = || format!("could not parse {s:?} as version");
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        let nums: Vec<u64> = parts
            .iter()
            .map(|p| p.parse::<u64>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let patch = nums.get(2).copied().unwrap_or(0);
        let git = if t.starts_with('v') {
            t.to_string()
        } else {
            format!("v{t}")
        };
        Ok(KubeVersion {
            version: git,
            normalized: format!("v{}.{}.{}", nums[0], nums[1], patch),
            major: nums[0].to_string(),
            minor: nums[1].to_string(),
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "common.KubeVersion".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Version" => self.version.as_str().into(),
            "Major" => self.major.as_str().into(),
            "Minor" => self.minor.as_str().into(),
            _ => return None,
        })
    }
    fn method(&self, name: &str) -> Option<Func> {
        let s = match name {
            "String" => self.normalized.clone(),
            "GitVersion" => self.version.clone(),
            _ => return None,
        };
        Some(Func::new(name, &[], None, move |_, _| {
            Ok(Value::from(s.as_str()))
        }))
    }
    fn format(&self) -> String {
        self.normalized.clone()
    }
}

/// `common.VersionSet`.
#[derive(Clone, Debug)]
pub struct VersionSet(pub Arc<Vec<String>>);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "common.VersionSet".into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Func> {
        if name != "Has" {
            return None;
        }
        let set = self.0.clone();
        Some(Func::new("Has", &[ArgType::String], None, move |_, a| {
            let want = a[0].as_str().unwrap_or("");
            Ok(Value::Bool(set.iter().any(|v| v == want)))
        }))
    }
    fn value(&self) -> Option<Value> {
        Some(Value::typed_list(
            self.0.iter().map(|s| Value::from(s.as_str())).collect(),
            ElemType::String,
        ))
    }
}

/// `version.BuildInfo`.
#[derive(Clone, Debug)]
pub struct HelmVersion;

impl Object for HelmVersion {
    fn type_name(&self) -> String {
        "version.BuildInfo".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Version" => "v4.2".into(),
            "GitCommit" | "GitTreeState" => "".into(),
            "GoVersion" => "go1.26.6".into(),
            "KubeClientVersion" => "v1.36".into(),
            _ => return None,
        })
    }
    fn format(&self) -> String {
        "{v4.2   go1.26.6 v1.36}".into()
    }
}

/// `*common.Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: VersionSet,
}

impl Capabilities {
    /// Helm's defaults, optionally with another Kubernetes version and extra API versions
    /// (`--kube-version`, `--api-versions`).
    pub fn new(
        kube_version: Option<&str>,
        extra_api_versions: &[String],
    ) -> Result<Capabilities, String> {
        let kv = KubeVersion::parse(kube_version.unwrap_or(DEFAULT_KUBE_VERSION))?;
        // The default list is built once: every render needs it.
        static DEFAULTS: std::sync::OnceLock<Arc<Vec<String>>> = std::sync::OnceLock::new();
        let defaults = DEFAULTS
            .get_or_init(|| Arc::new(DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect()));
        let api_versions = if extra_api_versions.is_empty() {
            defaults.clone()
        } else {
            let mut apis = (**defaults).clone();
            apis.extend(extra_api_versions.iter().cloned());
            Arc::new(apis)
        };
        Ok(Capabilities {
            kube_version: kv,
            api_versions: VersionSet(api_versions),
        })
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*common.Capabilities".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "KubeVersion" => Value::object(self.kube_version.clone()),
            "APIVersions" => Value::object(self.api_versions.clone()),
            "HelmVersion" => Value::object(HelmVersion),
            _ => return None,
        })
    }
    fn format(&self) -> String {
        format!(
            "&{{{} [{}] {}}}",
            self.kube_version.normalized,
            self.api_versions.0.join(" "),
            HelmVersion.format()
        )
    }
}
