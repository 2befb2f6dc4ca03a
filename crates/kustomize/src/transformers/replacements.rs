//! `replacements`: copy a field of one resource into fields of others.

use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::Result;
use crate::loader::Loader;
use crate::resid::{Gvk, ResId};
use crate::resmap::ResMap;
use crate::resource::Resource;
use crate::selector::label_selector_matches;

/// `a.b.[name=x].c` split on dots outside brackets.
pub fn split_path(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in p.chars() {
        match c {
            '[' => {
                depth += 1;
                cur.push(c)
            }
            ']' => {
                depth -= 1;
                cur.push(c)
            }
            '.' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

fn res_id(v: &Json) -> ResId {
    let s = |k: &str| v.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    ResId::new(
        Gvk {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
        },
        &s("name"),
        &s("namespace"),
    )
}

fn selected_by(id: &ResId, sel: &ResId) -> bool {
    (sel.name.is_empty() || sel.name == id.name)
        && (sel.namespace.is_empty() || sel.ns_equals(id))
        && id.gvk.is_selected_by(&sel.gvk)
}

fn id_is_empty(id: &ResId) -> bool {
    id.name.is_empty() && id.namespace.is_empty() && id.gvk == Gvk::default()
}

fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// Looks a path up without creating anything.
pub fn lookup<'a>(node: &'a Json, path: &[String]) -> Option<&'a Json> {
    let Some((head, rest)) = path.split_first() else {
        return Some(node);
    };
    let next = match node {
        Json::Object(m) => m.get(head.as_str()),
        Json::Array(items) => {
            if let Some(inner) = head.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
                let (k, v) = inner.split_once('=')?;
                items.iter().find(|i| match k {
                    "" => scalar_text(i) == v,
                    _ => i.get(k).map(scalar_text).as_deref() == Some(v),
                })
            } else if let Ok(i) = head.parse::<usize>() {
                items.get(i)
            } else {
                None
            }
        }
        _ => None,
    }?;
    lookup(next, rest)
}

/// Collects the fields a target path names, creating missing ones when asked.
fn matching<'a>(node: &'a mut Json, path: &[String], create: bool, out: &mut Vec<&'a mut Json>) {
    let Some((head, rest)) = path.split_first() else {
        out.push(node);
        return;
    };
    if head == "*" {
        match node {
            Json::Object(m) => m.values_mut().for_each(|v| matching(v, rest, create, out)),
            Json::Array(a) => a.iter_mut().for_each(|v| matching(v, rest, create, out)),
            _ => {}
        }
        return;
    }
    if let Some(inner) = head.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let Some((k, v)) = inner.split_once('=') else {
            return;
        };
        if create && node.is_null() {
            *node = Json::Array(Vec::new());
        }
        let Json::Array(items) = node else { return };
        let hits = |i: &Json| match k {
            "" => scalar_text(i) == v,
            _ => i.get(k).map(scalar_text).as_deref() == Some(v),
        };
        if create && !items.iter().any(hits) {
            let mut m = Map::new();
            m.insert(k.to_string(), Json::String(v.to_string()));
            items.push(Json::Object(m));
        }
        for item in items.iter_mut().filter(|i| hits(i)) {
            matching(item, rest, create, out);
        }
        return;
    }
    match node {
        Json::Array(items) => {
            if let Ok(i) = head.parse::<usize>() {
                if let Some(item) = items.get_mut(i) {
                    matching(item, rest, create, out);
                }
            }
        }
        Json::Object(m) => {
            if !m.contains_key(head.as_str()) {
                if !create {
                    return;
                }
                m.insert(head.clone(), Json::Null);
            }
            let child = m.get_mut(head.as_str()).expect("present");
            if create && child.is_null() && !rest.is_empty() {
                *child = if rest[0].starts_with('[') {
                    Json::Array(Vec::new())
                } else {
                    Json::Object(Map::new())
                };
            }
            matching(child, rest, create, out);
        }
        Json::Null if create => {
            *node = Json::Object(Map::new());
            matching(node, path, create, out);
        }
        _ => {}
    }
}

fn options(v: Option<&Json>) -> (String, i64, bool) {
    let o = v.cloned().unwrap_or(Json::Null);
    (
        o.get("delimiter")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string(),
        o.get("index").and_then(Json::as_i64).unwrap_or(0),
        o.get("create").and_then(Json::as_bool).unwrap_or(false),
    )
}

pub fn transform(m: &mut ResMap, list: &[Json], ldr: &Loader) -> Result<()> {
    let mut all = Vec::new();
    for r in list {
        match r.get("path").and_then(Json::as_str) {
            Some(path) if r.get("source").is_none() => {
                let text = ldr.load_string(path)?;
                for doc in crate::yamlio::parse_any(&text, path)? {
                    match doc {
                        Json::Array(items) => all.extend(items),
                        Json::Null => {}
                        other => all.push(other),
                    }
                }
            }
            _ => all.push(r.clone()),
        }
    }
    for r in &all {
        let (Some(source), Some(targets)) =
            (r.get("source"), r.get("targets").and_then(Json::as_array))
        else {
            return Err(err!(
                "replacements must specify a source and at least one target"
            ));
        };
        let value = source_value(m, source)?;
        for t in targets {
            apply_target(m, &value, t)?;
        }
    }
    Ok(())
}

fn source_value(m: &ResMap, source: &Json) -> Result<Json> {
    let sel = res_id(source);
    let mut found: Option<&Resource> = None;
    for r in &m.list {
        if r.all_ids().iter().any(|id| selected_by(id, &sel)) {
            if found.is_some() {
                return Err(err!("multiple matches for selector {sel}"));
            }
            found = Some(r);
        }
    }
    let r = found.ok_or_else(|| err!("nothing selected by {sel}"))?;
    let fp = source
        .get("fieldPath")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("metadata.name");
    let v = lookup(&r.obj, &split_path(fp))
        .filter(|v| !v.is_null())
        .ok_or_else(|| err!("fieldPath `{fp}` is missing for replacement source {sel}"))?;
    let (delim, index, _) = options(source.get("options"));
    if delim.is_empty() {
        return Ok(v.clone());
    }
    if v.is_object() || v.is_array() {
        return Err(err!("delimiter option can only be used with scalar nodes"));
    }
    let text = scalar_text(v);
    let parts: Vec<&str> = text.split(delim.as_str()).collect();
    if index < 0 || index as usize >= parts.len() {
        return Err(err!(
            "options.index {index} is out of bounds for value {text}"
        ));
    }
    Ok(Json::String(parts[index as usize].to_string()))
}

fn apply_target(m: &mut ResMap, value: &Json, t: &Json) -> Result<()> {
    let Some(select) = t.get("select").filter(|s| !s.is_null()) else {
        return Err(err!("target must specify resources to select"));
    };
    let sel = res_id(select);
    let rejects: Vec<&Json> = t
        .get("reject")
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut paths: Vec<String> = t
        .get("fieldPaths")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if paths.is_empty() {
        paths.push("metadata.name".into());
    }
    let (delim, index, create) = options(t.get("options"));
    for r in &mut m.list {
        let ids = r.all_ids();
        let anno = |s: &Json, k: &str| s.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        if !label_selector_matches(&anno(select, "labelSelector"), &r.labels())?
            || !label_selector_matches(&anno(select, "annotationSelector"), &r.annotations())?
        {
            continue;
        }
        let mut rejected = false;
        for rej in &rejects {
            let (ls, asel) = (anno(rej, "labelSelector"), anno(rej, "annotationSelector"));
            if (!ls.is_empty() || !asel.is_empty())
                && label_selector_matches(&ls, &r.labels())?
                && label_selector_matches(&asel, &r.annotations())?
            {
                rejected = true;
            }
            let rid = res_id(rej);
            if !id_is_empty(&rid) && ids.iter().any(|id| selected_by(id, &rid)) {
                rejected = true;
            }
        }
        if rejected || !ids.iter().any(|id| selected_by(id, &sel)) {
            continue;
        }
        for fp in &paths {
            let mut fields = Vec::new();
            matching(&mut r.obj, &split_path(fp), create, &mut fields);
            if fields.is_empty() {
                return Err(if create {
                    err!("unable to find or create field \"{fp}\" in replacement target")
                } else {
                    err!("unable to find field \"{fp}\" in replacement target")
                });
            }
            for f in fields {
                set_field(f, value, &delim, index)?;
            }
        }
    }
    Ok(())
}

/// A scalar target keeps its type and takes the source's text; other targets take the
/// source value whole.
fn set_field(target: &mut Json, value: &Json, delim: &str, index: i64) -> Result<()> {
    let mut text = scalar_text(value);
    if !delim.is_empty() {
        if target.is_object() || target.is_array() {
            return Err(err!("delimiter option can only be used with scalar nodes"));
        }
        let cur = scalar_text(target);
        let mut parts: Vec<String> = cur.split(delim).map(str::to_string).collect();
        if index < 0 {
            parts.insert(0, text);
        } else if index as usize >= parts.len() {
            parts.push(text);
        } else {
            parts[index as usize] = text;
        }
        text = parts.join(delim);
        *target = retyped(target, &text, value);
        return Ok(());
    }
    if value.is_object()
        || value.is_array()
        || target.is_object()
        || target.is_array()
        || target.is_null()
    {
        *target = value.clone();
    } else {
        *target = retyped(target, &text, value);
    }
    Ok(())
}

fn retyped(target: &Json, text: &str, value: &Json) -> Json {
    match target {
        Json::Number(_) => text
            .parse::<i64>()
            .map(Json::from)
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .and_then(|f| serde_json::Number::from_f64(f).map(Json::Number))
            })
            .unwrap_or_else(|| Json::String(text.to_string())),
        Json::Bool(_) => match text {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            _ => Json::String(text.to_string()),
        },
        Json::String(_) => Json::String(text.to_string()),
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_and_lookup() {
        assert_eq!(
            split_path("spec.containers.[name=a].image"),
            vec!["spec", "containers", "[name=a]", "image"]
        );
        let obj = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}});
        assert_eq!(
            lookup(&obj, &split_path("spec.containers.[name=a].image")),
            Some(&json!("x"))
        );
        assert_eq!(
            lookup(&obj, &split_path("spec.containers.0.name")),
            Some(&json!("a"))
        );
    }

    #[test]
    fn scalar_targets_keep_their_type() {
        let mut t = json!(8080);
        set_field(&mut t, &json!("9090"), "", 0).unwrap();
        assert_eq!(t, json!(9090));
        let mut s = json!("a.b.c");
        set_field(&mut s, &json!("X"), ".", 1).unwrap();
        assert_eq!(s, json!("a.X.c"));
    }
}
