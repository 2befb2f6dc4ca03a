//! Normalisation before comparing (spec 28-31): drop what the server owns or what the user
//! asked to ignore, identically on both sides.

use crate::app::IgnoreDifference;
use crate::tree::ResourceKey;
use serde_json::Value;

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Normalises one side in place: no creationTimestamp (28), no status (30: Argo's default
/// `ignoreResourceStatusField: all`), Secret `stringData` folded into `data` (28), then the
/// app's ignoreDifferences rules (31). `live` is the live object, whose managedFields say
/// which manager owns what (31).
pub fn normalize(
    obj: &mut Value,
    key: &ResourceKey,
    ignore: &[IgnoreDifference],
    live: Option<&Value>,
) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("creationTimestamp");
    }
    if let Some(m) = obj.as_object_mut() {
        m.remove("status");
    }
    if key.group.is_empty() && key.kind == "Secret" {
        fold_string_data(obj);
    }
    for rule in ignore
        .iter()
        .filter(|r| r.matches(&key.group, &key.kind, &key.namespace, &key.name))
    {
        for p in &rule.json_pointers {
            remove_pointer(obj, p);
        }
        for e in &rule.jq_path_expressions {
            if let Some(path) = jq_path(e) {
                remove_path(obj, &path);
            }
        }
        if !rule.managed_fields_managers.is_empty() {
            for path in managed_paths(live.unwrap_or(obj).clone(), &rule.managed_fields_managers) {
                remove_path(obj, &path);
            }
        }
    }
}

/// Server-set metadata that never belongs in a displayed manifest.
pub fn strip_server_fields(obj: &mut Value) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for f in [
            "uid",
            "resourceVersion",
            "generation",
            "managedFields",
            "selfLink",
        ] {
            meta.remove(f);
        }
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove(LAST_APPLIED);
            if a.is_empty() {
                meta.remove("annotations");
            }
        }
    }
}

fn fold_string_data(obj: &mut Value) {
    let Some(m) = obj.as_object_mut() else { return };
    let Some(Value::Object(sd)) = m.remove("stringData") else {
        return;
    };
    let data = m
        .entry("data")
        .or_insert_with(|| Value::Object(Default::default()));
    if !data.is_object() {
        *data = Value::Object(Default::default());
    }
    for (k, v) in sd {
        let text = v.as_str().unwrap_or("").to_string();
        data[k.as_str()] = Value::String(base64(text.as_bytes()));
    }
}

pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One step of a path: a map key, or every element of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Each,
}

/// A JSON pointer as a JSON-patch "remove"; a missing target is skipped (31).
fn remove_pointer(obj: &mut Value, pointer: &str) {
    let mut parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some(last) = parts.pop() else { return };
    let mut cur = obj;
    for p in &parts {
        cur = match cur {
            Value::Object(m) => match m.get_mut(p) {
                Some(v) => v,
                None => return,
            },
            Value::Array(a) => match p.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    match cur {
        Value::Object(m) => {
            m.shift_remove(&last);
        }
        Value::Array(a) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// The simple path forms of jq that `del(...)` accepts in practice: `.a.b`, `.a["b.c"]`,
/// `.a[]`, `.a[]?` and chains of these. Anything else (select, pipes) is not supported
/// and leaves the object untouched.
pub fn jq_path(expr: &str) -> Option<Vec<Step>> {
    let s = expr.trim();
    let mut steps = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => {
                i += 1;
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-')
                {
                    i += 1;
                }
                if i > start {
                    steps.push(Step::Key(s[start..i].to_string()));
                }
            }
            b'[' => {
                let close = s[i..].find(']')? + i;
                let inner = s[i + 1..close].trim();
                if inner.is_empty() {
                    steps.push(Step::Each);
                } else if let Some(q) = inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                    steps.push(Step::Key(q.to_string()));
                } else {
                    return None;
                }
                i = close + 1;
                if b.get(i) == Some(&b'?') {
                    i += 1;
                }
            }
            _ => return None,
        }
    }
    (!steps.is_empty()).then_some(steps)
}

pub fn remove_path(obj: &mut Value, path: &[Step]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match (first, obj) {
        (Step::Key(k), Value::Object(m)) => {
            if rest.is_empty() {
                m.shift_remove(k);
            } else if let Some(v) = m.get_mut(k) {
                remove_path(v, rest);
            }
        }
        (Step::Each, Value::Array(a)) => {
            if rest.is_empty() {
                a.clear();
            } else {
                for v in a {
                    remove_path(v, rest);
                }
            }
        }
        _ => {}
    }
}

/// Paths owned by the given managers, from `metadata.managedFields[*].fieldsV1`
/// (`f:spec` -> `{"f:replicas": {}}`; `k:`/`v:` list items are not narrowed further).
fn managed_paths(live: Value, managers: &[String]) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    let entries = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for e in entries {
        let manager = e.get("manager").and_then(Value::as_str).unwrap_or("");
        if managers.iter().any(|m| m == manager) {
            if let Some(f) = e.get("fieldsV1") {
                collect_fields(f, &mut Vec::new(), &mut out);
            }
        }
    }
    out
}

fn collect_fields(node: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    let Some(m) = node.as_object() else { return };
    if m.is_empty() && !prefix.is_empty() {
        out.push(prefix.clone());
        return;
    }
    for (k, v) in m {
        if let Some(name) = k.strip_prefix("f:") {
            prefix.push(Step::Key(name.to_string()));
            collect_fields(v, prefix, out);
            prefix.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64_like_go() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn jq_simple_paths() {
        assert_eq!(
            jq_path(".spec.template.spec.containers[]?.image"),
            Some(vec![
                Step::Key("spec".into()),
                Step::Key("template".into()),
                Step::Key("spec".into()),
                Step::Key("containers".into()),
                Step::Each,
                Step::Key("image".into())
            ])
        );
        assert_eq!(
            jq_path(".metadata.annotations[\"a.b/c\"]").unwrap().len(),
            3
        );
        assert_eq!(jq_path(".spec | select(.x)"), None);
    }

    #[test]
    fn ignore_rules_apply_to_matching_objects() {
        let rule = IgnoreDifference {
            group: "apps".into(),
            kind: "Deployment".into(),
            json_pointers: vec!["/spec/replicas".into(), "/spec/nope/deeper".into()],
            jq_path_expressions: vec![".spec.template.spec.containers[].image".into()],
            ..Default::default()
        };
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w", "creationTimestamp": "x"},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "a", "image": "i"}]}}}, "status": {"replicas": 3}});
        let key = ResourceKey::of(&d);
        normalize(&mut d, &key, &[rule], None);
        assert_eq!(
            d,
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"},
            "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}})
        );
    }

    #[test]
    fn managed_fields_managers() {
        let live = json!({"metadata": {"managedFields": [
            {"manager": "kube-controller-manager", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
            {"manager": "argocd-controller", "fieldsV1": {"f:spec": {"f:paused": {}}}}]},
            "spec": {"replicas": 5, "paused": false}});
        let rule = IgnoreDifference {
            kind: "X".into(),
            managed_fields_managers: vec!["kube-controller-manager".into()],
            ..Default::default()
        };
        let mut obj = json!({"kind": "X", "spec": {"replicas": 2, "paused": false}});
        let key = ResourceKey::of(&obj);
        normalize(&mut obj, &key, &[rule], Some(&live));
        assert_eq!(obj["spec"], json!({"paused": false}));
    }
}
