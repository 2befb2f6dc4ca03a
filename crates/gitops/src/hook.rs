//! Sync hooks as Argo CD recognises them from annotations (its own and Helm's).

use serde_json::Value;

pub const ANNOTATION_HOOK: &str = "argocd.argoproj.io/hook";
pub const ANNOTATION_HELM_HOOK: &str = "helm.sh/hook";

/// Argo CD hook types an object declares (unknown words and repeats dropped); Helm's
/// annotation counts only when Argo's yields none.
pub fn hook_types(obj: &Value) -> Vec<&'static str> {
    const ARGO: [&str; 5] = ["PreSync", "Sync", "PostSync", "SyncFail", "Skip"];
    let mut types: Vec<&'static str> = Vec::new();
    for t in annotation_csv(obj, ANNOTATION_HOOK) {
        if let Some(known) = ARGO.iter().copied().find(|a| *a == t) {
            if !types.contains(&known) {
                types.push(known);
            }
        }
    }
    if types.is_empty() {
        types = annotation_csv(obj, ANNOTATION_HELM_HOOK)
            .filter_map(|t| match t {
                "pre-install" | "pre-upgrade" => Some("PreSync"),
                "post-install" | "post-upgrade" => Some("PostSync"),
                _ => None,
            })
            .collect();
    }
    types
}

/// True for hooks: Argo's annotation unless it only says Skip, else Helm's (not crd-install).
pub fn is_hook(obj: &Value) -> bool {
    if annotation(obj, ANNOTATION_HOOK).is_some() {
        let types = hook_types(obj);
        return !(types.contains(&"Skip") && types.len() == 1);
    }
    annotation(obj, ANNOTATION_HELM_HOOK).is_some_and(|v| v != "crd-install")
}

/// "Ignored": marked as a hook, but none of its hook types is usable (e.g. Helm's `test`).
pub fn is_ignored(obj: &Value) -> bool {
    is_hook(obj) && hook_types(obj).is_empty()
}

/// True when the only hook type is Skip: neither applied nor assessed.
pub fn is_skip(obj: &Value) -> bool {
    let types = hook_types(obj);
    types.len() == 1 && types[0] == "Skip"
}

pub(crate) fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.get("metadata")?.get("annotations")?.get(key)?.as_str()
}

/// A comma-separated annotation, items trimmed, empty items dropped.
fn annotation_csv<'a>(obj: &'a Value, key: &str) -> impl Iterator<Item = &'a str> {
    annotation(obj, key)
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_annotations(a: Value) -> Value {
        json!({"metadata": {"annotations": a}})
    }

    #[test]
    fn repeated_and_unknown_types_are_dropped() {
        let obj = with_annotations(json!({ANNOTATION_HOOK: "PreSync, Bogus,PreSync , PostSync"}));
        assert_eq!(hook_types(&obj), vec!["PreSync", "PostSync"]);
    }

    #[test]
    fn skip_alone_is_not_a_hook() {
        assert!(!is_hook(&with_annotations(
            json!({ANNOTATION_HOOK: "Skip"})
        )));
        assert!(is_hook(&with_annotations(
            json!({ANNOTATION_HOOK: "Skip, PreSync"})
        )));
    }

    #[test]
    fn helm_crd_install_is_not_a_hook() {
        assert!(!is_hook(&with_annotations(
            json!({ANNOTATION_HELM_HOOK: "crd-install"})
        )));
        assert!(is_hook(&with_annotations(
            json!({ANNOTATION_HELM_HOOK: "test"})
        )));
        assert_eq!(
            hook_types(&with_annotations(
                json!({ANNOTATION_HELM_HOOK: "post-upgrade"})
            )),
            vec!["PostSync"]
        );
    }
}
