//! `replicas`: set the replica count of workloads by name.

use serde_json::Value as Json;

use crate::err;
use crate::error::Result;
use crate::fieldspec::{self, CreateKind, FieldSpec};
use crate::resmap::ResMap;

pub fn transform(m: &mut ResMap, name: &str, count: &Json, fieldspecs: &[FieldSpec]) -> Result<()> {
    let mut found = false;
    for fs in fieldspecs {
        let hits = m.matching_any_id(|id| id.name == name && id.gvk.is_selected_by(&fs.gvk));
        found |= !hits.is_empty();
        for i in hits {
            fieldspec::apply(&mut m.list[i], fs, CreateKind::Scalar, &mut |v| {
                *v = count.clone();
                Ok(())
            })?;
        }
    }
    if !found {
        let gvks: Vec<String> = fieldspecs.iter().map(|f| f.gvk.to_string()).collect();
        return Err(err!(
            "resource with name {name} does not match a config with the following GVK [{}]",
            gvks.join(" ")
        ));
    }
    Ok(())
}
