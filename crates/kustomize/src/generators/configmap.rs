//! configMapGenerator and secretGenerator.

use base64::Engine;
use serde_json::{Map, Value as Json};

use crate::err;
use crate::error::{Error, Result};
use crate::kustomization::string_map;
use crate::loader::Loader;
use crate::resource::{Behavior, Resource};

fn strs(v: &Json, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Generator options: the generator's own win over the kustomization's `generatorOptions`.
struct Options {
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    disable_hash: bool,
    immutable: bool,
}

fn merged_options(local: Option<&Json>, global: Option<&Json>) -> Options {
    let flag = |v: Option<&Json>, k: &str| {
        v.and_then(|o| o.get(k))
            .and_then(Json::as_bool)
            .unwrap_or(false)
    };
    let merge = |field: &str| {
        let mut out = string_map(local.and_then(|o| o.get(field)));
        for (k, v) in string_map(global.and_then(|o| o.get(field))) {
            if !out.iter().any(|(x, _)| *x == k) {
                out.push((k, v));
            }
        }
        out.sort();
        out
    };
    Options {
        labels: merge("labels"),
        annotations: merge("annotations"),
        disable_hash: flag(local, "disableNameSuffixHash") || flag(global, "disableNameSuffixHash"),
        immutable: flag(local, "immutable") || flag(global, "immutable"),
    }
}

fn remove_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// Key/value pairs in kustomize's order: env files, literals, files, with kustomize's
/// error context (`loading KV pairs: literal sources [a b]: ...`).
fn pairs(ldr: &Loader, args: &Json) -> Result<Vec<(String, Vec<u8>)>> {
    pairs_unwrapped(ldr, args).map_err(|e| e.wrap("loading KV pairs"))
}

fn pairs_unwrapped(ldr: &Loader, args: &Json) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let envs = strs(args, "envs");
    for path in &envs {
        let bytes = ldr
            .load(path)
            .map_err(|e| e.wrap(format!("env source files: {}", go_list(&envs))))?;
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            let line = if i == 0 {
                line.trim_start_matches('\u{feff}')
            } else {
                line
            };
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            // kubectl's kustomize does not validate env file keys (its field validator
            // accepts every name); a line without a key adds nothing.
            if k.is_empty() {
                continue;
            }
            out.push((k.to_string(), v.as_bytes().to_vec()));
        }
    }
    for lit in strs(args, "literals") {
        match lit.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.push((k.to_string(), remove_quotes(v).as_bytes().to_vec()))
            }
            _ => {
                return Err(err!(
                    "literal sources {}: invalid literal source {lit}, expected key=value",
                    go_list(&strs(args, "literals"))
                ))
            }
        }
    }
    let files = strs(args, "files");
    let in_files = |e: Error| e.wrap(format!("file sources: {}", go_list(&files)));
    for src in &files {
        let (key, path) = match src.matches('=').count() {
            0 => (kubeplay_vfs::file_name(src).to_string(), src.clone()),
            1 if src.starts_with('=') => {
                return Err(in_files(err!(
                    "missing key name for file path {:?} in source {src:?}",
                    &src[1..]
                )))
            }
            1 if src.ends_with('=') => {
                return Err(in_files(err!(
                    "missing file path for key name {:?} in source {src:?}",
                    &src[..src.len() - 1]
                )))
            }
            1 => {
                let (k, p) = src.split_once('=').unwrap_or_default();
                (k.to_string(), p.to_string())
            }
            _ => {
                return Err(in_files(err!(
                    "source {src:?} key name or file path contains '='"
                )))
            }
        };
        let content = ldr.load(&path).map_err(in_files)?;
        out.push((key, content));
    }
    Ok(out)
}

/// Base64 as kyaml writes Secret data and binaryData: in lines of 70 characters, each
/// ending in a newline, once the text reaches 70 characters.
pub fn encode_base64(bytes: &[u8]) -> String {
    let enc = base64::engine::general_purpose::STANDARD.encode(bytes);
    if enc.len() < 70 {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / 70 + 1);
    for chunk in enc.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Makes the ConfigMap (or Secret) one generator entry describes.
pub fn generate(
    ldr: &Loader,
    args: &Json,
    global: Option<&Json>,
    secret: bool,
) -> Result<Resource> {
    let s = |k: &str| args.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let name = s("name");
    let kind = if secret { "Secret" } else { "ConfigMap" };
    if name.is_empty() {
        return Err(err!("a {} must have a name", kind.to_lowercase()));
    }
    let behavior = Behavior::parse(&s("behavior")).ok_or_else(|| {
        err!(
            "invalid behavior '{}', must be one of [create merge replace]",
            s("behavior")
        )
    })?;
    let opts = merged_options(args.get("options"), global);
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), Json::String("v1".into()));
    obj.insert("kind".into(), Json::String(kind.into()));
    let mut meta = Map::new();
    meta.insert("name".into(), Json::String(name.clone()));
    if !s("namespace").is_empty() {
        meta.insert("namespace".into(), Json::String(s("namespace")));
    }
    for (field, list) in [("labels", &opts.labels), ("annotations", &opts.annotations)] {
        if !list.is_empty() {
            let m: Map<String, Json> = list
                .iter()
                .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                .collect();
            meta.insert(field.into(), Json::Object(m));
        }
    }
    obj.insert("metadata".into(), Json::Object(meta));
    if secret {
        let t = s("type");
        obj.insert(
            "type".into(),
            Json::String(if t.is_empty() { "Opaque".into() } else { t }),
        );
    }
    let mut data = Map::new();
    let mut binary = Map::new();
    for (k, v) in pairs(ldr, args)? {
        // kubectl's kustomize validates no key names (its field validator accepts all).
        if data.contains_key(&k) || binary.contains_key(&k) {
            return Err(err!("configmap {name} illegally repeats the key `{k}`"));
        }
        if secret {
            data.insert(k, Json::String(encode_base64(&v)));
        } else {
            match String::from_utf8(v) {
                Ok(text) => {
                    data.insert(k, Json::String(text));
                }
                Err(e) => {
                    binary.insert(k, Json::String(encode_base64(&e.into_bytes())));
                }
            }
        }
    }
    if !data.is_empty() {
        obj.insert("data".into(), Json::Object(data));
    }
    if !binary.is_empty() {
        obj.insert("binaryData".into(), Json::Object(binary));
    }
    if opts.immutable {
        obj.insert("immutable".into(), Json::Bool(true));
    }
    let mut r = Resource::new(Json::Object(obj));
    r.behavior = Some(behavior);
    r.needs_hash = !opts.disable_hash;
    Ok(r)
}
