//! Which release owns an object: Helm marks every object of a release's manifest with a label
//! and two annotations, and `helm install` refuses to take over an object that exists without
//! them (or with another release's), in Helm's words.

use serde_json::{Map, Value as Json};

pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY_HELM: &str = "Helm";
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";

/// Marks `obj` as the release's (Helm's `setMetadataVisitor` with force: values are
/// overwritten).
pub fn mark(obj: &mut Json, release: &str, namespace: &str) {
    let Some(meta) = obj.get_mut("metadata").and_then(Json::as_object_mut) else {
        return;
    };
    set(meta, "labels", MANAGED_BY_LABEL, MANAGED_BY_HELM);
    set(meta, "annotations", RELEASE_NAME_ANNOTATION, release);
    set(meta, "annotations", RELEASE_NAMESPACE_ANNOTATION, namespace);
}

fn set(meta: &mut Map<String, Json>, field: &str, key: &str, value: &str) {
    let entry = meta
        .entry(field)
        .or_insert_with(|| Json::Object(Map::new()));
    if !entry.is_object() {
        *entry = Json::Object(Map::new());
    }
    if let Some(m) = entry.as_object_mut() {
        m.insert(key.into(), Json::from(value));
    }
}

/// Whether the release may adopt the existing object: `Ok` when it carries the release's
/// marks, else Helm's `invalid ownership metadata; ...` explanation.
pub fn check(existing: &Json, release: &str, namespace: &str) -> Result<(), String> {
    let meta = &existing["metadata"];
    let mut errs = Vec::new();
    if let Err(e) = require(&meta["labels"], MANAGED_BY_LABEL, MANAGED_BY_HELM) {
        errs.push(format!("label validation error: {e}"));
    }
    for (key, want) in [
        (RELEASE_NAME_ANNOTATION, release),
        (RELEASE_NAMESPACE_ANNOTATION, namespace),
    ] {
        if let Err(e) = require(&meta["annotations"], key, want) {
            errs.push(format!("annotation validation error: {e}"));
        }
    }
    if errs.is_empty() {
        return Ok(());
    }
    Err(std::iter::once("invalid ownership metadata".to_string())
        .chain(errs)
        .collect::<Vec<_>>()
        .join("; "))
}

fn require(map: &Json, key: &str, want: &str) -> Result<(), String> {
    match map.get(key).and_then(Json::as_str) {
        None => Err(format!("missing key {key:?}: must be set to {want:?}")),
        Some(v) if v != want => Err(format!(
            "key {key:?} must equal {want:?}: current value is {v:?}"
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unmarked_object_cannot_be_adopted_and_the_message_lists_every_missing_mark() {
        let obj = json!({"metadata": {"name": "web", "labels": {"app": "web"}}});
        assert_eq!(
            check(&obj, "demo", "default").unwrap_err(),
            "invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"demo\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"default\""
        );
    }

    #[test]
    fn another_release_s_object_names_the_current_owner() {
        let mut obj = json!({"metadata": {"name": "web"}});
        mark(&mut obj, "other", "default");
        assert_eq!(
            check(&obj, "demo", "default").unwrap_err(),
            "invalid ownership metadata; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"demo\": current value is \"other\""
        );
    }

    #[test]
    fn marking_keeps_other_labels_and_makes_the_object_adoptable() {
        let mut obj =
            json!({"metadata": {"name": "web", "labels": {"app": "web"}, "annotations": null}});
        mark(&mut obj, "demo", "team");
        assert_eq!(obj["metadata"]["labels"]["app"], "web");
        assert_eq!(obj["metadata"]["labels"][MANAGED_BY_LABEL], "Helm");
        assert_eq!(
            obj["metadata"]["annotations"][RELEASE_NAMESPACE_ANNOTATION],
            "team"
        );
        assert!(check(&obj, "demo", "team").is_ok());
    }
}
