//! Field specs: "this path, in resources of this kind" — the tables every builtin
//! transformer is configured with — and the walk that visits the fields they name.

use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::{Error, Result};
use crate::resid::Gvk;
use crate::resource::Resource;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSpec {
    pub gvk: Gvk,
    pub path: String,
    pub create: bool,
}

/// What to create at the end of a path when `create` is set and the field is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateKind {
    Mapping,
    Scalar,
    /// The transformer never creates the field.
    None,
}

impl FieldSpec {
    pub fn new(path: &str) -> Self {
        FieldSpec {
            gvk: Gvk::default(),
            path: path.to_string(),
            create: false,
        }
    }

    /// Reads a spec from its JSON form: `{path, create, group, version, kind}`.
    pub fn from_json(v: &Json) -> Result<Self> {
        let s = |k: &str| v.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        Ok(FieldSpec {
            gvk: Gvk {
                group: s("group"),
                version: s("version"),
                kind: s("kind"),
            },
            path: s("path"),
            create: v.get("create").and_then(Json::as_bool).unwrap_or(false),
        })
    }

    pub fn matches(&self, gvk: &Gvk) -> bool {
        gvk.is_selected_by(&self.gvk)
    }

    /// Identity for de-duplication when tables merge (kustomize compares gvk and path).
    pub fn same_target(&self, other: &FieldSpec) -> bool {
        self.gvk == other.gvk && self.path == other.path
    }
}

/// Splits a field path on `/`, keeping `\/` as a literal slash and bracketed parts whole.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '/' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Calls `set` on every field `fs` names in `res` (after the kind check). Sequences met on
/// the way are entered element by element, as kustomize does. With `fs.create`, missing
/// maps are created on the way and the last field is created as `create`.
pub fn apply(
    res: &mut Resource,
    fs: &FieldSpec,
    create: CreateKind,
    set: &mut dyn FnMut(&mut Json) -> Result<()>,
) -> Result<()> {
    if !res.gvk_selected_by(&fs.gvk) {
        return Ok(());
    }
    let path = split_path(&fs.path);
    let result = walk(&mut res.obj, &path, fs.create, create, set);
    result.map_err(|e| {
        e.wrap(format!(
            "considering field '{}' of object {}",
            fs.path,
            res.cur_id()
        ))
    })
}

fn walk(
    node: &mut Json,
    path: &[String],
    create_flag: bool,
    create: CreateKind,
    set: &mut dyn FnMut(&mut Json) -> Result<()>,
) -> Result<()> {
    let Some((head, rest)) = path.split_first() else {
        return set(node);
    };
    match node {
        Json::Null => Ok(()),
        Json::Array(items) => {
            for item in items {
                walk(item, path, create_flag, create, set)?;
            }
            Ok(())
        }
        Json::Object(map) => {
            let (name, is_seq) = match head.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (head.as_str(), false),
            };
            if name.is_empty() {
                return Err(err!("cannot set or create an empty field name"));
            }
            let creating = create_flag && create != CreateKind::None && !is_seq;
            if !map.contains_key(name) {
                if !creating {
                    return Ok(());
                }
                let fresh = if rest.is_empty() && create == CreateKind::Scalar {
                    Json::Null
                } else {
                    Json::Object(Map::new())
                };
                map.insert(name.to_string(), fresh);
            } else if creating
                && map[name].is_null()
                && !(rest.is_empty() && create == CreateKind::Scalar)
            {
                map.insert(name.to_string(), Json::Object(Map::new()));
            }
            let child = map.get_mut(name).expect("present");
            walk(child, rest, create_flag, create, set)
        }
        _ => Err(Error::new("expected sequence or mapping node")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_escaped_slashes() {
        assert_eq!(
            split_path("metadata/annotations/a.io\\/b"),
            vec!["metadata", "annotations", "a.io/b"]
        );
        assert_eq!(split_path("a/b[c=d/e]/f"), vec!["a", "b[c=d/e]", "f"]);
    }

    #[test]
    fn walks_sequences_and_creates() {
        let mut r = Resource::new(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "spec": {"template": {"spec": {"containers": [{"image": "a"}, {"image": "b"}]}}}
        }));
        let mut seen = Vec::new();
        let fs = FieldSpec::new("spec/template/spec/containers/image");
        apply(&mut r, &fs, CreateKind::None, &mut |v| {
            seen.push(v.as_str().unwrap_or("").to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["a", "b"]);
        let fs = FieldSpec {
            create: true,
            ..FieldSpec::new("metadata/labels")
        };
        apply(&mut r, &fs, CreateKind::Mapping, &mut |v| {
            v.as_object_mut().unwrap().insert("x".into(), json!("y"));
            Ok(())
        })
        .unwrap();
        assert_eq!(r.obj["metadata"]["labels"]["x"], "y");
    }
}
