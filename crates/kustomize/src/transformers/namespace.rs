//! `namespace`: sets metadata.namespace on namespaced resources, plus the fields the
//! configuration names (a Namespace object's own name, webhook service namespaces, ...).

use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::Result;
use crate::fieldspec::{self, CreateKind, FieldSpec};
use crate::resmap::ResMap;
use crate::resource::Resource;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectMode {
    DefaultOnly,
    None,
    AllServiceAccounts,
}

pub struct NamespaceOptions<'a> {
    pub namespace: &'a str,
    pub fieldspecs: &'a [FieldSpec],
    pub unset_only: bool,
    pub subjects: SubjectMode,
}

/// kustomize's namespace filter on one resource: metadata.namespace unless cluster-scoped,
/// role binding subjects, then the field specs. (The transformer around it also records
/// the previous id and refuses id conflicts; `ValueAddTransformer` uses the filter alone.)
pub fn apply_filter(r: &mut Resource, o: &NamespaceOptions) -> Result<()> {
    let ns = o.namespace;
    let mut setter = |v: &mut Json| -> Result<()> {
        if o.unset_only && !matches!(v, Json::Null) && v.as_str().is_some_and(|s| !s.is_empty()) {
            return Ok(());
        }
        *v = Json::String(ns.to_string());
        Ok(())
    };
    let gvk = r.gvk();
    let api_version = r.api_version().to_string();
    if !gvk.is_cluster_scoped() {
        let meta_ns = FieldSpec {
            create: true,
            ..FieldSpec::new("metadata/namespace")
        };
        fieldspec::apply(r, &meta_ns, CreateKind::Scalar, &mut setter)?;
    }
    let is_binding = gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding";
    if is_binding && o.subjects != SubjectMode::None {
        if let Some(Json::Array(subjects)) = r.obj.get_mut("subjects") {
            for s in subjects.iter_mut() {
                let Some(obj) = s.as_object_mut() else {
                    continue;
                };
                let hit = match o.subjects {
                    SubjectMode::DefaultOnly => {
                        obj.get("name").and_then(Json::as_str) == Some("default")
                    }
                    _ => obj.get("kind").and_then(Json::as_str) == Some("ServiceAccount"),
                };
                if hit {
                    let slot = obj.entry("namespace").or_insert(Json::Null);
                    setter(slot)?;
                }
            }
        }
    }
    for fs in o.fieldspecs {
        if fs.path == "metadata/namespace" {
            continue;
        }
        if api_version != "v1" && fs.path == "metadata/name" {
            continue;
        }
        if is_binding && fs.path == "subjects/namespace" {
            continue;
        }
        fieldspec::apply(r, fs, CreateKind::Scalar, &mut |v: &mut Json| {
            if v.is_object() || v.is_array() {
                let kind = if v.is_object() { "MappingNode" } else { "SequenceNode" };
                let contents = crate::yamlio::emit(std::slice::from_ref(v)).unwrap_or_default();
                return Err(err!(
                    "wrong node kind: expected ScalarNode but got {kind}: node contents:\n{contents}"
                ));
            }
            setter(v)
        })
        .map_err(|e| e.wrap("namespace field specs must target scalar nodes"))?;
    }
    Ok(())
}

pub fn transform(m: &mut ResMap, o: &NamespaceOptions) -> Result<()> {
    if o.namespace.is_empty() {
        return Ok(());
    }
    for i in 0..m.list.len() {
        let r = &mut m.list[i];
        if r.obj.as_object().is_none_or(Map::is_empty) {
            continue;
        }
        r.store_previous_id();
        apply_filter(r, o)?;
        let id = m.list[i].cur_id();
        let count = m
            .list
            .iter()
            .filter(|x| x.name() == id.name && x.cur_id().equals(&id))
            .count();
        if count != 1 {
            return Err(err!("namespace transformation produces ID conflict: {id}"));
        }
    }
    Ok(())
}
