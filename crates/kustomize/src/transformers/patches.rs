//! The patch transformers: `patches` (strategic merge or JSON 6902, with an optional target
//! selector), `patchesStrategicMerge` and `patchesJson6902`.

use serde_json::Value as Json;

use crate::err;
use crate::error::Result;
use crate::patch::json6902;
use crate::patch::strategic;
use crate::resid::ResId;
use crate::resmap::ResMap;
use crate::resource::Resource;
use crate::selector::Selector;

/// One loaded patch.
#[derive(Debug, Clone)]
pub enum PatchBody {
    /// Strategic merge patches (a file may hold several documents).
    Strategic(Vec<Json>),
    /// RFC 6902 operations.
    Json6902(json_patch::Patch, String),
}

#[derive(Debug, Clone)]
pub struct Patch {
    pub body: PatchBody,
    pub target: Option<Selector>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
    /// How kustomize names the patch in errors: `[patch: "..."]` or `[path: "..."]`.
    pub source: String,
}

/// Decides what a patch text is, as kustomize does: a list of operations or resources
/// (each with a kind and a name). `source` names the patch in errors (`[path: "p.yaml"]`).
pub fn parse_patch(text: &str, source: &str) -> Result<PatchBody> {
    let text = text.trim();
    let ops = json6902::parse_ops(text);
    let docs = crate::yamlio::parse_resources(text, "patch").and_then(|docs| {
        docs.iter()
            .try_for_each(crate::resource::validate_metadata)
            .map(|()| docs)
    });
    match (docs, ops) {
        (_, Ok(ops)) => Ok(PatchBody::Json6902(ops, text.to_string())),
        (Ok(docs), Err(_)) if !docs.is_empty() => Ok(PatchBody::Strategic(docs)),
        _ => Err(err!("unable to parse SM or JSON patch from {source}")),
    }
}

fn patch_id(p: &Json) -> ResId {
    Resource::new(p.clone()).cur_id()
}

pub fn transform(m: &mut ResMap, p: &Patch, custom: Option<&Json>) -> Result<()> {
    match &p.body {
        PatchBody::Strategic(patches) => match &p.target {
            None => {
                for patch in patches {
                    let id = patch_id(patch);
                    let hits = m.matching_any_id(|x| x.equals(&id));
                    let i = match hits.as_slice() {
                        [i] => *i,
                        [] => {
                            let e = err!(
                                "no matches for Id {id}; failed to find unique target for patch {id}"
                            );
                            // `patches` entries (they have a source) say which patch; the
                            // older patchesStrategicMerge does not.
                            return Err(if p.source.is_empty() {
                                e
                            } else {
                                e.wrap(format!("no resource matches strategic merge patch \"{id}\""))
                            });
                        }
                        _ => {
                            return Err(err!(
                                "multiple matches for Id {id}; failed to find unique target for patch {id}"
                            ))
                        }
                    };
                    let mut copy = patch.clone();
                    let gvk = m.list[i].gvk();
                    set_str(&mut copy, "apiVersion", &gvk.api_version());
                    apply_smp(m, i, &copy, p, custom)?;
                }
                m.list
                    .retain(|r| r.obj.as_object().is_some_and(|o| !o.is_empty()));
                Ok(())
            }
            Some(sel) => {
                if patches.len() > 1 {
                    return Err(err!(
                        "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: {}",
                        p.source
                    ));
                }
                let Some(patch) = patches.first() else {
                    return Ok(());
                };
                // The patch keeps its own name and kind (they only stick when the options
                // allow it); its apiVersion becomes the target's.
                for i in select(m, sel)? {
                    let mut copy = patch.clone();
                    let gvk = m.list[i].gvk();
                    set_str(&mut copy, "apiVersion", &gvk.api_version());
                    apply_smp(m, i, &copy, p, custom)?;
                }
                m.list
                    .retain(|r| r.obj.as_object().is_some_and(|o| !o.is_empty()));
                Ok(())
            }
        },
        PatchBody::Json6902(ops, text) => {
            let Some(sel) = &p.target else {
                return Err(err!("must specify a target for JSON patch {text}"));
            };
            for i in select(m, sel)? {
                let r = &mut m.list[i];
                r.store_previous_id();
                json6902::apply(&mut r.obj, ops)?;
            }
            Ok(())
        }
    }
}

pub fn select(m: &ResMap, sel: &Selector) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    let sel = sel.compile()?;
    for (i, r) in m.list.iter().enumerate() {
        if sel.matches(r)? {
            out.push(i);
        }
    }
    Ok(out)
}

fn set_str(obj: &mut Json, key: &str, value: &str) {
    if let Some(o) = obj.as_object_mut() {
        if value.is_empty() {
            o.remove(key);
        } else {
            o.insert(key.into(), Json::String(value.into()));
        }
    }
}

/// kustomize's `Resource.ApplySmPatch`: merge, then restore kind, name and namespace
/// unless the patch may change them.
fn apply_smp(
    m: &mut ResMap,
    i: usize,
    patch: &Json,
    p: &Patch,
    custom: Option<&Json>,
) -> Result<()> {
    let r = &mut m.list[i];
    let (name, ns, kind) = (
        r.name().to_string(),
        r.namespace().to_string(),
        r.kind().to_string(),
    );
    if p.allow_name_change || p.allow_kind_change {
        r.store_previous_id();
    }
    let merged = strategic::merge_object(&r.obj, patch, &r.gvk(), custom)?;
    let Some(merged) = merged.filter(|v| v.as_object().is_some_and(|o| !o.is_empty())) else {
        r.obj = Json::Object(Default::default());
        return Ok(());
    };
    r.obj = merged;
    if !p.allow_kind_change {
        set_str(&mut r.obj, "kind", &kind);
    }
    if !p.allow_name_change {
        r.set_name(&name);
    }
    if ns.is_empty() {
        if let Some(meta) = r.obj.get_mut("metadata").and_then(Json::as_object_mut) {
            meta.remove("namespace");
        }
    } else {
        r.set_namespace(&ns);
    }
    Ok(())
}
