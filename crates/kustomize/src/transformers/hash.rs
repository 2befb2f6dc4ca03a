//! Content-hash name suffixes of generated ConfigMaps and Secrets, exactly as kustomize's
//! hasher computes them.

use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::resmap::ResMap;

pub fn add_hashes_to_names(m: &mut ResMap) -> Result<()> {
    for r in &mut m.list {
        if !r.needs_hash {
            continue;
        }
        let h = hash(&r.obj);
        r.store_previous_id();
        let name = format!("{}-{h}", r.name());
        r.set_name(&name);
    }
    Ok(())
}

/// The ten-character suffix. The name is left out of the hashed text: kustomize looks it up
/// with a path that never matches, so the hash depends on kind, type and data only.
pub fn hash(obj: &Json) -> String {
    let kind = obj.get("kind").and_then(Json::as_str).unwrap_or("");
    let mut m = Map::new();
    let field = |k: &str| match obj.get(k) {
        None | Some(Json::Null) => Json::String(String::new()),
        Some(v) => v.clone(),
    };
    let encoded = match kind {
        "ConfigMap" => {
            m.insert("kind".into(), Json::String("ConfigMap".into()));
            m.insert("name".into(), Json::String(String::new()));
            m.insert("data".into(), field("data"));
            if let Some(b @ Json::Object(_)) = obj.get("binaryData") {
                m.insert("binaryData".into(), b.clone());
            }
            go_json(&Json::Object(m))
        }
        "Secret" => {
            m.insert("kind".into(), Json::String("Secret".into()));
            m.insert("type".into(), field("type"));
            m.insert("name".into(), Json::String(String::new()));
            m.insert("data".into(), field("data"));
            if let Some(s @ Json::Object(_)) = obj.get("stringData") {
                m.insert("stringData".into(), s.clone());
            }
            go_json(&Json::Object(m))
        }
        _ => go_json(obj),
    };
    encode(&hex(&Sha256::digest(encoded.as_bytes())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// First ten hex digits, with the characters that could spell words replaced.
fn encode(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// Go's `json.Marshal`: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped.
pub fn go_json(v: &Json) -> String {
    let mut out = String::new();
    write_go_json(v, &mut out);
    out
}

fn write_go_json(v: &Json, out: &mut String) {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(k, out);
                out.push(':');
                write_go_json(&m[*k], out);
            }
            out.push('}');
        }
        Json::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(x, out);
            }
            out.push(']');
        }
        Json::String(s) => write_go_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_kubectl() {
        // `kubectl kustomize` names these p-x-4h2mbtbbt6 and p-s-k695gkmbtk.
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "p-x"}, "data": {"a": "b"}});
        assert_eq!(hash(&cm), "4h2mbtbbt6");
        let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "Yg=="}});
        assert_eq!(hash(&s), "k695gkmbtk");
    }
}
