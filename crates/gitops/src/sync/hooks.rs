//! Hook life cycle (spec 43-44, 59, 64): delete policies, generated names, completion.

use crate::health::{Assessor, HealthStatus};
use crate::hook::annotation;
use serde_json::Value;

pub const ANNOTATION_DELETE_POLICY: &str = "argocd.argoproj.io/hook-delete-policy";
pub const ANNOTATION_HELM_DELETE_POLICY: &str = "helm.sh/hook-delete-policy";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletePolicy {
    HookSucceeded,
    HookFailed,
    BeforeHookCreation,
}

/// Argo's policies plus Helm's; BeforeHookCreation when none is given (43).
pub fn delete_policies(obj: &Value) -> Vec<DeletePolicy> {
    let mut out = Vec::new();
    let words = annotation(obj, ANNOTATION_DELETE_POLICY)
        .unwrap_or("")
        .split(',')
        .chain(
            annotation(obj, ANNOTATION_HELM_DELETE_POLICY)
                .unwrap_or("")
                .split(','),
        )
        .map(str::trim)
        .collect::<Vec<_>>();
    for w in words {
        let p = match w {
            "HookSucceeded" | "hook-succeeded" => DeletePolicy::HookSucceeded,
            "HookFailed" | "hook-failed" => DeletePolicy::HookFailed,
            "BeforeHookCreation" | "before-hook-creation" => DeletePolicy::BeforeHookCreation,
            _ => continue,
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    if out.is_empty() {
        out.push(DeletePolicy::BeforeHookCreation);
    }
    out
}

/// A hook without a name is named `<generateName><rev7>-<phase>-<unix start time>` (44).
pub fn generated_name(obj: &Value, revision: &str, phase: &str, start_unix: u64) -> Option<String> {
    let has_name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty());
    if has_name {
        return None;
    }
    let prefix = obj
        .pointer("/metadata/generateName")
        .and_then(Value::as_str)
        .unwrap_or("");
    let rev7: String = revision.chars().take(7).collect();
    Some(format!(
        "{prefix}{rev7}-{}-{start_unix}",
        phase.to_ascii_lowercase()
    ))
}

/// Where a running hook is, from its live health (59).
pub enum HookProgress {
    Running,
    Succeeded(String),
    Failed(String),
}

pub fn progress(live: &Value, name: &str, assessor: &Assessor) -> HookProgress {
    match assessor.assess(live) {
        None => HookProgress::Succeeded(format!("{name} created")),
        Some(h) => match h.status {
            HealthStatus::Healthy => HookProgress::Succeeded(h.message),
            HealthStatus::Progressing | HealthStatus::Suspended => HookProgress::Running,
            _ => HookProgress::Failed(h.message),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policies_and_names() {
        let o = json!({"metadata": {"generateName": "migrate-", "annotations": {
            ANNOTATION_DELETE_POLICY: "HookSucceeded", ANNOTATION_HELM_DELETE_POLICY: "hook-failed,hook-succeeded"}}});
        assert_eq!(
            delete_policies(&o),
            [DeletePolicy::HookSucceeded, DeletePolicy::HookFailed]
        );
        assert_eq!(
            delete_policies(&json!({})),
            [DeletePolicy::BeforeHookCreation]
        );
        assert_eq!(
            generated_name(&o, "0123456789abcdef", "PreSync", 1700000000).as_deref(),
            Some("migrate-0123456-presync-1700000000")
        );
    }
}
