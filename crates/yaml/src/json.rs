//! Conversions between [`Node`] trees and `serde_json::Value`, the form Kubernetes objects
//! take everywhere else in kubeplay.

use serde_json::{Map, Number, Value as Json};

use crate::error::Error;
use crate::node::{Node, ScalarStyle, Value};
use crate::resolve::{parse_timestamp, Resolved};

/// Whose YAML-to-JSON conversion to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonFlavor {
    /// kyaml (`kustomize build`): go-yaml v3 decodes the node into Go values, then
    /// `encoding/json` prints them. Timestamps become RFC 3339 strings
    /// (`2001-12-14` -> `"2001-12-14T00:00:00Z"`), non-string keys keep their source text.
    #[default]
    Kyaml,
    /// sigs.k8s.io/yaml `YAMLToJSON` (Helm): timestamps stay as written, non-string keys are
    /// formatted the way sigs.k8s.io/yaml does (`1.50` -> `"1.5"`), a null key is an error.
    SigsYaml,
}

/// Options for [`to_json_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JsonOptions {
    /// Conversion rules to follow.
    pub flavor: JsonFlavor,
    /// Turn every number into an `f64`, as `json.Unmarshal` into `interface{}` does. Helm's
    /// values go through that step, which is why `{{ .Values.big }}` prints `1e+06`.
    pub numbers_as_f64: bool,
}

/// Converts a document to JSON with kyaml rules.
pub fn to_json(node: &Node) -> Result<Json, Error> {
    to_json_with(node, &JsonOptions::default())
}

/// Converts a document to JSON.
///
/// Errors (with the node's position, file left empty) for values JSON cannot hold: `.inf`,
/// `.nan`, and null keys under [`JsonFlavor::SigsYaml`].
pub fn to_json_with(node: &Node, opts: &JsonOptions) -> Result<Json, Error> {
    convert(node, opts, false)
}

fn convert(node: &Node, opts: &JsonOptions, in_flow: bool) -> Result<Json, Error> {
    let kyaml = opts.flavor == JsonFlavor::Kyaml;
    match &node.value {
        Value::Scalar(s) if node.tag.as_deref() == Some("!!binary") => {
            match decode_base64(&s.value) {
                // Go's JSON encoder replaces invalid UTF-8 with U+FFFD.
                Some(bytes) => Ok(Json::String(String::from_utf8_lossy(&bytes).into_owned())),
                None => Err(Error::new(
                    "",
                    node.pos.line,
                    node.pos.column,
                    "!!binary value contains invalid base64 data",
                )),
            }
        }
        Value::Scalar(s) => Ok(match s.resolved {
            // kustomize writes kyaml nodes out with go-yaml v3 and reads them back: an empty
            // untagged null in a flow collection can only be written as '' and comes back as
            // an empty string.
            Resolved::Null if kyaml && in_flow && s.value.is_empty() && node.tag.is_none() => {
                Json::String(String::new())
            }
            Resolved::Null => Json::Null,
            Resolved::Bool(b) => Json::Bool(b),
            Resolved::Int(i) => int_json(i, opts.numbers_as_f64),
            Resolved::Float(f) => match Number::from_f64(f) {
                Some(n) => Json::Number(n),
                None => {
                    return Err(Error::new(
                        "",
                        node.pos.line,
                        node.pos.column,
                        format!("json: unsupported value: {}", go_float_word(f)),
                    ))
                }
            },
            Resolved::Timestamp if opts.flavor == JsonFlavor::Kyaml => {
                match parse_timestamp(&s.value) {
                    Some(t) => Json::String(t.rfc3339_nano()),
                    None => Json::String(s.value.clone()),
                }
            }
            Resolved::Str | Resolved::Timestamp | Resolved::Merge => {
                if kyaml && s.style == ScalarStyle::Folded {
                    Json::String(folded_round_trip(&s.value))
                } else {
                    Json::String(s.value.clone())
                }
            }
        }),
        Value::Sequence(seq) => seq
            .items
            .iter()
            .map(|n| convert(n, opts, in_flow || seq.flow))
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        Value::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in &m.entries {
                let key = key_string(k, opts.flavor)?;
                out.insert(key, convert(v, opts, in_flow || m.flow)?);
            }
            Ok(Json::Object(out))
        }
    }
}

fn int_json(i: i128, as_f64: bool) -> Json {
    if as_f64 {
        return Number::from_f64(i as f64).map_or(Json::Null, Json::Number);
    }
    if let Ok(v) = i64::try_from(i) {
        Json::Number(v.into())
    } else if let Ok(v) = u64::try_from(i) {
        Json::Number(v.into())
    } else {
        Number::from_f64(i as f64).map_or(Json::Null, Json::Number)
    }
}

fn go_float_word(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

fn key_string(k: &Node, flavor: JsonFlavor) -> Result<String, Error> {
    let err = |msg: String| Error::new("", k.pos.line, k.pos.column, msg);
    let Value::Scalar(s) = &k.value else {
        return Err(err("unsupported map key: a mapping or sequence".to_string()));
    };
    if flavor == JsonFlavor::Kyaml {
        return Ok(s.value.clone());
    }
    Ok(match s.resolved {
        Resolved::Str | Resolved::Timestamp | Resolved::Merge => s.value.clone(),
        Resolved::Bool(b) => b.to_string(),
        Resolved::Int(i) => i.to_string(),
        // sigs.k8s.io/yaml formats float keys with 32-bit precision.
        Resolved::Float(f) => crate::gofmt::format_float_g(f, true),
        Resolved::Null => {
            return Err(err(format!(
                "unsupported map key of type: <nil>, key: {:?}",
                s.value
            )))
        }
    })
}

/// The node go-yaml reads back from a JSON boolean Go printed.
pub fn json_bool_node(b: bool) -> Node {
    Node::scalar(if b { "true" } else { "false" }, Resolved::Bool(b))
}

/// The node go-yaml reads back from a JSON integer Go printed.
pub fn json_int_node(i: i128) -> Node {
    Node::scalar(i.to_string(), Resolved::Int(i))
}

/// The node go-yaml reads back from a (finite) JSON float Go printed.
pub fn json_float_node(f: f64) -> Node {
    Node::scalar(crate::gofmt::format_float_g(f, false), Resolved::Float(f))
}

/// Builds a node tree from JSON: strings, numbers, booleans and null become typed scalars,
/// objects keep their key order. Emitters decide quoting, so every scalar is plain here.
pub fn from_json(v: &Json) -> Node {
    match v {
        Json::Null => Node::null(),
        Json::Bool(b) => json_bool_node(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                json_int_node(i.into())
            } else if let Some(u) = n.as_u64() {
                json_int_node(u.into())
            } else {
                json_float_node(n.as_f64().unwrap_or(0.0))
            }
        }
        Json::String(s) => Node::string(s.clone()),
        Json::Array(a) => Node::sequence(a.iter().map(from_json).collect()),
        Json::Object(o) => Node::mapping(
            o.iter()
                .map(|(k, v)| (Node::string(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

/// kustomize prints kyaml nodes with go-yaml v3 (keeping the folded style) and reads them
/// back before it converts them to JSON. go-yaml's folded writer adds a blank line after a
/// line that is followed by a more-indented one (it checks the start of the whole value
/// instead of the current position), which the reader keeps as an extra newline.
fn folded_round_trip(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let is_break = |c: char| matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let is_blank = |c: char| c == ' ' || c == '\t';
    // The writer's check looks at the first non-break character of the value.
    let first = chars.iter().copied().find(|&c| !is_break(c));
    if first.is_none_or(is_blank) || !crate::emit::block_allowed(value, true) {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 8);
    let mut breaks = true;
    let mut leading_spaces = true;
    for (i, &c) in chars.iter().enumerate() {
        if is_break(c) {
            if !breaks && !leading_spaces && c == '\n' {
                // Extra line written here; it survives reading only when the next
                // non-break line starts with a blank.
                let mut j = i;
                while j < chars.len() && is_break(chars[j]) {
                    j += 1;
                }
                // The reader keeps it before a more-indented line, and at the end of a value
                // with keep chomping (two or more final breaks).
                let keep_end = j == chars.len() && j - i >= 2;
                if (j < chars.len() && is_blank(chars[j])) || keep_end {
                    out.push('\n');
                }
            }
            out.push(c);
            breaks = true;
        } else {
            if breaks {
                leading_spaces = is_blank(c);
            }
            out.push(c);
            breaks = false;
        }
    }
    out
}

/// Standard base64 (padding required), ignoring line breaks like Go's decoder.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    if clean.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for (n, chunk) in clean.chunks(4).enumerate() {
        let last = n + 1 == clean.len() / 4;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut acc = 0u32;
        for &c in &chunk[..4 - pad] {
            acc = (acc << 6) | val(c)?;
        }
        acc <<= 6 * pad as u32;
        let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}
