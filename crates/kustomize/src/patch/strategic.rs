//! Strategic merge patch as kustomize v5.5.0 applies it (kyaml's merge walker), on JSON.
//!
//! Worth knowing, all checked against `kubectl kustomize`:
//! * only lists the schema marks as merge lists are merged ([`super::merge_keys`]); every
//!   other list is replaced by the patch's;
//! * merged lists put the patch's elements first, then the elements only the target has;
//! * `$patch: delete|replace|merge` are honoured on maps and lists; `$retainKeys`,
//!   `$deleteFromPrimitiveList/...` and `$setElementOrder/...` are not (they stay as fields);
//! * `null` in the patch deletes the field.

use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::Result;
use crate::patch::merge_keys::{FieldSchema, MergeSchema};
use crate::resid::Gvk;

const DIRECTIVE: &str = "$patch";

/// What is known about a value's shape: a type of the builtin table, a definition of a
/// custom OpenAPI schema (`openapi: {path: ...}`), or a merge list.
#[derive(Clone)]
enum Sch<'a> {
    None,
    Type(&'a str),
    Custom(&'a Json, &'a Json),
    List(Vec<String>, Box<Sch<'a>>),
}

/// Builtin types that custom schemas usually refer to by their OpenAPI names.
fn builtin_type_for_ref(name: &str) -> Option<&'static str> {
    Some(match name {
        "io.k8s.api.core.v1.PodTemplateSpec" => "PodTemplateSpec",
        "io.k8s.api.core.v1.PodSpec" => "PodSpec",
        "io.k8s.api.core.v1.Container" => "Container",
        "io.k8s.api.core.v1.ServiceSpec" => "ServiceSpec",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" => "ObjectMeta",
        _ => return None,
    })
}

/// Follows `$ref` (`#/definitions/NAME`) within the custom document, or to a builtin type.
fn resolve<'a>(node: &'a Json, doc: &'a Json) -> Sch<'a> {
    match node.get("$ref").and_then(Json::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/definitions/");
            match doc.get("definitions").and_then(|d| d.get(name)) {
                Some(def) => Sch::Custom(def, doc),
                None => builtin_type_for_ref(name).map_or(Sch::None, Sch::Type),
            }
        }
        None => Sch::Custom(node, doc),
    }
}

fn field_schema<'a>(sch: &Sch<'a>, field: &str) -> Sch<'a> {
    match sch {
        Sch::Type(ty) => match MergeSchema::get().field(ty, field) {
            Some(FieldSchema::Object(t)) => Sch::Type(t),
            Some(FieldSchema::MergeList { keys, elem }) => Sch::List(
                keys.clone(),
                Box::new(elem.as_deref().map_or(Sch::None, Sch::Type)),
            ),
            None => Sch::None,
        },
        Sch::Custom(def, doc) => {
            let Some(prop) = def.get("properties").and_then(|p| p.get(field)) else {
                return Sch::None;
            };
            let prop = match resolve(prop, doc) {
                Sch::Custom(p, _) => p,
                other => return other,
            };
            let is_list = prop.get("type").and_then(Json::as_str) == Some("array")
                || prop.get("items").is_some();
            if !is_list {
                return Sch::Custom(prop, doc);
            }
            let strategy = prop
                .get("x-kubernetes-patch-strategy")
                .and_then(Json::as_str)
                .unwrap_or("");
            if !strategy.split(',').any(|s| s == "merge") {
                return Sch::None;
            }
            let keys: Vec<String> = match prop
                .get("x-kubernetes-list-map-keys")
                .and_then(Json::as_array)
            {
                Some(k) => k
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect(),
                None => prop
                    .get("x-kubernetes-patch-merge-key")
                    .and_then(Json::as_str)
                    .map(|k| vec![k.to_string()])
                    .unwrap_or_default(),
            };
            let elem = prop.get("items").map_or(Sch::None, |i| resolve(i, doc));
            Sch::List(keys, Box::new(elem))
        }
        _ => Sch::None,
    }
}

/// The schema of a whole object: the custom schema's definition for its kind if there is
/// one, else the builtin table's.
fn root_schema<'a>(gvk: &Gvk, custom: Option<&'a Json>) -> Sch<'a> {
    if let Some(doc) = custom {
        if let Some(defs) = doc.get("definitions").and_then(Json::as_object) {
            for def in defs.values() {
                let gvks = def
                    .get("x-kubernetes-group-version-kind")
                    .and_then(Json::as_array);
                let hit = gvks.into_iter().flatten().any(|g| {
                    let s = |k: &str| g.get(k).and_then(Json::as_str).unwrap_or("");
                    s("group") == gvk.group && s("version") == gvk.version && s("kind") == gvk.kind
                });
                if hit {
                    return Sch::Custom(def, doc);
                }
            }
        }
    }
    MergeSchema::get().root(gvk).map_or(Sch::None, Sch::Type)
}

/// Merges `patch` into `target` (a whole object of kind `gvk`). `custom` is the OpenAPI
/// document the kustomization named, if any. Returns `None` when the patch deletes the
/// object.
pub fn merge_object(
    target: &Json,
    patch: &Json,
    gvk: &Gvk,
    custom: Option<&Json>,
) -> Result<Option<Json>> {
    merge(Some(target), Some(patch), &root_schema(gvk, custom))
}

fn kind_name(v: &Json) -> &'static str {
    match v {
        Json::Object(_) => "MappingNode",
        Json::Array(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

fn same_kind(a: &Json, b: &Json) -> bool {
    matches!(
        (a, b),
        (Json::Object(_), Json::Object(_)) | (Json::Array(_), Json::Array(_))
    ) || (!a.is_object() && !a.is_array() && !b.is_object() && !b.is_array())
}

fn merge(dest: Option<&Json>, patch: Option<&Json>, sch: &Sch) -> Result<Option<Json>> {
    let dest_nn = dest.filter(|d| !d.is_null());
    let patch_nn = patch.filter(|p| !p.is_null());
    let Some(first) = dest_nn.or(patch_nn) else {
        // Both absent or null: an explicit null in the patch clears, a null in the
        // target stays.
        return Ok(match (dest, patch) {
            (Some(Json::Null), None) => Some(Json::Null),
            _ => None,
        });
    };
    if let (Some(d), Some(p)) = (dest_nn, patch_nn) {
        if !same_kind(d, p) {
            return Err(err!(
                "wrong node kind: expected {} but got {}",
                kind_name(d),
                kind_name(p)
            ));
        }
    }
    match first {
        Json::Object(_) => merge_map(dest_nn, patch, sch),
        Json::Array(_) => merge_list(dest_nn, patch, sch),
        _ => Ok(match patch {
            Some(Json::Null) => None,
            Some(p) => Some(p.clone()),
            None => dest.cloned(),
        }),
    }
}

/// Reads and removes a `$patch` directive from a map.
fn map_directive(patch: &Map<String, Json>) -> Result<(&'static str, Map<String, Json>)> {
    let mut rest = patch.clone();
    let Some(d) = rest.remove(DIRECTIVE) else {
        return Ok(("merge", rest));
    };
    match d.as_str() {
        Some("delete") => Ok(("delete", rest)),
        Some("replace") => Ok(("replace", rest)),
        Some("merge") => Ok(("merge", rest)),
        _ => Err(err!(
            "unknown patch strategy '{}'",
            d.as_str().map_or_else(|| d.to_string(), str::to_string)
        )),
    }
}

fn merge_map(dest: Option<&Json>, patch: Option<&Json>, sch: &Sch) -> Result<Option<Json>> {
    let patch_map = match patch {
        Some(Json::Object(m)) => Some(m),
        Some(Json::Null) => return Ok(None),
        _ => None,
    };
    let (directive, patch_rest) = match patch_map {
        Some(m) => map_directive(m)?,
        None => ("merge", Map::new()),
    };
    let base: Map<String, Json> = match dest {
        Some(Json::Object(d)) => {
            match directive {
                "delete" => return Ok(None),
                // The patch's map replaces the target's; it is still walked so nested
                // directives and nulls are handled.
                "replace" => patch_rest.clone(),
                _ => d.clone(),
            }
        }
        _ => {
            if directive == "delete" {
                return Ok(None);
            }
            patch_rest.clone()
        }
    };
    let mut keys: Vec<&String> = base.keys().chain(patch_rest.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = base.clone();
    for key in keys {
        let merged = merge(base.get(key), patch_rest.get(key), &field_schema(sch, key))?;
        match merged {
            Some(v) => {
                out.insert(key.clone(), v);
            }
            None => {
                out.remove(key);
            }
        }
    }
    Ok(Some(Json::Object(out)))
}

/// Reads and removes a `{$patch: ...}` element from a list.
fn list_directive(items: &[Json]) -> Result<(&'static str, Vec<Json>)> {
    let pos = items.iter().position(|i| {
        i.as_object()
            .is_some_and(|m| m.contains_key(DIRECTIVE) && m.len() == 1)
    });
    let Some(pos) = pos else {
        return Ok(("merge", items.to_vec()));
    };
    let d = items[pos][DIRECTIVE].as_str().unwrap_or("");
    let directive = match d {
        "delete" => "delete",
        "replace" => "replace",
        "merge" => "merge",
        other => return Err(err!("unknown patch strategy '{other}'")),
    };
    let mut rest = items.to_vec();
    rest.remove(pos);
    Ok((directive, rest))
}

fn merge_list(dest: Option<&Json>, patch: Option<&Json>, sch: &Sch) -> Result<Option<Json>> {
    let Sch::List(keys, elem_sch) = sch else {
        // Not a merge list: the patch's list wins.
        return Ok(match patch {
            Some(Json::Null) => None,
            Some(p) => Some(p.clone()),
            None => dest.cloned(),
        });
    };
    let patch_items: Option<Vec<Json>> = match patch {
        Some(Json::Null) => return Ok(None),
        Some(Json::Array(a)) => Some(a.clone()),
        _ => None,
    };
    let (directive, patch_items) = match &patch_items {
        Some(items) => {
            let (d, rest) = list_directive(items)?;
            (d, Some(rest))
        }
        None => ("merge", None),
    };
    let dest_items: Vec<Json> = match (dest, directive) {
        (_, "delete") => return Ok(None),
        (_, "replace") => patch_items.clone().unwrap_or_default(),
        (Some(Json::Array(d)), _) => d.clone(),
        _ => patch_items.clone().unwrap_or_default(),
    };
    let patch_items = patch_items.unwrap_or_default();
    if keys.is_empty() {
        // A set of scalars: the patch's first.
        let mut out: Vec<Json> = Vec::new();
        for item in patch_items.iter().chain(dest_items.iter()) {
            if !out.iter().any(|o| scalar_text(o) == scalar_text(item)) {
                out.push(item.clone());
            }
        }
        return Ok(Some(Json::Array(out)));
    }
    merge_keyed_list(dest_items, &patch_items, keys, elem_sch).map(|v| Some(Json::Array(v)))
}

fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn key_values(item: &Json, keys: &[String]) -> Vec<String> {
    keys.iter()
        .map(|k| item.get(k).map(scalar_text).unwrap_or_default())
        .collect()
}

/// Two key tuples name the same element when they agree wherever both are set and share
/// at least one value (kyaml's rule for multi-key lists such as ports).
fn tuples_match(a: &[String], b: &[String]) -> bool {
    let mut common = false;
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
        } else if !x.is_empty() && !y.is_empty() {
            return false;
        }
    }
    common
}

fn merge_keyed_list(
    mut dest: Vec<Json>,
    patch: &[Json],
    keys: &[String],
    elem_sch: &Sch,
) -> Result<Vec<Json>> {
    // Element identities, the patch's first.
    let mut values: Vec<Vec<String>> = Vec::new();
    for item in patch.iter().chain(dest.iter()) {
        if !item.is_object() {
            continue;
        }
        let v = key_values(item, keys);
        if v.iter().all(String::is_empty) {
            continue;
        }
        if !values.iter().any(|x| x == &v) {
            values.push(v);
        }
    }
    if keys.len() > 1 {
        for i in 0..values.len() {
            for j in 0..values.len() {
                if tuples_match(&values[i], &values[j]) {
                    let merged: Vec<String> = values[i]
                        .iter()
                        .zip(&values[j])
                        .map(|(a, b)| if a.is_empty() { b.clone() } else { a.clone() })
                        .collect();
                    values[i] = merged.clone();
                    values[j] = merged;
                }
            }
        }
        values.dedup();
    }
    let find = |list: &[Json], v: &[String]| {
        list.iter()
            .position(|i| i.is_object() && tuples_match_or_equal(&key_values(i, keys), v))
    };
    let mut merged_items: Vec<Json> = Vec::new();
    let mut done: Vec<Vec<String>> = Vec::new();
    for v in values {
        if done.contains(&v) {
            continue;
        }
        done.push(v.clone());
        let di = find(&dest, &v);
        let pi = find(patch, &v);
        let merged = merge(di.map(|i| &dest[i]), pi.map(|i| &patch[i]), elem_sch)?;
        match merged {
            Some(Json::Object(m)) if !m.is_empty() => {
                let mut m = m;
                for (k, val) in keys.iter().zip(&v) {
                    if !m.contains_key(k) && !val.is_empty() {
                        m.insert(k.clone(), Json::String(val.clone()));
                    }
                }
                merged_items.push(Json::Object(m));
            }
            Some(other) if !other.is_object() && !other.is_null() => merged_items.push(other),
            _ => {
                if let Some(i) = di {
                    dest.remove(i);
                }
            }
        }
    }
    // Target elements without keys are kept after the merged ones.
    for item in dest {
        let v = key_values(&item, keys);
        if !item.is_object() || v.iter().all(String::is_empty) {
            merged_items.push(item);
        }
    }
    Ok(merged_items)
}

fn tuples_match_or_equal(a: &[String], b: &[String]) -> bool {
    a == b || (a.len() > 1 && tuples_match(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Gvk {
        Gvk::new("apps", "v1", "Deployment")
    }

    #[test]
    fn containers_merge_by_name_patch_first() {
        let target = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "a"}, {"name": "b", "image": "b"}]}}}});
        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "b", "image": "b2"}, {"name": "c", "image": "c"}]}}}});
        let out = merge_object(&target, &patch, &deployment(), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "b", "image": "b2"}, {"name": "c", "image": "c"}, {"name": "a", "image": "a"}])
        );
    }

    #[test]
    fn unknown_kinds_replace_lists() {
        let target = json!({"spec": {"items": [{"name": "a"}]}});
        let patch = json!({"spec": {"items": [{"name": "b"}]}});
        let out = merge_object(&target, &patch, &Gvk::new("x.io", "v1", "Thing"), None)
            .unwrap()
            .unwrap();
        assert_eq!(out["spec"]["items"], json!([{"name": "b"}]));
    }

    #[test]
    fn directives() {
        let target = json!({"spec": {"template": {"spec": {"volumes": [{"name": "v1"}, {"name": "v2"}]}}}, "x": {"a": 1}});
        let patch = json!({"spec": {"template": {"spec": {"volumes": [{"name": "v1", "$patch": "delete"}]}}},
            "x": {"$patch": "replace", "b": 2}});
        let out = merge_object(&target, &patch, &deployment(), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["volumes"],
            json!([{"name": "v2"}])
        );
        assert_eq!(out["x"], json!({"b": 2}));
        let del = merge_object(&target, &json!({"$patch": "delete"}), &deployment(), None).unwrap();
        assert!(del.is_none());
    }

    #[test]
    fn null_deletes() {
        let out = merge_object(
            &json!({"a": 1, "b": 2}),
            &json!({"a": null}),
            &deployment(),
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(out, json!({"b": 2}));
    }
}
