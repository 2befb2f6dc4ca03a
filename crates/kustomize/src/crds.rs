//! `crds`: OpenAPI definitions of custom types whose `x-kubernetes-*` extensions say which
//! fields hold names of other objects, annotations, label selectors or identities.

use serde_json::Value as Json;

use crate::config::{merge_spec, NameBackRef, TransformerConfig};
use crate::err;
use crate::error::Result;
use crate::fieldspec::FieldSpec;
use crate::loader::Loader;
use crate::resid::Gvk;

pub fn load_config_from_crds(ldr: &Loader, paths: &[String]) -> Result<TransformerConfig> {
    let mut tc = TransformerConfig::default();
    for path in paths {
        let text = ldr.load_string(path)?;
        let doc: Json = if text.starts_with('{') {
            serde_json::from_str(&text).map_err(|e| err!("{e}"))
        } else {
            crate::yamlio::parse_any(&text, path)
                .map(|d| d.into_iter().next().unwrap_or(Json::Null))
        }
        .map_err(|e| e.wrap(format!("unable to parse open API definition from '{path}'")))?;
        let Some(map) = doc.as_object() else { continue };
        let mut names: Vec<&String> = map.keys().collect();
        names.sort();
        for name in names {
            let props = &map[name]["Schema"]["properties"];
            if ["kind", "apiVersion", "metadata"]
                .iter()
                .all(|k| props.get(k).is_some())
            {
                let kind = name.rsplit('.').next().unwrap_or(name).to_string();
                let gvk = Gvk {
                    kind,
                    ..Gvk::default()
                };
                load_type(&mut tc, &gvk, &doc, name, &[], 0)?;
            }
        }
    }
    Ok(tc)
}

fn load_type(
    tc: &mut TransformerConfig,
    gvk: &Gvk,
    all: &Json,
    ty: &str,
    path: &[String],
    depth: usize,
) -> Result<()> {
    if depth > 32 {
        return Ok(());
    }
    let Some(props) = all
        .get(ty)
        .and_then(|t| t["Schema"]["properties"].as_object())
    else {
        return Ok(());
    };
    let fs = |p: &[String]| FieldSpec {
        gvk: gvk.clone(),
        path: p.join("/"),
        create: false,
    };
    for (prop, def) in props {
        let mut here = path.to_vec();
        here.push(prop.clone());
        let ext = |k: &str| def.get(k).and_then(Json::as_str);
        if ext("x-kubernetes-annotation").is_some() {
            merge_spec(&mut tc.common_annotations, fs(&here))?;
        }
        if ext("x-kubernetes-label-selector").is_some() {
            merge_spec(&mut tc.common_labels, fs(&here))?;
        }
        if ext("x-kubernetes-identity").is_some() {
            merge_spec(&mut tc.name_prefix, fs(&here))?;
        }
        if let (Some(version), Some(kind)) = (
            ext("x-kubernetes-object-ref-api-version"),
            ext("x-kubernetes-object-ref-kind"),
        ) {
            let key = ext("x-kubernetes-object-ref-name-key").unwrap_or("name");
            let mut p = here.clone();
            p.push(key.to_string());
            let mut other = TransformerConfig::default();
            other.name_reference.push(NameBackRef {
                gvk: Gvk {
                    group: String::new(),
                    version: version.to_string(),
                    kind: kind.to_string(),
                },
                referrers: vec![fs(&p)],
            });
            tc.merge(&other)?;
        }
        if let Some(r) = def.get("$ref").and_then(Json::as_str) {
            load_type(tc, gvk, all, r, &here, depth + 1)?;
        }
    }
    Ok(())
}
