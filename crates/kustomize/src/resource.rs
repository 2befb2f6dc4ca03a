//! A resource during the build: its object (JSON, as kyaml turns it into JSON on output) and
//! the bookkeeping kustomize keeps in internal annotations (previous ids, prefixes and
//! suffixes, referrers, generator behaviour). Keeping that bookkeeping in fields instead of
//! annotations means nothing has to be stripped before printing.

use serde_json::{Map, Value as Json};

use crate::resid::{Gvk, ResId};

/// What a generated resource does to an existing one with the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    #[default]
    Create,
    Merge,
    Replace,
}

impl Behavior {
    pub fn parse(s: &str) -> Option<Behavior> {
        match s {
            "" | "create" => Some(Behavior::Create),
            "merge" => Some(Behavior::Merge),
            "replace" => Some(Behavior::Replace),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub obj: Json,
    /// Ids this resource had before renames, oldest first (kind, name, namespace; the group
    /// and version are always the current ones, as in kustomize).
    pub prev: Vec<(String, String, String)>,
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    pub ref_by: Vec<ResId>,
    /// Set on generated resources.
    pub behavior: Option<Behavior>,
    pub needs_hash: bool,
    /// Names of vars that refer to this resource.
    pub ref_var_names: Vec<String>,
    /// Transformers that ran over it (kept only with `buildMetadata: [transformerAnnotations]`).
    pub transformations: Vec<String>,
}

impl Resource {
    pub fn new(obj: Json) -> Self {
        Resource {
            obj,
            prev: Vec::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            ref_by: Vec::new(),
            behavior: None,
            needs_hash: false,
            ref_var_names: Vec::new(),
            transformations: Vec::new(),
        }
    }

    pub fn str_at(&self, path: &[&str]) -> &str {
        let mut cur = &self.obj;
        for p in path {
            match cur.get(p) {
                Some(v) => cur = v,
                None => return "",
            }
        }
        cur.as_str().unwrap_or("")
    }

    pub fn kind(&self) -> &str {
        self.str_at(&["kind"])
    }
    pub fn api_version(&self) -> &str {
        self.str_at(&["apiVersion"])
    }
    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"])
    }
    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"])
    }

    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version(), self.kind())
    }

    /// `gvk().is_selected_by(sel)` without building the Gvk.
    pub fn gvk_selected_by(&self, sel: &Gvk) -> bool {
        let av = self.api_version();
        let (group, version) = av.split_once('/').unwrap_or(("", av));
        (sel.group.is_empty() || sel.group == group)
            && (sel.version.is_empty() || sel.version == version)
            && (sel.kind.is_empty() || sel.kind == self.kind())
    }

    pub fn cur_id(&self) -> ResId {
        ResId::new(self.gvk(), self.name(), self.namespace())
    }

    pub fn prev_ids(&self) -> Vec<ResId> {
        let gvk = self.gvk();
        self.prev
            .iter()
            .map(|(k, n, ns)| {
                let mut g = gvk.clone();
                g.kind = k.clone();
                ResId::new(g, n, ns)
            })
            .collect()
    }

    /// The id the resource was loaded with.
    pub fn org_id(&self) -> ResId {
        self.prev_ids()
            .into_iter()
            .next()
            .unwrap_or_else(|| self.cur_id())
    }

    /// Records the current id before a rename. kustomize stores the effective namespace.
    pub fn store_previous_id(&mut self) {
        let id = self.cur_id();
        let ns = id.effective_namespace().to_string();
        self.prev.push((id.gvk.kind, id.name, ns));
    }

    /// All ids this resource has had, current one last.
    pub fn all_ids(&self) -> Vec<ResId> {
        let mut ids = self.prev_ids();
        ids.push(self.cur_id());
        ids
    }

    pub fn metadata_mut(&mut self) -> &mut Map<String, Json> {
        let obj = self.obj_mut();
        let meta = obj
            .entry("metadata")
            .or_insert_with(|| Json::Object(Map::new()));
        if !meta.is_object() {
            *meta = Json::Object(Map::new());
        }
        meta.as_object_mut().expect("metadata is an object")
    }

    pub fn obj_mut(&mut self) -> &mut Map<String, Json> {
        if !self.obj.is_object() {
            self.obj = Json::Object(Map::new());
        }
        self.obj.as_object_mut().expect("resource is an object")
    }

    pub fn set_name(&mut self, name: &str) {
        self.metadata_mut()
            .insert("name".into(), Json::String(name.to_string()));
    }

    pub fn set_namespace(&mut self, ns: &str) {
        self.metadata_mut()
            .insert("namespace".into(), Json::String(ns.to_string()));
    }

    /// A string map under metadata (`labels`, `annotations`); non-string values are shown
    /// as JSON text.
    pub fn string_map(&self, field: &str) -> Vec<(String, String)> {
        match self.obj.get("metadata").and_then(|m| m.get(field)) {
            Some(Json::Object(m)) => m
                .iter()
                .map(|(k, v)| {
                    let s = match v {
                        Json::String(s) => s.clone(),
                        Json::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k.clone(), s)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn labels(&self) -> Vec<(String, String)> {
        self.string_map("labels")
    }

    pub fn annotations(&self) -> Vec<(String, String)> {
        self.string_map("annotations")
    }

    pub fn set_annotation(&mut self, key: &str, value: &str) {
        let meta = self.metadata_mut();
        let ann = meta
            .entry("annotations")
            .or_insert_with(|| Json::Object(Map::new()));
        if !ann.is_object() {
            *ann = Json::Object(Map::new());
        }
        ann.as_object_mut()
            .expect("object")
            .insert(key.into(), Json::String(value.into()));
    }

    /// Whether names carry the same prefixes and suffixes in the same order at their ends:
    /// how kustomize decides that a referrer and a referral were built together.
    pub fn prefixes_suffixes_equal(&self, other: &Resource, allow_empty: bool) -> bool {
        if allow_empty {
            let pe = self.prefixes.is_empty() || other.prefixes.is_empty();
            let se = self.suffixes.is_empty() || other.suffixes.is_empty();
            (pe || same_ending(&self.prefixes, &other.prefixes))
                && (se || same_ending(&self.suffixes, &other.suffixes))
        } else {
            same_ending(&self.prefixes, &other.prefixes)
                && same_ending(&self.suffixes, &other.suffixes)
        }
    }
}

/// True when the shorter slice ends the longer one; an empty slice only matches an empty one.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long[long.len() - short.len()..] == *short
}

/// kyaml's `GetValidatedMetadata`: a resource needs a kind, and a name unless it is a
/// list. The message prints the metadata as Go's `%v` prints kyaml's `ResourceMeta`.
pub fn validate_metadata(obj: &Json) -> crate::error::Result<()> {
    let s = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or("").to_string();
    let meta = obj.get("metadata");
    let kind = s(obj.get("kind"));
    let name = s(meta.and_then(|m| m.get("name")));
    let problem = if kind.is_empty() {
        "missing kind"
    } else if !kind.ends_with("List") && name.is_empty() {
        "missing metadata.name"
    } else {
        return Ok(());
    };
    let go_map = |field: &str| {
        let mut pairs = Resource::new(obj.clone()).string_map(field);
        pairs.sort();
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        format!("map[{}]", body.join(" "))
    };
    Err(crate::err!(
        "{problem} in object {{{{{} {kind}}} {{{{{name} {}}} {} {}}}}}",
        s(obj.get("apiVersion")),
        s(meta.and_then(|m| m.get("namespace"))),
        go_map("labels"),
        go_map("annotations"),
    ))
}
