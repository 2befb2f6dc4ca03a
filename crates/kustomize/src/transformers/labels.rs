//! commonLabels / labels / commonAnnotations: add key-value pairs to the maps the field
//! specs name (metadata, selectors, pod templates, ...).

use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::Result;
use crate::fieldspec::{self, CreateKind, FieldSpec};
use crate::resmap::ResMap;

pub fn transform(
    m: &mut ResMap,
    pairs: &[(String, String)],
    fieldspecs: &[FieldSpec],
) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    for r in &mut m.list {
        for fs in fieldspecs {
            fieldspec::apply(r, fs, CreateKind::Mapping, &mut |v| {
                if v.is_null() {
                    *v = Json::Object(Map::new());
                }
                let Json::Object(map) = v else {
                    return Err(err!(
                        "wrong node kind: expected MappingNode but got {}",
                        kind_name(v)
                    ));
                };
                for (k, val) in pairs {
                    map.insert(k.clone(), Json::String(val.clone()));
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn kind_name(v: &Json) -> &'static str {
    match v {
        Json::Array(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}
