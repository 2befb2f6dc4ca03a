//! What a kustomization has gathered so far: resources, transformer configuration and vars.

use serde_json::Value as Json;

use std::borrow::Cow;

use crate::config::TransformerConfig;
use crate::err;
use crate::error::Result;
use crate::resid::{Gvk, ResId};
use crate::resmap::ResMap;

/// A `vars` entry: a name for a field of some resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub target: ResId,
    pub field_path: String,
    pub raw: Json,
}

impl Var {
    pub fn from_json(v: &Json) -> Var {
        let s = |o: &Json, k: &str| o.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        let objref = v.get("objref").cloned().unwrap_or(Json::Null);
        let mut gvk = Gvk {
            group: s(&objref, "group"),
            version: s(&objref, "version"),
            kind: s(&objref, "kind"),
        };
        let api_version = s(&objref, "apiVersion");
        if !api_version.is_empty() {
            let g = Gvk::from_api_version(&api_version, &gvk.kind);
            gvk.group = g.group;
            gvk.version = g.version;
        }
        let mut field_path = v
            .get("fieldref")
            .map(|f| s(f, "fieldPath"))
            .unwrap_or_default();
        if field_path.is_empty() {
            field_path = "metadata.name".into();
        }
        Var {
            name: s(v, "name"),
            target: ResId::new(gvk, &s(&objref, "name"), &s(&objref, "namespace")),
            field_path,
            raw: v.clone(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    pub resmap: ResMap,
    /// Borrowed while it is the builtin tables (the common case), so bases and overlays
    /// share them instead of copying and re-merging them.
    pub config: Cow<'static, TransformerConfig>,
    pub vars: Vec<Var>,
}

impl Accumulator {
    /// Takes in a base's result.
    pub fn merge(&mut self, other: Accumulator) -> Result<()> {
        self.resmap.append_all(other.resmap)?;
        match other.config {
            Cow::Borrowed(tc) => self.merge_config(tc)?,
            Cow::Owned(tc) => self.merge_config(&tc)?,
        }
        for v in other.vars {
            self.add_var(v)?;
        }
        Ok(())
    }

    /// Merges a transformer configuration in, as [`TransformerConfig::merge`] does.
    pub fn merge_config(&mut self, other: &TransformerConfig) -> Result<()> {
        let builtin = TransformerConfig::builtin();
        if std::ptr::eq(other, builtin) {
            match &self.config {
                Cow::Borrowed(tc) if std::ptr::eq(*tc, builtin) => return Ok(()),
                tc if tc.is_empty() => {
                    self.config = Cow::Borrowed(builtin);
                    return Ok(());
                }
                _ => {}
            }
        }
        if other.is_empty() || *self.config == *other {
            return Ok(());
        }
        self.config.to_mut().merge(other)
    }

    fn add_var(&mut self, v: Var) -> Result<()> {
        if self.vars.iter().any(|x| x.name == v.name) {
            return Err(err!("var '{}' already encountered", v.name));
        }
        self.vars.push(v);
        Ok(())
    }

    /// Registers this kustomization's vars and marks the resources they point at.
    pub fn merge_vars(&mut self, incoming: &[Json]) -> Result<()> {
        for raw in incoming {
            let v = Var::from_json(raw);
            let t = &v.target;
            let strict = !t.namespace.is_empty() || t.gvk.is_cluster_scoped();
            let matched = self.resmap.matching_any_id(|id| {
                id.gvk == t.gvk && id.name == t.name && (!strict || id.ns_equals(t))
            });
            if matched.len() > 1 {
                return Err(err!(
                    "found {} resId matches for var {} (unable to disambiguate)",
                    matched.len(),
                    v.name
                ));
            }
            if let [i] = matched.as_slice() {
                self.resmap.list[*i].ref_var_names.push(v.name.clone());
            }
            self.add_var(v)?;
        }
        Ok(())
    }
}
