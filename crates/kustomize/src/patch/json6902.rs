//! RFC 6902 JSON patches. kustomize converts the resource to JSON, applies the operations
//! with evanphx/json-patch and reads the result back; the `json-patch` crate gives the same
//! results on `serde_json` values. The operations may be written in YAML or JSON.

use serde_json::Value as Json;

use crate::err;
use crate::error::Result;
use crate::yamlio;

/// Parses a patch document into its operations.
pub fn parse_ops(text: &str) -> Result<json_patch::Patch> {
    let value: Json = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| err!("{e}"))?
    } else {
        yamlio::parse_any(text, "patch")?
            .into_iter()
            .next()
            .unwrap_or(Json::Null)
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
    json_patch::patch(&mut copy, ops).map_err(|e| err!("{e}"))?;
    *obj = copy;
    Ok(())
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
    fn failing_op_is_an_error() {
        let ops = parse_ops(r#"[{"op": "remove", "path": "/nope"}]"#).unwrap();
        let mut obj = json!({"a": 1});
        assert!(apply(&mut obj, &ops).is_err());
        assert_eq!(obj, json!({"a": 1}));
    }
}
