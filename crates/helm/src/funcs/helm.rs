//! Helm's own functions: include, tpl, required, fail, lookup, the YAML/JSON/TOML
//! converters and the duration helpers.

use kubeplay_gotemplate::{ArgType, Func, FuncError, SortedMap, Value};

use super::dictvalue::MutMap;
use crate::convert::{
    go_json, json_to_value, plain_yaml_list, plain_yaml_map, to_yaml, value_to_json, yaml_to_json,
};
use crate::engine::warn_wrap;

use ArgType::{Any, String as Str};

/// Converts parsed data into template values whose maps behave like Go maps.
pub fn mutable(v: Value) -> Value {
    match v {
        Value::Map(m) => MutMap::value(
            m.entries
                .iter()
                .map(|(k, x)| (k.clone(), mutable(x.clone())))
                .collect(),
        ),
        Value::List(l) => Value::list(l.items.iter().cloned().map(mutable).collect()),
        other => other,
    }
}

/// JSON data straight into template values whose maps behave like Go maps (what
/// `mutable(json_to_value(j))` gives, without the intermediate copy).
pub fn json_to_mutable(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Object(o) => MutMap::value(json_entries_to_mutable(o)),
        serde_json::Value::Array(a) => Value::list(a.iter().map(json_to_mutable).collect()),
        other => json_to_value(other),
    }
}

/// A JSON object's entries through [`json_to_mutable`], as a template map's entries (which
/// sort themselves, by their keys' first bytes as integers).
pub fn json_entries_to_mutable(o: &serde_json::Map<String, serde_json::Value>) -> SortedMap<Value> {
    entries_to_mutable(o, false)
}

/// [`json_entries_to_mutable`] of the object with its null entries removed, in it and in
/// every object reached through objects (what coalescing does to defaults nothing
/// overrides), without copying the object first.
pub fn json_entries_to_mutable_without_nulls(
    o: &serde_json::Map<String, serde_json::Value>,
) -> SortedMap<Value> {
    entries_to_mutable(o, true)
}

fn entries_to_mutable(
    o: &serde_json::Map<String, serde_json::Value>,
    without_nulls: bool,
) -> SortedMap<Value> {
    o.iter()
        .filter(|(_, v)| !(without_nulls && v.is_null()))
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::Object(m) if without_nulls => {
                    MutMap::value(entries_to_mutable(m, true))
                }
                v => json_to_mutable(v),
            };
            (k.clone(), v)
        })
        .collect()
}

/// [`json_to_mutable`] taking the data: keys and strings move instead of being copied.
pub fn json_into_mutable(j: serde_json::Value) -> Value {
    match j {
        serde_json::Value::Object(o) => MutMap::value(json_entries_into_mutable(o)),
        serde_json::Value::Array(a) => Value::list(a.into_iter().map(json_into_mutable).collect()),
        serde_json::Value::String(s) => Value::from(s),
        other => json_to_value(&other),
    }
}

/// [`json_entries_to_mutable`] taking the entries.
pub fn json_entries_into_mutable(
    o: serde_json::Map<String, serde_json::Value>,
) -> SortedMap<Value> {
    o.into_iter()
        .map(|(k, v)| (k, json_into_mutable(v)))
        .collect()
}

use super::sprig::arg_str as s;

pub fn register(fs: &mut Vec<Func>) {
    fs.push(Func::new("include", &[Str, Any], None, |ctx, a| {
        // Names are text: the lossy conversion only runs for bytes that are not.
        let name = match a[0].as_str() {
            Some(n) => std::borrow::Cow::Borrowed(n),
            None => String::from_utf8_lossy(a[0].as_bytes().unwrap_or_default()),
        };
        ctx.include(&name, &a[1])
            .map(Value::String)
            .map_err(FuncError::from)
    }));
    fs.push(Func::new("tpl", &[Str, Any], None, |ctx, a| {
        let text = s(&a[0]);
        let set_name = ctx.templates().name().to_string();
        match ctx.execute_text(&set_name, &text, &a[1]) {
            Ok(out) => Ok(Value::from(out.replace("<no value>", ""))),
            Err(e) if e.kind == kubeplay_gotemplate::ErrorKind::Limit => Err(FuncError::from(e)),
            Err(e) if e.kind == kubeplay_gotemplate::ErrorKind::Parse => {
                Err(FuncError::new(format!(
                    "cannot parse template {}: {}",
                    kubeplay_gotemplate::strconv::quote(&text),
                    e
                )))
            }
            Err(e) => Err(FuncError::new(format!(
                "error during tpl function execution for {}: {}",
                kubeplay_gotemplate::strconv::quote(&text),
                e
            ))),
        }
    }));
    fs.push(Func::new("required", &[Str, Any], None, |_, a| {
        let missing = match &a[1] {
            Value::Nil => true,
            Value::String(x) => x.is_empty(),
            _ => false,
        };
        if missing {
            return Err(FuncError::new(warn_wrap(&s(&a[0]))));
        }
        Ok(a[1].clone())
    }));
    fs.push(Func::new("fail", &[Str], None, |_, a| {
        Err(FuncError::new(warn_wrap(&s(&a[0]))))
    }));
    // `helm template` has no cluster: lookups find nothing.
    fs.push(Func::new("lookup", &[Str, Str, Str, Str], None, |_, _| {
        Ok(MutMap::value(SortedMap::new()))
    }));
    fs.push(Func::new("getHostByName", &[Str], None, |_, _| {
        Ok(Value::from(""))
    }));

    fs.push(Func::new("toYaml", &[Any], None, |_, a| {
        Ok(Value::from(match to_yaml(&a[0]) {
            Ok(y) => y.strip_suffix('\n').unwrap_or(&y).to_string(),
            Err(_) => String::new(),
        }))
    }));
    fs.push(Func::new("mustToYaml", &[Any], None, |_, a| {
        let y = to_yaml(&a[0]).map_err(FuncError::new)?;
        Ok(Value::from(y.strip_suffix('\n').unwrap_or(&y).to_string()))
    }));
    fs.push(Func::new("toYamlPretty", &[Any], None, |_, a| {
        Ok(Value::from(match to_yaml_pretty(&a[0]) {
            Ok(y) => y.strip_suffix('\n').unwrap_or(&y).to_string(),
            Err(_) => String::new(),
        }))
    }));
    fs.push(Func::new("fromYaml", &[Str], None, |_, a| {
        if let Some(m) = a[0].as_str().and_then(plain_yaml_map) {
            return Ok(MutMap::value(m));
        }
        Ok(match yaml_to_json(&s(&a[0]), "") {
            Ok(serde_json::Value::Object(m)) => MutMap::value(json_entries_into_mutable(m)),
            Ok(serde_json::Value::Null) => MutMap::value(SortedMap::new()),
            Ok(other) => error_map(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&other)
            )),
            Err(e) => error_map(format!("error converting YAML to JSON: {}", e.goyaml)),
        })
    }));
    fs.push(Func::new("fromYamlArray", &[Str], None, |_, a| {
        if let Some(items) = a[0].as_str().and_then(plain_yaml_list) {
            return Ok(Value::list(items.into_iter().map(Value::from).collect()));
        }
        Ok(match yaml_to_json(&s(&a[0]), "") {
            Ok(serde_json::Value::Array(v)) => json_to_mutable(&serde_json::Value::Array(v)),
            Ok(serde_json::Value::Null) => Value::list(vec![]),
            Ok(other) => Value::list(vec![Value::from(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&other)
            ))]),
            Err(e) => Value::list(vec![Value::from(format!(
                "error converting YAML to JSON: {}",
                e.goyaml
            ))]),
        })
    }));
    fs.push(Func::new("toJson", &[Any], None, |_, a| {
        Ok(Value::from(
            value_to_json(&a[0])
                .map(|j| go_json(&j, true, None))
                .unwrap_or_default(),
        ))
    }));
    fs.push(Func::new("mustToJson", &[Any], None, |_, a| {
        let j = value_to_json(&a[0]).map_err(FuncError::new)?;
        Ok(Value::from(go_json(&j, true, None)))
    }));
    fs.push(Func::new("fromJson", &[Str], None, |_, a| {
        Ok(match parse_json(&s(&a[0])) {
            Ok(serde_json::Value::Object(m)) => MutMap::value(json_entries_into_mutable(m)),
            Ok(other) => error_map(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&other)
            )),
            Err(e) => error_map(e),
        })
    }));
    fs.push(Func::new("fromJsonArray", &[Str], None, |_, a| {
        Ok(match parse_json(&s(&a[0])) {
            Ok(serde_json::Value::Array(v)) => json_to_mutable(&serde_json::Value::Array(v)),
            Ok(other) => Value::list(vec![Value::from(format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&other)
            ))]),
            Err(e) => Value::list(vec![Value::from(e)]),
        })
    }));
    fs.push(Func::new("toToml", &[Any], None, |_, a| {
        Ok(Value::from(
            crate::toml::to_toml(&a[0]).unwrap_or_else(|e| e),
        ))
    }));
    fs.push(Func::new("fromToml", &[Str], None, |_, a| {
        Ok(crate::toml::from_toml(&s(&a[0])))
    }));
    fs.push(Func::new("mustToToml", &[Any], None, |_, a| {
        crate::toml::to_toml(&a[0])
            .map(Value::from)
            .map_err(FuncError::new)
    }));
}

fn error_map(msg: String) -> Value {
    MutMap::value(SortedMap::from([("Error".to_string(), Value::from(msg))]))
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// `json.Unmarshal` into `interface{}`: numbers become float64.
pub fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    if let Some(e) = crate::gojson::syntax_error(text) {
        return Err(e);
    }
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(floats(v))
}

fn floats(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(J::Number)
            .unwrap_or(J::Null),
        J::Array(a) => J::Array(a.into_iter().map(floats).collect()),
        J::Object(o) => J::Object(o.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        other => other,
    }
}

/// `toYamlPretty`: go-yaml v3's encoder with indent 2 (sequences indented under keys).
fn to_yaml_pretty(v: &Value) -> Result<String, String> {
    kubeplay_yaml::emit_node(
        &crate::convert::value_to_node(v)?,
        &kubeplay_yaml::EmitOptions::helm_pretty(),
    )
    .map_err(|e| e.goyaml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_in_byte_order_of_their_keys() {
        // Keys equal in their first eight bytes, prefixes of each other, with zero bytes
        // and multi-byte characters.
        let keys = [
            "podSecurityContext",
            "podSecurity",
            "pod",
            "",
            "a",
            "a\0",
            "a\0b",
            "é",
            "z",
            "podSecurityA",
            "abcdefgh",
            "abcdefghi",
            "abcdefg",
        ];
        let o: serde_json::Map<String, serde_json::Value> = keys
            .iter()
            .map(|k| (k.to_string(), serde_json::Value::Null))
            .collect();
        let got = json_entries_to_mutable(&o);
        let mut want: Vec<&str> = keys.to_vec();
        want.sort();
        let got: Vec<&str> = got.keys().map(String::as_str).collect();
        assert_eq!(got, want);
        let taken = json_entries_into_mutable(o);
        let taken: Vec<&str> = taken.keys().map(String::as_str).collect();
        assert_eq!(taken, want);
    }

    fn plain(v: &Value) -> serde_json::Value {
        crate::convert::value_to_json(v).unwrap_or(serde_json::Value::Null)
    }

    #[test]
    fn taking_and_borrowing_convert_alike_and_nulls_go_only_along_maps() {
        let j = serde_json::json!({
            "s": "text", "n": 1.5, "i": 3, "b": true, "z": null,
            "m": {"z": null, "deep": {"z": null, "k": "v"}, "list": [null, {"z": null}]},
        });
        let serde_json::Value::Object(o) = j.clone() else {
            unreachable!()
        };
        let borrowed = json_entries_to_mutable(&o);
        let taken = json_entries_into_mutable(o.clone());
        let (borrowed, taken) = (MutMap::value(borrowed), MutMap::value(taken));
        assert_eq!(plain(&borrowed), j);
        assert_eq!(plain(&taken), j);
        let cleaned = json_entries_to_mutable_without_nulls(&o);
        assert_eq!(
            plain(&MutMap::value(cleaned)),
            serde_json::json!({
                "s": "text", "n": 1.5, "i": 3, "b": true,
                "m": {"deep": {"k": "v"}, "list": [null, {"z": null}]},
            })
        );
        // Every map is one of ours, changeable in place.
        let taken = MutMap::of(&taken).and_then(|m| m.get("m"));
        assert!(taken.as_ref().and_then(MutMap::of).is_some());
    }
}
