//! Health assessment of live Kubernetes objects, as Argo CD does it.
//!
//! The order of [`Assessor::assess`] follows the gitops engine: an object being deleted is
//! Progressing; otherwise a custom rule for its group/kind (user rules first, then the bundled
//! ones in `rules/`) wins; otherwise the built-in check of its group/kind, one file per kind
//! below. Kinds with neither have no health at all (`None`), which is not the same as Unknown.

mod apiservice;
pub mod app;
mod daemonset;
mod deployment;
mod fields;
mod hpa;
mod ingress;
mod job;
mod pod;
mod pvc;
mod replicaset;
pub mod rules;
mod service;
mod statefulset;
mod workflow;

#[cfg(test)]
mod tests;

use serde_json::Value;
use std::fmt;

pub use rules::{RuleError, RuleSet};

/// A health code. The declaration order is Argo CD's badness order, best first, so `Ord`
/// answers "which is worse" and `max` is "worst of".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HealthStatus {
    Healthy,
    Suspended,
    Progressing,
    Missing,
    Degraded,
    Unknown,
}

impl HealthStatus {
    pub const ALL: [HealthStatus; 6] = [
        HealthStatus::Healthy,
        HealthStatus::Suspended,
        HealthStatus::Progressing,
        HealthStatus::Missing,
        HealthStatus::Degraded,
        HealthStatus::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "Healthy",
            HealthStatus::Suspended => "Suspended",
            HealthStatus::Progressing => "Progressing",
            HealthStatus::Missing => "Missing",
            HealthStatus::Degraded => "Degraded",
            HealthStatus::Unknown => "Unknown",
        }
    }

    pub fn parse(s: &str) -> Option<HealthStatus> {
        HealthStatus::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// Argo CD's `IsWorse(current, new)`: true when `self` is strictly worse than `other`.
    pub fn is_worse_than(self, other: HealthStatus) -> bool {
        self > other
    }
}

impl fmt::Display for HealthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A health result: status and a message that may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub status: HealthStatus,
    pub message: String,
}

impl Health {
    pub fn new(status: HealthStatus, message: impl Into<String>) -> Health {
        Health {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn healthy() -> Health {
        Health::new(HealthStatus::Healthy, "")
    }

    pub(crate) fn healthy_with(message: impl Into<String>) -> Health {
        Health::new(HealthStatus::Healthy, message)
    }

    pub(crate) fn progressing(message: impl Into<String>) -> Health {
        Health::new(HealthStatus::Progressing, message)
    }

    pub(crate) fn degraded(message: impl Into<String>) -> Health {
        Health::new(HealthStatus::Degraded, message)
    }

    pub(crate) fn unknown(message: impl Into<String>) -> Health {
        Health::new(HealthStatus::Unknown, message)
    }
}

/// A built-in check: receives an object whose group/kind it was registered for.
type Check = fn(&Value) -> Health;

/// The catalogue of built-in checks, selected by API group and kind only (the version is the
/// check's own business: most insist on one version and answer Unknown for others).
const BUILT_IN: &[(&str, &str, Check)] = &[
    ("apps", "Deployment", deployment::health),
    ("apps", "StatefulSet", statefulset::health),
    ("apps", "ReplicaSet", replicaset::health),
    ("apps", "DaemonSet", daemonset::health),
    ("extensions", "Ingress", ingress::health),
    ("networking.k8s.io", "Ingress", ingress::health),
    ("argoproj.io", "Workflow", workflow::health),
    ("apiregistration.k8s.io", "APIService", apiservice::health),
    ("", "Service", service::health),
    ("", "PersistentVolumeClaim", pvc::health),
    ("", "Pod", pod::health),
    ("batch", "Job", job::health),
    ("autoscaling", "HorizontalPodAutoscaler", hpa::health),
];

/// The built-in check for a group/kind, if there is one.
fn built_in_check(group: &str, kind: &str) -> Option<Check> {
    BUILT_IN
        .iter()
        .find(|(g, k, _)| *g == group && *k == kind)
        .map(|(_, _, check)| *check)
}

/// Finalizer Argo CD puts on hooks; a hook being deleted keeps its real health.
const HOOK_FINALIZER: &str = "argocd.argoproj.io/hook-finalizer";

/// Assesses objects with the built-in checks, the bundled rules and optional user rules.
#[derive(Debug, Clone, Default)]
pub struct Assessor {
    user: RuleSet,
    builtin_only: bool,
}

impl Assessor {
    /// Built-in checks plus the bundled custom-resource rules, like a stock Argo CD.
    pub fn new() -> Assessor {
        Assessor::default()
    }

    /// Only the gitops engine's built-in checks: no bundled or user rules.
    pub fn builtin_only() -> Assessor {
        Assessor {
            user: RuleSet::default(),
            builtin_only: true,
        }
    }

    /// Adds user rules (the Application's health customizations); they win over bundled
    /// rules and built-in checks for the kinds they name.
    pub fn with_rules(mut self, rules: RuleSet) -> Assessor {
        self.user.extend(rules);
        self
    }

    /// The health of one live object, or `None` when no check applies to its kind.
    pub fn assess(&self, obj: &Value) -> Option<Health> {
        if being_deleted(obj) {
            return Some(Health::progressing("Pending deletion"));
        }
        if let Some(health) = self.rule_health(obj) {
            return Some(health);
        }
        let (group, _version) = fields::group_version(obj);
        let kind = fields::str_at(obj, &["kind"]).unwrap_or("");
        built_in_check(group, kind).map(|check| check(obj))
    }

    /// What the custom rule for the object's group/kind says on its own (user rules first,
    /// then bundled), before deletion and built-in checks are considered. `None` when no
    /// rule applies or the rule gives no health.
    pub fn rule_health(&self, obj: &Value) -> Option<Health> {
        if self.builtin_only {
            return None;
        }
        let (group, _version) = fields::group_version(obj);
        let kind = fields::str_at(obj, &["kind"]).unwrap_or("");
        let rule = self
            .user
            .find(group, kind)
            .or_else(|| rules::bundled().find(group, kind))?;
        rule.evaluate(obj)
    }
}

/// Assesses one object like a stock Argo CD (built-in checks and bundled rules).
pub fn assess(obj: &Value) -> Option<Health> {
    Assessor::new().assess(obj)
}

fn being_deleted(obj: &Value) -> bool {
    let Some(meta) = obj.get("metadata") else {
        return false;
    };
    if meta.get("deletionTimestamp").is_none_or(Value::is_null) {
        return false;
    }
    let has_hook_finalizer = meta
        .get("finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|f| f.as_str() == Some(HOOK_FINALIZER)));
    !has_hook_finalizer
}

/// Go's `unsupported <Kind> GVK: <group>/<version>, Kind=<kind>` error of the typed checks.
fn unsupported_gvk(word: &str, obj: &Value) -> Health {
    let (group, version) = fields::group_version(obj);
    let kind = fields::str_at(obj, &["kind"]).unwrap_or("");
    Health::unknown(format!(
        "unsupported {word} GVK: {group}/{version}, Kind={kind}"
    ))
}
