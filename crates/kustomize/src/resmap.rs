//! The ordered list of resources a kustomization accumulates, with kustomize's id rules.

use crate::err;
use crate::error::Result;
use crate::resid::ResId;
use crate::resource::{Behavior, Resource};

#[derive(Debug, Clone, Default)]
pub struct ResMap {
    pub list: Vec<Resource>,
}

impl ResMap {
    pub fn new() -> Self {
        ResMap { list: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Appends, refusing a second resource with the same current id.
    pub fn append(&mut self, r: Resource) -> Result<()> {
        let id = r.cur_id();
        // Names differ for almost every pair; compare them before building ids.
        if self
            .list
            .iter()
            .any(|x| x.name() == id.name && x.cur_id().equals(&id))
        {
            return Err(err!(
                "may not add resource with an already registered id: {id}"
            ));
        }
        self.list.push(r);
        Ok(())
    }

    pub fn append_all(&mut self, other: ResMap) -> Result<()> {
        for r in other.list {
            self.append(r)?;
        }
        Ok(())
    }

    /// Indices of resources whose current or any previous id satisfies `f`.
    pub fn matching_any_id(&self, f: impl Fn(&ResId) -> bool) -> Vec<usize> {
        self.list
            .iter()
            .enumerate()
            .filter(|(_, r)| r.all_ids().iter().any(&f))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn matching_cur_id(&self, f: impl Fn(&ResId) -> bool) -> Vec<usize> {
        self.list
            .iter()
            .enumerate()
            .filter(|(_, r)| f(&r.cur_id()))
            .map(|(i, _)| i)
            .collect()
    }

    /// Adds generated resources: create, or merge into / replace an existing one per the
    /// generator's behaviour.
    pub fn absorb_all(&mut self, other: ResMap) -> Result<()> {
        for r in other.list {
            self.append_replace_or_merge(r)?;
        }
        Ok(())
    }

    fn append_replace_or_merge(&mut self, mut res: Resource) -> Result<()> {
        let id = res.cur_id();
        let matches = self.matching_any_id(|x| x.equals(&id));
        let behavior = res.behavior.unwrap_or_default();
        match matches.as_slice() {
            [] => match behavior {
                Behavior::Merge | Behavior::Replace => Err(err!(
                    "id {} does not exist; cannot merge or replace",
                    go_id_repr(&id)
                )),
                Behavior::Create => self.append(res),
            },
            [i] => {
                let old = &self.list[*i];
                match behavior {
                    Behavior::Replace => copy_merge_meta(&mut res, old),
                    Behavior::Merge => {
                        copy_merge_meta(&mut res, old);
                        for field in ["data", "binaryData"] {
                            merge_data_map(&mut res, old, field);
                        }
                        // The resource merged into keeps its origin.
                        if let Some((_, o)) = old
                            .annotations()
                            .into_iter()
                            .find(|(k, _)| k == crate::origin::ORIGIN_ANNOTATION)
                        {
                            res.set_annotation(crate::origin::ORIGIN_ANNOTATION, &o);
                        }
                    }
                    Behavior::Create => {
                        return Err(err!(
                            "id {} exists; behavior must be merge or replace",
                            go_id_repr(&id)
                        ))
                    }
                }
                self.list[*i] = res;
                Ok(())
            }
            _ => Err(err!(
                "found multiple objects that could accept merge of {id}"
            )),
        }
    }
}

/// Go's `%#v` of a ResId, which kustomize prints in generator merge errors.
pub fn go_id_repr(id: &ResId) -> String {
    format!(
        "resid.ResId{{Gvk:resid.Gvk{{Group:{:?}, Version:{:?}, Kind:{:?}, isClusterScoped:{}}}, Name:{:?}, Namespace:{:?}}}",
        id.gvk.group,
        id.gvk.version,
        id.gvk.kind,
        id.gvk.is_cluster_scoped(),
        id.name,
        id.namespace
    )
}

/// Labels and annotations merge (the new value wins), name and namespace and the build
/// bookkeeping come from the old resource.
fn copy_merge_meta(res: &mut Resource, old: &Resource) {
    for field in ["labels", "annotations"] {
        let mut merged = serde_json::Map::new();
        for (k, v) in old
            .string_map(field)
            .into_iter()
            .chain(res.string_map(field))
        {
            merged.insert(k, serde_json::Value::String(v));
        }
        let meta = res.metadata_mut();
        if merged.is_empty() {
            meta.remove(field);
        } else {
            meta.insert(field.into(), sorted(merged));
        }
    }
    let name = old.name().to_string();
    let ns = old.namespace().to_string();
    res.set_name(&name);
    if ns.is_empty() {
        res.metadata_mut().remove("namespace");
    } else {
        res.set_namespace(&ns);
    }
    res.needs_hash = res.needs_hash && old.needs_hash;
    res.prev = old.prev.clone();
    res.prefixes = old.prefixes.clone();
    res.suffixes = old.suffixes.clone();
    res.ref_by = old.ref_by.clone();
    res.behavior = old.behavior;
    res.ref_var_names = old.ref_var_names.clone();
    res.transformations = old.transformations.clone();
}

fn sorted(m: serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    serde_json::Value::Object(v.into_iter().collect())
}

fn merge_data_map(res: &mut Resource, old: &Resource, field: &str) {
    let mut merged = serde_json::Map::new();
    for src in [&old.obj, &res.obj] {
        if let Some(serde_json::Value::Object(m)) = src.get(field) {
            for (k, v) in m {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    let obj = res.obj_mut();
    if merged.is_empty() {
        obj.remove(field);
    } else {
        obj.insert(field.into(), sorted(merged));
    }
}
