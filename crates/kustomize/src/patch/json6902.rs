//! RFC 6902 JSON patches. kustomize converts the resource to JSON, applies the operations
//! with evanphx/json-patch and reads the result back; the `json-patch` crate does the same on
//! `serde_json` values, with two adjustments checked against kubectl: the operations are read
//! the way sigs.k8s.io/yaml reads them (YAML 1.1: `value: y` is `true`), and `replace` of a
//! key an object lacks adds it, as evanphx's implementation does. Error texts differ from
//! evanphx's.

use serde_json::Value as Json;

use crate::err;
use crate::error::Result;
use crate::yamlio;

/// Parses a patch document into its operations.
pub fn parse_ops(text: &str) -> Result<json_patch::Patch> {
    let value: Json = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| err!("{e}"))?
    } else {
        yamlio::parse_sigs_yaml(text, "patch")?
    };
    if !value.is_array() {
        return Err(err!("json patch is not a list of operations"));
    }
    serde_json::from_value(value).map_err(|e| err!("{e}"))
}

/// True when `text` reads as a list of operations (how kustomize tells the two patch kinds
/// apart).
pub fn looks_like_ops(text: &str) -> bool {
    parse_ops(text).is_ok()
}

/// Applies the operations to an object.
pub fn apply(obj: &mut Json, ops: &json_patch::Patch) -> Result<()> {
    let mut copy = obj.clone();
    for op in ops.iter() {
        let op = match op {
            json_patch::PatchOperation::Replace(r) if replace_adds(&copy, &r.path.to_string()) => {
                json_patch::PatchOperation::Add(json_patch::AddOperation {
                    path: r.path.clone(),
                    value: r.value.clone(),
                })
            }
            other => other.clone(),
        };
        json_patch::patch(&mut copy, std::slice::from_ref(&op)).map_err(|e| err!("{e}"))?;
    }
    *obj = copy;
    Ok(())
}

/// `replace` of a missing key in an existing object behaves as `add`.
fn replace_adds(doc: &Json, path: &str) -> bool {
    if doc.pointer(path).is_some() {
        return false;
    }
    path.rsplit_once('/')
        .is_some_and(|(parent, _)| doc.pointer(parent).is_some_and(Json::is_object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_ops_apply() {
        let ops = parse_ops("- op: replace\n  path: /spec/replicas\n  value: 3\n- op: add\n  path: /metadata/labels\n  value: {a: b}\n").unwrap();
        let mut obj = json!({"metadata": {"name": "x"}, "spec": {"replicas": 1}});
        apply(&mut obj, &ops).unwrap();
        assert_eq!(
            obj,
            json!({"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"replicas": 3}})
        );
    }

    #[test]
    fn replace_of_a_missing_key_adds_it() {
        let ops = parse_ops("- op: replace\n  path: /data/new\n  value: y\n").unwrap();
        let mut obj = json!({"data": {"a": "b"}});
        apply(&mut obj, &ops).unwrap();
        assert_eq!(obj, json!({"data": {"a": "b", "new": true}}));
    }

    #[test]
    fn failing_op_is_an_error() {
        let ops = parse_ops(r#"[{"op": "remove", "path": "/nope"}]"#).unwrap();
        let mut obj = json!({"a": 1});
        assert!(apply(&mut obj, &ops).is_err());
        assert_eq!(obj, json!({"a": 1}));
    }
}
