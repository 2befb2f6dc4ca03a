//! Lenient field access for the built-in checks.
//!
//! The Go checks convert the object into typed structs, where an absent field reads as its
//! zero value. These helpers give the same reading (absent or wrong type = zero/None), so no
//! input can make a check panic.

use serde_json::Value;

/// The value at `path` (object keys), if every step exists.
pub(crate) fn at<'a>(obj: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(obj, |v, key| v.get(*key))
}

pub(crate) fn str_at<'a>(obj: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(obj, path).and_then(Value::as_str)
}

/// A string field, empty when absent (Go's zero value).
pub(crate) fn string(obj: &Value, path: &[&str]) -> String {
    str_at(obj, path).unwrap_or("").to_string()
}

/// An integer field; floats with an integral value count, as in Go's converter.
pub(crate) fn int_at(obj: &Value, path: &[&str]) -> Option<i64> {
    let v = at(obj, path)?;
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// An integer field, 0 when absent (Go's zero value).
pub(crate) fn int(obj: &Value, path: &[&str]) -> i64 {
    int_at(obj, path).unwrap_or(0)
}

pub(crate) fn bool_at(obj: &Value, path: &[&str]) -> bool {
    at(obj, path).and_then(Value::as_bool).unwrap_or(false)
}

/// The elements of an array field (none when absent or not an array).
pub(crate) fn items<'a>(obj: &'a Value, path: &[&str]) -> &'a [Value] {
    at(obj, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `status.conditions`.
pub(crate) fn conditions(obj: &Value) -> &[Value] {
    items(obj, &["status", "conditions"])
}

/// The first condition of a type.
pub(crate) fn condition<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    conditions(obj)
        .iter()
        .find(|c| str_at(c, &["type"]) == Some(kind))
}

/// Group and version from `apiVersion` ("v1" is the core group, written as "").
pub(crate) fn group_version(obj: &Value) -> (&str, &str) {
    let api_version = str_at(obj, &["apiVersion"]).unwrap_or("");
    match api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

/// True when the object's apiVersion is one of `versions` ("apps/v1", "v1", ...).
pub(crate) fn api_version_is(obj: &Value, versions: &[&str]) -> bool {
    let api_version = str_at(obj, &["apiVersion"]).unwrap_or("");
    versions.contains(&api_version)
}

/// Go's `%q` for the plain strings Kubernetes names are made of.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
