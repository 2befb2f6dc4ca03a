//! `toToml`: BurntSushi/toml's encoder for maps (simple keys first, then tables, keys
//! sorted); `fromToml` through the toml crate's parser.

use kubeplay_gotemplate::Value;

use crate::convert::value_to_json;
use serde_json::Value as Json;

/// Encodes a value the way Helm's `toToml` does; an error text for what TOML cannot hold.
pub fn to_toml(v: &Value) -> Result<String, String> {
    let j = value_to_json(v)?;
    let Json::Object(m) = j else {
        return Err("toml: top-level values must be Go maps or structs".into());
    };
    let mut out = String::new();
    write_table(&mut out, &m, &[])?;
    Ok(out)
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn scalar(v: &Json) -> Result<String, String> {
    Ok(match v {
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() < 1e16 {
                    format!("{f:.1}")
                } else {
                    kubeplay_yaml::gofmt::format_float_g(f, false)
                }
            }
        }
        Json::String(s) => quote(s),
        Json::Array(a) => {
            let items: Vec<String> = a.iter().map(scalar).collect::<Result<_, _>>()?;
            format!("[{}]", items.join(", "))
        }
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .iter()
                .map(|k| Ok(format!("{} = {}", key(k), scalar(&m[k.as_str()])?)))
                .collect::<Result<_, String>>()?;
            format!("{{{}}}", items.join(", "))
        }
        Json::Null => return Err("toml: cannot encode a nil value".into()),
    })
}

fn is_table_array(v: &Json) -> bool {
    matches!(v, Json::Array(a) if !a.is_empty() && a.iter().all(|x| x.is_object()))
}

fn write_table(
    out: &mut String,
    m: &serde_json::Map<String, Json>,
    path: &[String],
) -> Result<(), String> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    let indent = "  ".repeat(path.len());
    for k in &keys {
        let v = &m[k.as_str()];
        if v.is_null() || v.is_object() || is_table_array(v) {
            continue;
        }
        out.push_str(&format!("{indent}{} = {}\n", key(k), scalar(v)?));
    }
    for k in &keys {
        let v = &m[k.as_str()];
        let mut p = path.to_vec();
        p.push(key(k));
        match v {
            Json::Object(sub) => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("{}[{}]\n", "  ".repeat(path.len()), p.join(".")));
                write_table(out, sub, &p)?;
            }
            v if is_table_array(v) => {
                for item in v.as_array().into_iter().flatten() {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(&format!("{}[[{}]]\n", "  ".repeat(path.len()), p.join(".")));
                    if let Json::Object(sub) = item {
                        write_table(out, sub, &p)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `fromToml`: a map, or `{"Error": message}` when the text is not TOML.
pub fn from_toml(text: &str) -> Value {
    match text.parse::<::toml::Table>() {
        Ok(t) => toml_value(&::toml::Value::Table(t)),
        Err(e) => {
            let mut m = std::collections::BTreeMap::new();
            m.insert(
                "Error".to_string(),
                Value::from(format!("toml: {}", e.message())),
            );
            crate::funcs::MutMap::value(m.into())
        }
    }
}

fn toml_value(v: &::toml::Value) -> Value {
    match v {
        ::toml::Value::String(s) => Value::from(s.as_str()),
        ::toml::Value::Integer(i) => Value::Int64(*i),
        ::toml::Value::Float(f) => Value::Float(*f),
        ::toml::Value::Boolean(b) => Value::Bool(*b),
        ::toml::Value::Datetime(d) => Value::from(d.to_string()),
        ::toml::Value::Array(a) => Value::list(a.iter().map(toml_value).collect()),
        ::toml::Value::Table(t) => {
            crate::funcs::MutMap::value(t.iter().map(|(k, v)| (k.clone(), toml_value(v))).collect())
        }
    }
}
