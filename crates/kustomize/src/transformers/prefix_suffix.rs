//! namePrefix / nameSuffix: prepend or append to names, remembering the old id so that
//! references can follow.

use serde_json::Value as Json;

use crate::error::Result;
use crate::fieldspec::{self, CreateKind, FieldSpec};
use crate::resid::Gvk;
use crate::resmap::ResMap;

/// Kinds whose names kustomize never prefixes or suffixes.
fn skipped(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.group == "apiregistration.k8s.io" && gvk.kind == "APIService")
}

pub fn transform(
    m: &mut ResMap,
    affix: &str,
    is_prefix: bool,
    fieldspecs: &[FieldSpec],
) -> Result<()> {
    for r in &mut m.list {
        let org = r.org_id();
        if skipped(&org.gvk) {
            continue;
        }
        for fs in fieldspecs {
            if !org.gvk.is_selected_by(&fs.gvk) {
                continue;
            }
            if fs.path == "metadata/name" && !affix.is_empty() {
                if is_prefix {
                    r.prefixes.push(affix.to_string());
                } else {
                    r.suffixes.push(affix.to_string());
                }
                r.store_previous_id();
            }
            fieldspec::apply(r, fs, CreateKind::None, &mut |v| {
                if let Json::String(s) = v {
                    *s = if is_prefix {
                        format!("{affix}{s}")
                    } else {
                        format!("{s}{affix}")
                    };
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}
