//! The YAML boundary: reading resource files and kustomization files into JSON, the way
//! kustomize's two YAML paths do (kyaml for resources, sigs.k8s.io/yaml for the
//! kustomization), and printing the result.

use kubeplay_yaml::{
    parse_documents, parse_documents_with, to_json, to_json_with, DuplicateKeys, JsonFlavor,
    JsonOptions, Node, ParseOptions, Schema, Value,
};
use serde_json::Value as Json;

use crate::err;
use crate::error::{Error, Result};

fn yaml_err(e: &kubeplay_yaml::Error) -> Error {
    Error::new(e.goyaml())
}

/// Reads a stream of resources. Empty documents are skipped; `List` kinds are expanded
/// into their items.
pub fn parse_resources(src: &str, file: &str) -> Result<Vec<Json>> {
    let docs = parse_documents(src, file)
        .map_err(|e| err!("MalformedYAMLError: {} in File: {}", e.goyaml(), file))?;
    let mut out = Vec::new();
    for doc in docs {
        if doc.is_null() {
            continue;
        }
        if doc.as_mapping().is_none() {
            return Err(err!(
                "MalformedYAMLError: yaml: unmarshal errors:\n  line {}: cannot unmarshal !!{} into map[string]interface {{}} in File: {}",
                doc.pos.line,
                match doc.value {
                    Value::Sequence(_) => "seq",
                    _ => "str",
                },
                file
            ));
        }
        let mut json = to_json(&doc).map_err(|e| yaml_err(&e))?;
        stringify_annotations(&doc, &mut json);
        expand_lists(json, &mut out);
    }
    Ok(out)
}

/// kustomize's reader round-trips `metadata.annotations` through a string map: every value
/// keeps its source text (`0x10` stays `"0x10"`, `~` becomes `"~"`). Labels keep their
/// types (`0x10` is printed as `16`).
fn stringify_annotations(doc: &Node, json: &mut Json) {
    let Some(map) = doc
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Node::as_mapping)
    else {
        return;
    };
    let Some(target) = json
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Json::as_object_mut)
    else {
        return;
    };
    for (k, v) in &map.entries {
        let (Some(key), Some(scalar)) = (k.as_scalar(), v.as_scalar()) else {
            continue;
        };
        if let Some(slot) = target.get_mut(&key.value) {
            *slot = Json::String(scalar.value.clone());
        }
    }
}

fn expand_lists(json: Json, out: &mut Vec<Json>) {
    let is_list = json
        .get("kind")
        .and_then(Json::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && json.get("items").is_some();
    if is_list {
        if let Some(Json::Array(items)) = json.get("items") {
            for item in items {
                expand_lists(item.clone(), out);
            }
        }
        return;
    }
    out.push(json);
}

/// Reads a kustomization file (sigs.k8s.io/yaml: go-yaml v2 rules, one document).
pub fn parse_kustomization(src: &str, file: &str) -> Result<Json> {
    // sigs.k8s.io/yaml reads with go-yaml v2, which lets a repeated key overwrite.
    let opts = ParseOptions {
        schema: Schema::GoYamlV2,
        duplicate_keys: DuplicateKeys::LastWins,
        ..ParseOptions::default()
    };
    let docs = parse_documents_with(src, file, &opts)
        .map_err(|e| yaml_err(&e).wrap("invalid Kustomization"))?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Json::Null);
    };
    to_json_with(
        &doc,
        &JsonOptions {
            flavor: JsonFlavor::SigsYaml,
            numbers_as_f64: false,
        },
    )
    .map_err(|e| yaml_err(&e).wrap("invalid Kustomization"))
}

/// Reads one document the way sigs.k8s.io/yaml does (go-yaml v2 rules): JSON patches.
pub fn parse_sigs_yaml(src: &str, file: &str) -> Result<Json> {
    let opts = ParseOptions {
        schema: Schema::GoYamlV2,
        duplicate_keys: DuplicateKeys::LastWins,
        ..ParseOptions::default()
    };
    let docs = parse_documents_with(src, file, &opts).map_err(|e| yaml_err(&e))?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Json::Null);
    };
    to_json_with(
        &doc,
        &JsonOptions {
            flavor: JsonFlavor::SigsYaml,
            numbers_as_f64: false,
        },
    )
    .map_err(|e| yaml_err(&e))
}

/// Reads any YAML document as JSON (configurations, patches, plugin configs).
pub fn parse_any(src: &str, file: &str) -> Result<Vec<Json>> {
    let docs = parse_documents(src, file).map_err(|e| yaml_err(&e))?;
    docs.iter()
        .map(|d| to_json(d).map_err(|e| yaml_err(&e)))
        .collect()
}

/// Prints resources the way `kustomize build` does (sigs.k8s.io/yaml: keys sorted, `---`
/// between documents).
pub fn emit(objs: &[Json]) -> Result<String> {
    kubeplay_yaml::emit_json_documents(objs, &kubeplay_yaml::EmitOptions::sigs_yaml())
        .map_err(|e| yaml_err(&e))
}
