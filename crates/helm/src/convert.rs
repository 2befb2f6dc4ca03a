//! Conversions between the template engine's values and JSON, and Go's `encoding/json`
//! output, which `toJson` prints and `toYaml` goes through (sigs.k8s.io/yaml).

use std::sync::Arc;

use kubeplay_gotemplate::{ElemType, Map, SortedMap, Value};
use serde_json::Value as Json;

/// JSON (as Helm holds values: `float64` numbers from YAML and JSON, `int64` from `--set`)
/// to a template value.
pub fn json_to_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int64(i)
            } else if let Some(u) = n.as_u64() {
                Value::Uint64(u)
            } else {
                Value::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(a) => Value::list(a.iter().map(json_to_value).collect()),
        Json::Object(o) => Value::from(json_entries(o)),
    }
}

/// A JSON object's entries through [`json_to_value`].
fn json_entries(o: &serde_json::Map<String, Json>) -> SortedMap<Value> {
    o.iter()
        .map(|(k, v)| (k.clone(), json_to_value(v)))
        .collect()
}

/// A map value of Helm's named `common.Values` type.
pub fn values_map(j: &serde_json::Map<String, Json>) -> Value {
    Value::Map(Arc::new(Map {
        entries: json_entries(j),
        elem: ElemType::Any,
        type_name: Some(Arc::from("common.Values")),
    }))
}

/// A template value to JSON, as `json.Marshal` sees it. Host objects are turned into their
/// data or, for plain structs, into the fields Helm's JSON tags name.
pub fn value_to_json(v: &Value) -> Result<Json, String> {
    marshal(v, 0)
}

/// What a walk over a template value builds, as Go's `json.Marshal` sees the value: JSON
/// (`toJson`), or the YAML node sigs.k8s.io/yaml reads that JSON back into (`toYaml`), built
/// directly instead of through a JSON tree.
trait Marshaled: Sized {
    fn null() -> Self;
    fn bool(b: bool) -> Self;
    fn int(i: i64) -> Self;
    fn uint(u: u64) -> Self;
    /// A finite float.
    fn float(f: f64) -> Self;
    fn string(s: String) -> Self;
    fn list(items: Vec<Self>) -> Self;
    fn object(entries: Vec<(String, Self)>) -> Self;
}

impl Marshaled for Json {
    fn null() -> Self {
        Json::Null
    }
    fn bool(b: bool) -> Self {
        Json::Bool(b)
    }
    fn int(i: i64) -> Self {
        Json::from(i)
    }
    fn uint(u: u64) -> Self {
        Json::from(u)
    }
    fn float(f: f64) -> Self {
        serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
    }
    fn string(s: String) -> Self {
        Json::String(s)
    }
    fn list(items: Vec<Self>) -> Self {
        Json::Array(items)
    }
    fn object(entries: Vec<(String, Self)>) -> Self {
        Json::Object(entries.into_iter().collect())
    }
}

/// The node `kubeplay_yaml::from_json` makes of the same JSON (numbers as go-yaml v2 reads
/// Go's JSON numbers back).
impl Marshaled for kubeplay_yaml::Node {
    fn null() -> Self {
        Self::null()
    }
    fn bool(b: bool) -> Self {
        kubeplay_yaml::json_bool_node(b)
    }
    fn int(i: i64) -> Self {
        kubeplay_yaml::json_int_node(i.into())
    }
    fn uint(u: u64) -> Self {
        kubeplay_yaml::json_int_node(u.into())
    }
    fn float(f: f64) -> Self {
        kubeplay_yaml::json_float_node(f)
    }
    fn string(s: String) -> Self {
        Self::string(s)
    }
    fn list(items: Vec<Self>) -> Self {
        Self::sequence(items)
    }
    fn object(entries: Vec<(String, Self)>) -> Self {
        Self::mapping(
            entries
                .into_iter()
                .map(|(k, v)| (Self::string(k), v))
                .collect(),
        )
    }
}

/// The YAML node `toYaml` prints for a value (what sigs.k8s.io/yaml reads back from Go's JSON).
pub fn value_to_node(v: &Value) -> Result<kubeplay_yaml::Node, String> {
    marshal(v, 0)
}

fn marshal<M: Marshaled>(v: &Value, depth: usize) -> Result<M, String> {
    if depth > 10_000 {
        return Err("json: unsupported value: encountered a cycle".into());
    }
    Ok(match v {
        Value::Nil => M::null(),
        Value::Bool(b) => M::bool(*b),
        Value::Int(i) | Value::Int64(i) => M::int(*i),
        Value::Uint64(u) => M::uint(*u),
        Value::Byte(b) => M::int(i64::from(*b)),
        Value::Float(f) if f.is_finite() => M::float(*f),
        Value::Float(_) => {
            return Err(format!(
                "json: unsupported value: {}",
                kubeplay_gotemplate::fmt::sprint(std::slice::from_ref(v))
            ))
        }
        Value::String(s) => M::string(s.to_str_lossy().into_owned()),
        Value::List(l) => M::list(
            l.items
                .iter()
                .map(|x| marshal(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => M::object(
            m.entries
                .iter()
                .map(|(k, x)| Ok((k.clone(), marshal(x, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::Object(o) => {
            if o.is_nil() {
                M::null()
            } else if let Some(inner) = o.value() {
                marshal(&inner, depth + 1)?
            } else if let Some(text) = marshaled_text(o.as_ref()) {
                M::string(text)
            } else {
                let mut out = Vec::new();
                for (json_name, field) in object_fields(&o.type_name()) {
                    if let Some(x) = o.field(field) {
                        out.push((json_name.to_string(), marshal(&x, depth + 1)?));
                    }
                }
                M::object(out)
            }
        }
        _ => return Err(format!("json: unsupported type: {}", v.type_name())),
    })
}

/// The string a host type with a Go `MarshalJSON` method marshals to.
fn marshaled_text(o: &dyn kubeplay_gotemplate::Object) -> Option<String> {
    match o.type_name().as_str() {
        // Masterminds/semver marshals `v.String()`, what printing the version shows (a
        // pointer or the value its `Inc...` methods return).
        "*semver.Version" | "semver.Version" => Some(o.format()),
        // RFC 3339 with the nanoseconds that are not zero.
        "time.Time" => {
            let t = o
                .as_any()?
                .downcast_ref::<crate::funcs::sprig::date::Time>()?;
            Some(t.format("2006-01-02T15:04:05.999999999Z07:00"))
        }
        _ => None,
    }
}

/// JSON names and Go field names of the host structs Helm exposes, in declaration order.
fn object_fields(type_name: &str) -> &'static [(&'static str, &'static str)] {
    match type_name {
        "*common.Capabilities" => &[
            ("KubeVersion", "KubeVersion"),
            ("APIVersions", "APIVersions"),
            ("HelmVersion", "HelmVersion"),
        ],
        "common.KubeVersion" => &[
            ("Version", "Version"),
            ("Major", "Major"),
            ("Minor", "Minor"),
        ],
        // Sprig's `certificate` has no JSON tags: the fields go by their Go names.
        "sprig.certificate" => &[("Cert", "Cert"), ("Key", "Key")],
        "version.BuildInfo" => &[
            ("version", "Version"),
            ("go_version", "GoVersion"),
            ("kube_client_version", "KubeClientVersion"),
        ],
        _ => &[],
    }
}

/// Go's `json.Marshal` (`escape_html`) or an `Encoder` with `SetEscapeHTML(false)`; with
/// `indent`, `json.MarshalIndent(v, "", indent)`.
pub fn go_json(v: &Json, escape_html: bool, indent: Option<&str>) -> String {
    let mut out = String::new();
    write_json(&mut out, v, escape_html, indent, 0);
    out
}

fn write_json(out: &mut String, v: &Json, esc: bool, indent: Option<&str>, level: usize) {
    let newline = |out: &mut String, level: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..level {
                out.push_str(ind);
            }
        }
    };
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string())
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string())
            } else {
                out.push_str(&kubeplay_yaml::gofmt::go_json_float(
                    n.as_f64().unwrap_or(0.0),
                ))
            }
        }
        Json::String(s) => write_json_string(out, s, esc),
        Json::Array(a) => {
            if a.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_json(out, x, esc, indent, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        Json::Object(o) => {
            if o.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_json_string(out, k, esc);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, &o[k.as_str()], esc, indent, level + 1);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

/// Go's JSON string encoding.
pub fn write_json_string(out: &mut String, s: &str, esc: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if esc => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses YAML the way sigs.k8s.io/yaml `Unmarshal` does for Helm (go-yaml v2 resolution,
/// JSON conversion, numbers as `float64`).
pub fn yaml_to_json(src: &str, file: &str) -> Result<Json, kubeplay_yaml::Error> {
    let opts = kubeplay_yaml::ParseOptions::helm_values();
    let docs = kubeplay_yaml::parse_documents_with(src, file, &opts)?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Json::Null);
    };
    kubeplay_yaml::to_json_with(
        &doc,
        &kubeplay_yaml::JsonOptions {
            flavor: kubeplay_yaml::JsonFlavor::SigsYaml,
            numbers_as_f64: true,
        },
    )
}

/// Helm's `toYaml` of a value: sigs.k8s.io/yaml `Marshal` (JSON first, then go-yaml v2).
pub fn to_yaml(v: &Value) -> Result<String, String> {
    if let Some(y) = scalar_yaml(v).or_else(|| plain_block_yaml(v)) {
        return Ok(y);
    }
    kubeplay_yaml::emit_node(&value_to_node(v)?, &kubeplay_yaml::EmitOptions::sigs_yaml())
        .map_err(|e| e.goyaml)
}

/// Whether go-yaml v2 writes `s` as a plain scalar that reads back as the same string:
/// ASCII letters, digits and `-_./`, not starting with `-` (an indicator), and resolving to
/// a string (not `yes`, `1.5`, `0x1F`, `.inf`...). Paths such as probes' `/healthz` are. Such strings need neither the emitter nor the
/// parser (charts print and read back label maps made of them all the time).
fn plain_text(s: &str) -> bool {
    let b = s.as_bytes();
    b.first()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'.' | b'_'))
        && b.iter().all(|c| PLAIN_BYTE[*c as usize])
        && kubeplay_yaml::resolve::resolve_plain(s, kubeplay_yaml::Schema::GoYamlV2)
            == kubeplay_yaml::Resolved::Str
}

/// The bytes [`plain_text`] accepts: ASCII letters, digits and `-_./`.
static PLAIN_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/');
        c += 1;
    }
    t
};

/// Longest key written by the block-map fast path (go-yaml v2 turns keys longer than 128
/// bytes into `? key` entries, which only the emitter writes).
const MAX_PLAIN_KEY: usize = 100;

/// `toYaml` of a non-empty map whose keys are plain text and whose values are plain
/// scalars (see [`plain_scalar`]), lists of them or such maps, or of a non-empty list of
/// plain scalars: the emitter's block style, written directly. `None` for anything else.
fn plain_block_yaml(v: &Value) -> Option<String> {
    let mut out = String::new();
    match v {
        Value::List(l) => plain_list_into(&l.items, 0, &mut out)?,
        _ => plain_map_into(v, 0, 0, &mut out)?,
    }
    Some(out)
}

/// A scalar as go-yaml v2 writes it after Go's JSON round trip, if it needs no quoting:
/// null, booleans, integers, whole floats well inside the exact range (Go's JSON writes
/// them as integers, which go-yaml reads back as ints) and plain text.
fn plain_scalar(x: &Value) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    Some(match x {
        Value::Nil => Cow::Borrowed("null"),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => Cow::Owned(i.to_string()),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Cow::Owned((*f as i64).to_string())
        }
        Value::String(s) => Cow::Borrowed(s.as_str().filter(|s| plain_text(s))?),
        _ => return None,
    })
}

/// Block sequence entries (`- x`) at `indent` (go-yaml v2 does not indent a sequence
/// under a mapping key).
fn plain_list_into(items: &[Value], indent: usize, out: &mut String) -> Option<()> {
    if items.is_empty() {
        return None;
    }
    for x in items {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str("- ");
        out.push_str(&plain_scalar(x)?);
        out.push('\n');
    }
    Some(())
}

fn plain_map_into(v: &Value, indent: usize, depth: usize, out: &mut String) -> Option<()> {
    if depth > 32 {
        return None;
    }
    let data;
    let m = match v {
        Value::Map(m) => m,
        Value::Object(o) if !o.is_nil() => {
            data = o.value()?;
            match &data {
                Value::Map(m) => m,
                _ => return None,
            }
        }
        _ => return None,
    };
    if m.entries.is_empty() {
        return None;
    }
    let entries: Vec<(&String, &Value)> = m.entries.iter().collect();
    // go-yaml's key order is not the map's byte order (`a9` before `a10`, `_x` before `Z`).
    for i in kubeplay_yaml::go_yaml_v2_key_order(entries.iter().map(|(k, _)| k.as_str())) {
        let (k, x) = entries[i];
        if k.len() > MAX_PLAIN_KEY || !plain_text(k) {
            return None;
        }
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str(k);
        out.push(':');
        match x {
            Value::Map(_) | Value::Object(_) | Value::List(_) => match scalar_yaml(x).as_deref() {
                Some("{}\n") => out.push_str(" {}\n"),
                Some("[]\n") => out.push_str(" []\n"),
                Some(_) => return None,
                None => {
                    out.push('\n');
                    match x {
                        Value::List(l) => plain_list_into(&l.items, indent, out)?,
                        _ => plain_map_into(x, indent + 2, depth + 1, out)?,
                    }
                }
            },
            _ => {
                out.push(' ');
                out.push_str(&plain_scalar(x)?);
                out.push('\n');
            }
        }
    }
    Some(())
}

/// `fromYaml` of text that is exactly `key: value` lines of plain text (what
/// [`plain_block_yaml`] writes for a flat map of strings) or `{}`, maybe between blank
/// lines, as the map of strings the parser would give; `None` for anything else, left to
/// the parser.
pub fn plain_yaml_map(src: &str) -> Option<SortedMap<Value>> {
    // Blank lines around a document change nothing (includes often start with one).
    let body = src.trim_matches('\n');
    // What `toYaml` prints for an empty map, read back on every merge of empty values.
    if body == "{}" {
        return Some(SortedMap::new());
    }
    if body.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    for line in body.split('\n') {
        let (k, v) = line.split_once(": ")?;
        if k.len() > MAX_PLAIN_KEY || !plain_text(k) || !plain_text(v) {
            return None;
        }
        lines.push((k.to_string(), Value::from(v)));
    }
    let n = lines.len();
    let out: SortedMap<Value> = lines.into_iter().collect();
    // A repeated key is an error for go-yaml: the parser reports it.
    (out.len() == n).then_some(out)
}

/// `fromYamlArray` of text that is exactly `- value` lines of plain text (what
/// [`plain_block_yaml`] writes for a list of such strings), maybe between blank lines, as
/// the strings the parser would give; `None` for anything else, left to the parser.
pub fn plain_yaml_list(src: &str) -> Option<Vec<String>> {
    let body = src.trim_matches('\n');
    if body.is_empty() {
        return None;
    }
    body.split('\n')
        .map(|line| {
            let item = line.strip_prefix("- ")?;
            plain_text(item).then(|| item.to_string())
        })
        .collect()
}

/// `toYaml` of the values that need no emitter: null, booleans, empty maps and lists, and
/// identifier-like strings that go-yaml v2 writes plain (charts call `toYaml` on such
/// values all the time, e.g. Bitnami's `common.tplvalues.render` on every value it gets).
fn scalar_yaml(v: &Value) -> Option<String> {
    match v {
        Value::Nil => Some("null\n".into()),
        Value::Bool(b) => Some(format!("{b}\n")),
        Value::String(s) => {
            let s = s.as_str()?;
            plain_text(s).then(|| format!("{s}\n"))
        }
        Value::List(l) if l.items.is_empty() => Some("[]\n".into()),
        Value::Map(m) if m.entries.is_empty() => Some("{}\n".into()),
        Value::Object(o) if !o.is_nil() => match o.value()? {
            Value::Map(m) if m.entries.is_empty() => Some("{}\n".into()),
            Value::List(l) if l.items.is_empty() => Some("[]\n".into()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path must print what the emitter prints, and leave to it what it cannot.
    #[test]
    fn scalar_fast_path_matches_the_emitter() {
        let cases = [
            Value::Nil,
            Value::Bool(true),
            Value::Bool(false),
            Value::from("nginx"),
            Value::from("docker.io/bitnami/nginx"),
            Value::from("a-b_c.d"),
            Value::from("yes"),
            Value::from("No"),
            Value::from("on"),
            Value::from("y"),
            Value::from("null"),
            Value::from("True"),
            Value::from("e10"),
            Value::from("1abc"),
            Value::from("x: y"),
            Value::from(""),
            Value::from("/"),
            Value::from("/healthz"),
            Value::from("."),
            Value::from(".."),
            Value::from("./x"),
            Value::from("._x"),
            Value::from("_"),
            Value::from("_x"),
            Value::from("/a.b/c_d-e"),
            Value::from(".5"),
            Value::from(".inf"),
            Value::from(".NaN"),
            Value::from("-"),
            Value::from("-x"),
            Value::list(vec![]),
            Value::map(Vec::<(String, Value)>::new()),
            crate::funcs::MutMap::value(SortedMap::new()),
        ];
        for v in cases {
            let slow = kubeplay_yaml::emit_json(
                &value_to_json(&v).unwrap(),
                &kubeplay_yaml::EmitOptions::sigs_yaml(),
            )
            .unwrap();
            assert_eq!(to_yaml(&v).unwrap(), slow, "{v:?}");
        }
        assert!(scalar_yaml(&Value::from("yes")).is_none());
        assert!(scalar_yaml(&Value::from("x: y")).is_none());
        assert_eq!(
            scalar_yaml(&Value::from("nginx")).as_deref(),
            Some("nginx\n")
        );
    }

    /// Label-like maps are written without the emitter; what the fast path writes must be
    /// what the emitter writes, and it must step aside for anything it cannot write.
    #[test]
    fn plain_map_fast_path_matches_the_emitter() {
        let s = Value::from;
        let labels = |pairs: &[(&str, Value)]| {
            Value::map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())))
        };
        let long_key = "k".repeat(MAX_PLAIN_KEY + 1);
        let cases = [
            labels(&[
                ("app.kubernetes.io/name", s("nginx")),
                ("app.kubernetes.io/version", s("1.27.2")),
                ("helm.sh/chart", s("nginx-18.1.0")),
                ("app.kubernetes.io/managed-by", s("Helm")),
            ]),
            labels(&[("a", s("yes")), ("b", s("c"))]),
            labels(&[("a", s("1.5")), ("b", s("0x1F")), ("c", s("1e3"))]),
            labels(&[("a", s("0755")), ("b", s("1_000")), ("c", s("12"))]),
            labels(&[("a", s("x y")), ("b", s(""))]),
            labels(&[("yes", s("a"))]),
            labels(&[("1", s("a")), ("x", s("-a"))]),
            labels(&[("/k", s("/")), (".k", s("./x")), ("_k", s("_"))]),
            labels(&[(
                "httpGet",
                labels(&[("path", s("/healthz")), ("port", s("http"))]),
            )]),
            labels(&[(long_key.as_str(), s("a"))]),
            labels(&[
                ("none", Value::Nil),
                ("truth", Value::Bool(true)),
                ("lie", Value::Bool(false)),
            ]),
            labels(&[("n", s("v"))]),
            labels(&[("i", Value::Int(-4)), ("j", Value::Int64(i64::MAX))]),
            labels(&[
                ("whole", Value::Float(3.0)),
                ("zero", Value::Float(-0.0)),
                ("edge", Value::Float(8.9e15)),
            ]),
            labels(&[("half", Value::Float(2.5))]),
            labels(&[("big", Value::Float(1e20))]),
            labels(&[
                (
                    "outer",
                    labels(&[("inner", s("v")), ("deeper", labels(&[("x", s("y"))]))]),
                ),
                ("empty", labels(&[])),
                ("list", Value::list(vec![s("a")])),
            ]),
            labels(&[("outer", labels(&[("inner", s("v"))])), ("z", s("w"))]),
            labels(&[
                (
                    "args",
                    Value::list(vec![s("a"), Value::Int(1), Value::Bool(true)]),
                ),
                (
                    "in",
                    labels(&[("deep", Value::list(vec![s("x/y"), Value::Nil]))]),
                ),
                ("none", Value::list(vec![])),
            ]),
            labels(&[("args", Value::list(vec![s("--flag=x")]))]),
            labels(&[("args", Value::list(vec![labels(&[("a", s("b"))])]))]),
            Value::list(vec![s("configmaps"), s("cronjobs"), s("v1.2")]),
            Value::list(vec![s("yes")]),
            Value::list(vec![Value::list(vec![s("a")])]),
            crate::funcs::helm::mutable(labels(&[
                ("m", labels(&[("k", s("v"))])),
                ("e", crate::funcs::MutMap::value(SortedMap::new())),
            ])),
        ];
        let mut fast = 0;
        for v in &cases {
            let slow = kubeplay_yaml::emit_json(
                &value_to_json(v).unwrap(),
                &kubeplay_yaml::EmitOptions::sigs_yaml(),
            )
            .unwrap();
            if let Some(y) = plain_block_yaml(v) {
                fast += 1;
                assert_eq!(y, slow, "{v:?}");
            }
            assert_eq!(to_yaml(v).unwrap(), slow, "{v:?}");
        }
        assert_eq!(fast, 10, "cases the fast path took");
        assert!(plain_block_yaml(&cases[1]).is_none());
        assert!(plain_block_yaml(&cases[9]).is_none());
    }

    /// Random maps and lists of the shapes the fast path takes (and some it must refuse):
    /// whatever it writes is what the emitter writes, and what it reads back from that is
    /// what the parser reads.
    #[test]
    fn fast_paths_agree_with_emitter_and_parser_on_random_values() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let words = [
            "a", "a9", "a10", "A", "Z", "_x", "x_1", "x-1", "x.1", "1x", "b/c", "yes", "n", "True",
            "0x1F", "1e3", "007", "12", "1_0", "y", "on", "null", "~", "x y", "",
        ];
        fn value(next: &mut dyn FnMut(u64) -> u64, words: &[&str], depth: u32) -> Value {
            let word = |next: &mut dyn FnMut(u64) -> u64| words[next(words.len() as u64) as usize];
            match next(if depth == 0 { 5 } else { 8 }) {
                0 => Value::Nil,
                1 => Value::Bool(next(2) == 0),
                2 => Value::Int(next(2000) as i64 - 1000),
                3 => Value::Float(next(40) as f64 / 4.0),
                4 => Value::from(word(next)),
                5 | 6 => Value::map(
                    (0..next(5)).map(|_| (word(next).to_string(), value(next, words, depth - 1))),
                ),
                _ => Value::list((0..next(4)).map(|_| value(next, words, 0)).collect()),
            }
        }
        let mut fast = 0;
        for _ in 0..20_000 {
            let v = value(&mut next, &words, 3);
            let Some(y) = plain_block_yaml(&v) else {
                continue;
            };
            fast += 1;
            let slow = kubeplay_yaml::emit_json(
                &value_to_json(&v).unwrap(),
                &kubeplay_yaml::EmitOptions::sigs_yaml(),
            )
            .unwrap();
            assert_eq!(y, slow, "{v:?}");
            let parsed = yaml_to_json(&y, "t").unwrap();
            if let Some(map) = plain_yaml_map(&y) {
                let map: serde_json::Map<String, Json> = map
                    .into_iter()
                    .map(|(k, v)| (k, value_to_json(&v).unwrap()))
                    .collect();
                assert_eq!(Json::Object(map), parsed, "{y}");
            }
            if let Some(list) = plain_yaml_list(&y) {
                let list = list.into_iter().map(Json::String).collect();
                assert_eq!(Json::Array(list), parsed, "{y}");
            }
        }
        assert!(fast > 1000, "the fast path took {fast} of 20000");
    }

    /// `fromYaml` of `key: value` lines skips the parser only where the parser would give
    /// the same string map.
    #[test]
    fn plain_yaml_map_matches_the_parser() {
        let texts = [
            "app.kubernetes.io/name: nginx\nhelm.sh/chart: nginx-18.1.0\n",
            "a: b",
            "version: 1.27.2\n",
            "a: yes\n",
            "a: 1\n",
            "a: b\na: c\n",
            "a: b # c\n",
            "a:  b\n",
            " a: b\n",
            "a: b\n\n",
            "a: b\r\n",
            "---\na: b\n",
            "a: {}\n",
            "a: [b]\n",
            "a:b\n",
            "",
            "\n",
            "x/y: z/w\n",
            "\n\nx: y\n\n",
            "{}",
            "\n{}\n",
            "{ }",
            "{}\n{}",
            "\r\nx: y",
        ];
        let mut fast = 0;
        for t in texts {
            let Some(m) = plain_yaml_map(t) else { continue };
            fast += 1;
            let want = yaml_to_json(t, "").unwrap();
            let got = Json::Object(
                m.into_iter()
                    .map(|(k, v)| (k, value_to_json(&v).unwrap()))
                    .collect(),
            );
            assert_eq!(got, want, "{t:?}");
        }
        assert_eq!(fast, 7);
    }

    /// `fromYamlArray` of `- value` lines skips the parser only where the parser would give
    /// the same strings.
    #[test]
    fn plain_yaml_list_matches_the_parser() {
        let texts = [
            "- configmaps\n- cronjobs\n",
            "\n- a\n- b",
            "- a",
            "- yes\n",
            "- 1\n",
            "-  a\n",
            "- a\n  - b\n",
            "- a: b\n",
            "-a\n",
            "",
            "- x/y.z\n- x/y.z\n",
            "\n- configmaps\n- cronjobs",
            "\n\n- a\n\n",
            "- a\n\n- b\n",
        ];
        let mut fast = 0;
        for t in texts {
            let Some(items) = plain_yaml_list(t) else {
                continue;
            };
            fast += 1;
            let want = yaml_to_json(t, "").unwrap();
            let got = Json::Array(items.into_iter().map(Json::String).collect());
            assert_eq!(got, want, "{t:?}");
        }
        assert_eq!(fast, 6);
    }

    /// `toYaml` builds the YAML node straight from the value; it must be the node the JSON
    /// round trip (Go's `json.Marshal`, then go-yaml reading it) gives, number types included.
    #[test]
    fn direct_yaml_node_is_the_json_round_trip() {
        let nested = Value::map([
            ("int", Value::Int(-3)),
            ("int64", Value::Int64(i64::MIN)),
            ("uint", Value::Uint64(u64::MAX)),
            ("byte", Value::Byte(7)),
            ("whole float", Value::Float(3.0)),
            ("float", Value::Float(0.000015)),
            ("big float", Value::Float(1e21)),
            ("text", Value::from("multi\nline: text\u{85}é")),
            ("empty", Value::from("")),
            ("yes", Value::from("yes")),
            ("nil", Value::Nil),
            (
                "list",
                Value::list(vec![Value::Bool(true), Value::list(vec![])]),
            ),
        ]);
        let mutable = crate::funcs::helm::mutable(Value::map([("m", nested.clone())]));
        for v in [
            nested,
            mutable,
            Value::list(vec![Value::Float(2.5), Value::from("a")]),
        ] {
            let via_json = kubeplay_yaml::emit_json(
                &value_to_json(&v).unwrap(),
                &kubeplay_yaml::EmitOptions::sigs_yaml(),
            )
            .unwrap();
            assert_eq!(to_yaml(&v).unwrap(), via_json, "{v:?}");
            assert_eq!(
                value_to_node(&v).unwrap(),
                kubeplay_yaml::from_json(&value_to_json(&v).unwrap())
            );
        }
        let err = to_yaml(&Value::Float(f64::NAN)).unwrap_err();
        assert_eq!(err, value_to_json(&Value::Float(f64::NAN)).unwrap_err());
    }
}
