//! The builtin `ValueAddTransformer`: puts one string value into a field of selected
//! resources, or into a position of the file path such a field holds.
//!
//! Semantics of kustomize v5.5.0 (api/internal/builtins/ValueAddTransformer.go and
//! api/filters/valueadd): the field path is kyaml's `PathGetter` path (`/`-separated,
//! `\/` escapes a slash, `[k=v]` list entries, numeric indices, `-` for the last entry)
//! walked with creation; `metadata/namespace` goes through the namespace filter instead.

use kubeplay_yaml::resolve::{resolve_plain, Schema};
use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::Result;
use crate::loader::Loader;
use crate::resmap::ResMap;
use crate::selector::Selector;
use crate::transformers::namespace::{self, NamespaceOptions, SubjectMode};

#[derive(Debug, Clone)]
pub struct ValueAdd {
    pub value: String,
    pub targets: Vec<ValueAddTarget>,
}

#[derive(Debug, Clone)]
pub struct ValueAddTarget {
    /// No selector selects every resource.
    pub selector: Option<Selector>,
    pub field_path: String,
    /// 0 replaces the field; `i > 0` inserts the value as the i-th part of the file path
    /// the field holds.
    pub file_path_position: i64,
}

fn targets_of(v: Option<&Json>) -> Result<Vec<ValueAddTarget>> {
    let mut out = Vec::new();
    for t in v.and_then(Json::as_array).into_iter().flatten() {
        let position = match t.get("filePathPosition") {
            None | Some(Json::Null) => 0,
            Some(Json::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or(0),
            Some(other) => {
                return Err(err!(
                    "json: cannot unmarshal {} into Go struct field Target.targets.filePathPosition of type int",
                    go_json_kind(other)
                ))
            }
        };
        out.push(ValueAddTarget {
            selector: t
                .get("selector")
                .filter(|s| !s.is_null())
                .map(Selector::from_json),
            field_path: t
                .get("fieldPath")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            file_path_position: position,
        });
    }
    Ok(out)
}

/// How Go's encoding/json names a JSON value's type in an unmarshal error.
fn go_json_kind(v: &Json) -> &'static str {
    match v {
        Json::String(_) => "string",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
        Json::Null => "null",
    }
}

/// Reads the plugin config, checking what kustomize's `Config` checks.
pub fn configure(cfg: &Json, ldr: &Loader) -> Result<ValueAdd> {
    let mut value = cfg
        .get("value")
        .and_then(Json::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    if value.is_empty() {
        // The default is the name of the kustomization's directory (Go's filepath.Base).
        value = match ldr.root.trim_end_matches('/').rsplit('/').next() {
            Some(base) if !base.is_empty() => base.to_string(),
            _ => "/".to_string(),
        };
    }
    let mut targets = targets_of(cfg.get("targets"))?;
    let file = cfg
        .get("targetFilePath")
        .and_then(Json::as_str)
        .unwrap_or("");
    if !file.is_empty() {
        let text = ldr.load_string(file)?;
        let shared = crate::yamlio::parse_sigs_yaml(&text, file)?;
        targets.extend(targets_of(shared.get("targets"))?);
    }
    if targets.is_empty() {
        return Err(err!("must specify at least one target"));
    }
    for t in &targets {
        if t.field_path.is_empty() {
            return Err(err!("fieldPath cannot be empty"));
        }
        if t.file_path_position < 0 {
            return Err(err!(
                "value of FilePathPosition ({}) cannot be negative",
                t.file_path_position
            ));
        }
    }
    Ok(ValueAdd { value, targets })
}

pub fn transform(m: &mut ResMap, va: &ValueAdd) -> Result<()> {
    for t in &va.targets {
        let selected: Vec<usize> = match &t.selector {
            None => (0..m.list.len()).collect(),
            Some(sel) => {
                let sel = sel.compile()?;
                let mut hits = Vec::new();
                for (i, r) in m.list.iter().enumerate() {
                    if sel.matches(r)? {
                        hits.push(i);
                    }
                }
                hits
            }
        };
        for i in selected {
            let r = &mut m.list[i];
            if t.field_path == "metadata/namespace" {
                namespace::apply_filter(
                    r,
                    &NamespaceOptions {
                        namespace: &va.value,
                        fieldspecs: &[],
                        unset_only: false,
                        subjects: SubjectMode::DefaultOnly,
                    },
                )?;
                continue;
            }
            add_value(&mut r.obj, &split_field_path(&t.field_path), |old| {
                if t.file_path_position > 0 {
                    insert_path_part(old, t.file_path_position as usize - 1, &va.value)
                } else {
                    va.value.clone()
                }
            })?;
        }
    }
    Ok(())
}

/// Splits on `/`; a part ending in `\` joins the next one with a literal slash.
fn split_field_path(path: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for f in path.split('/') {
        match fields.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('/');
                last.push_str(f);
            }
            _ => fields.push(f.to_string()),
        }
    }
    fields
}

fn node_kind(v: &Json) -> &'static str {
    match v {
        Json::Object(_) => "MappingNode",
        Json::Array(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

/// kyaml's `ErrorIfInvalid`: a node of another kind than expected (null passes).
fn expect_kind(v: &Json, want: &str) -> Result<()> {
    if v.is_null() || node_kind(v) == want {
        return Ok(());
    }
    // kyaml prints the node as it was read: keys in their order, sequences not indented.
    let opts = kubeplay_yaml::EmitOptions {
        key_order: kubeplay_yaml::KeyOrder::AsGiven,
        indent_sequences: false,
        ..kubeplay_yaml::EmitOptions::sigs_yaml()
    };
    let contents =
        kubeplay_yaml::emit_json_documents(std::slice::from_ref(v), &opts).unwrap_or_default();
    Err(err!(
        "wrong node kind: expected {want} but got {}: node contents:\n{contents}",
        node_kind(v)
    ))
}

fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// A scalar kyaml writes without a tag reads back with YAML's implicit typing, so `123`
/// becomes a number in the output, as in kustomize.
fn untagged_scalar(text: &str) -> Json {
    let node = kubeplay_yaml::Node::scalar(text, resolve_plain(text, Schema::GoYamlV3));
    kubeplay_yaml::to_json(&node).unwrap_or_else(|_| Json::String(text.to_string()))
}

fn is_list_index(part: &str) -> bool {
    part.starts_with('[') && part.ends_with(']')
}

/// Go's `strconv.Atoi`.
fn atoi(part: &str) -> Option<i64> {
    let digits = part.strip_prefix(['+', '-']).unwrap_or(part);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// Walks `parts` from `node`, creating what is missing as kyaml's `LookupCreate` does, and
/// sets the scalar found to `new_value(old text)`. A missing list entry named by index, or a
/// null on the way, ends the walk without a change.
fn add_value(node: &mut Json, parts: &[String], new_value: impl Fn(&str) -> String) -> Result<()> {
    let mut cur = node;
    for (i, part) in parts.iter().enumerate() {
        let next = parts.get(i + 1).map(String::as_str);
        if cur.is_null() {
            return Ok(());
        }
        if let Some(idx) = atoi(part) {
            if idx < 0 {
                return Err(err!("array index {idx} cannot be negative"));
            }
            expect_kind(cur, "SequenceNode")?;
            match cur.get_mut(idx as usize) {
                Some(item) => cur = item,
                None => return Ok(()),
            }
        } else if part == "-" {
            expect_kind(cur, "SequenceNode")?;
            match cur.as_array_mut().and_then(|a| a.last_mut()) {
                Some(item) => cur = item,
                None => return Ok(()),
            }
        } else if part == "*" {
            return Err(err!("wildcard is not supported in PathGetter"));
        } else if is_list_index(part) {
            let inner = &part[1..part.len() - 1];
            let Some((key, value)) = inner.split_once('=') else {
                return Err(err!("invalid index {part}"));
            };
            expect_kind(cur, "SequenceNode")?;
            let items = cur.as_array_mut().expect("checked to be a sequence");
            let hit = items.iter().position(|item| {
                if key.is_empty() {
                    !item.is_object() && !item.is_array() && scalar_text(item) == value
                } else {
                    item.get(key)
                        .is_some_and(|v| !v.is_object() && !v.is_array() && scalar_text(v) == value)
                }
            });
            let at = match hit {
                Some(at) => at,
                None => {
                    let created = if key.is_empty() {
                        untagged_scalar(value)
                    } else {
                        let mut m = Map::new();
                        m.insert(key.to_string(), untagged_scalar(value));
                        Json::Object(m)
                    };
                    items.push(created);
                    items.len() - 1
                }
            };
            cur = &mut items[at];
        } else {
            expect_kind(cur, "MappingNode")?;
            let map = cur.as_object_mut().expect("checked to be a mapping");
            cur = map.entry(part.clone()).or_insert_with(|| match next {
                Some(n) if is_list_index(n) || atoi(n).is_some_and(|i| i >= 0) => {
                    Json::Array(Vec::new())
                }
                Some(_) => Json::Object(Map::new()),
                None => Json::Null,
            });
        }
    }
    expect_kind(cur, "ScalarNode")?;
    *cur = untagged_scalar(&new_value(&scalar_text(cur)));
    Ok(())
}

/// kyaml's `filesys.PathSplit`: `/a/b` is `["", "a", "b"]`.
fn path_split(path: &str) -> Vec<String> {
    if path.is_empty() {
        return Vec::new();
    }
    let (dir, file) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    if dir == "/" {
        return if file.is_empty() {
            vec![String::new()]
        } else {
            vec![String::new(), file.to_string()]
        };
    }
    let dir = dir.strip_suffix('/').unwrap_or(dir);
    if dir.is_empty() {
        return vec![file.to_string()];
    }
    let mut out = path_split(dir);
    out.push(file.to_string());
    out
}

/// kyaml's `filesys.PathJoin`: Go's `filepath.Join`, keeping a leading empty part as `/`.
fn path_join(parts: &[String]) -> String {
    match parts.split_first() {
        None => String::new(),
        Some((first, rest)) if first.is_empty() => format!("/{}", go_join(rest)),
        Some(_) => go_join(parts),
    }
}

/// Go's `filepath.Join`: the non-empty parts joined by `/`, then cleaned.
fn go_join(parts: &[String]) -> String {
    let joined: Vec<&str> = parts
        .iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    if joined.is_empty() {
        return String::new();
    }
    kubeplay_vfs::go_clean(&joined.join("/"))
}

/// kyaml's `filesys.InsertPathPart`: `part` becomes the `pos`-th part of `path` (0 is
/// first, too large appends); an absolute path stays absolute.
fn insert_path_part(path: &str, pos: usize, part: &str) -> String {
    if part.is_empty() {
        return path.to_string();
    }
    let mut parts = path_split(path);
    let mut pos = pos.min(parts.len());
    if parts.first().is_some_and(String::is_empty) && pos < parts.len() {
        pos += 1;
    }
    parts.insert(pos, part.to_string());
    path_join(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inserts_into_file_paths_like_kyaml() {
        // The table of kyaml's InsertPathPart documentation.
        for (old, pos, new) in [
            ("", 5, "PEACH"),
            ("/", 5, "/PEACH"),
            ("pie", 0, "PEACH/pie"),
            ("/pie", 0, "/PEACH/pie"),
            ("raw", 1, "raw/PEACH"),
            ("/raw", 9, "/raw/PEACH"),
            ("a/nice/warm/pie", 3, "a/nice/warm/PEACH/pie"),
            ("/a/nice/warm/pie", 3, "/a/nice/warm/PEACH/pie"),
            ("a//b/./c", 1, "a/PEACH/b/c"),
        ] {
            assert_eq!(insert_path_part(old, pos, "PEACH"), new, "{old} at {pos}");
        }
    }

    #[test]
    fn splits_field_paths_with_escaped_slashes() {
        assert_eq!(split_field_path(r"data/a\/b/c"), ["data", "a/b", "c"]);
    }

    #[test]
    fn creates_fields_and_list_entries() {
        let mut obj = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}});
        let path = split_field_path("spec/containers/[name=b]/image");
        add_value(&mut obj, &path, |_| "v".into()).unwrap();
        assert_eq!(
            obj["spec"]["containers"][1],
            json!({"name": "b", "image": "v"})
        );
        let path = split_field_path("spec/ports/3/port");
        add_value(&mut obj, &path, |_| "1".into()).unwrap();
        assert_eq!(obj["spec"]["ports"], json!([]), "an index creates nothing");
        let path = split_field_path("metadata/labels/n");
        add_value(&mut obj, &path, |_| "123".into()).unwrap();
        assert_eq!(
            obj["metadata"]["labels"]["n"],
            json!(123),
            "untagged scalars resolve"
        );
    }

    #[test]
    fn refuses_non_scalar_targets() {
        let mut obj = json!({"spec": {"a": 1}});
        let e = add_value(&mut obj, &["spec".to_string()], |_| "v".into()).unwrap_err();
        assert_eq!(
            e.message,
            "wrong node kind: expected ScalarNode but got MappingNode: node contents:\na: 1\n"
        );
        let e = add_value(&mut obj, &split_field_path("spec/*/x"), |_| "v".into()).unwrap_err();
        assert_eq!(e.message, "wildcard is not supported in PathGetter");
    }
}
