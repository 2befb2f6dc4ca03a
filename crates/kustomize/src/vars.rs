//! `vars`: `$(NAME)` in the fields the varReference table lists is replaced by the value of
//! the field the var names.

use serde_json::Value as Json;

use crate::accumulator::Accumulator;
use crate::err;
use crate::error::Result;
use crate::fieldspec::{self, CreateKind};
use crate::transformers::replacements::{lookup, split_path};

/// `spec.containers[0].image` and `spec.containers.0.image` both work.
fn var_path(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in split_path(p) {
        if let Some((field, rest)) = seg.split_once('[') {
            if let Some(idx) = rest.strip_suffix(']') {
                if idx.parse::<usize>().is_ok() {
                    if !field.is_empty() {
                        out.push(field.to_string());
                    }
                    out.push(idx.to_string());
                    continue;
                }
            }
        }
        out.push(seg);
    }
    out
}

pub fn resolve_vars(ra: &mut Accumulator) -> Result<()> {
    let mut values: Vec<(String, Json)> = Vec::new();
    for v in &ra.vars {
        let holder = ra
            .resmap
            .list
            .iter()
            .find(|r| r.ref_var_names.contains(&v.name))
            .ok_or_else(|| {
                err!(
                    "var '{}' cannot be mapped to a field in the set of known resources",
                    v.name
                )
            })?;
        let value = lookup(&holder.obj, &var_path(&v.field_path))
            .cloned()
            .ok_or_else(|| {
                err!(
                    "field specified in var '{}' not found in corresponding resource",
                    v.name
                )
            })?;
        values.push((v.name.clone(), value));
    }
    if values.is_empty() {
        return Ok(());
    }
    let specs = ra.config.var_reference.clone();
    for r in &mut ra.resmap.list {
        for fs in &specs {
            fieldspec::apply(r, fs, CreateKind::None, &mut |node| {
                replace_in(node, &values);
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn replace_in(node: &mut Json, values: &[(String, Json)]) {
    match node {
        Json::String(s) => {
            if let Some(v) = whole_var(s, values) {
                *node = v;
            } else {
                *s = expand(s, values);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| {
            if i.is_string() {
                replace_in(i, values)
            }
        }),
        Json::Object(m) => m.values_mut().for_each(|i| {
            if i.is_string() {
                replace_in(i, values)
            }
        }),
        _ => {}
    }
}

/// A field that is exactly `$(NAME)` takes the value with its type.
fn whole_var(s: &str, values: &[(String, Json)]) -> Option<Json> {
    let name = s.strip_prefix("$(")?.strip_suffix(')')?;
    let (_, v) = values.iter().find(|(n, _)| n == name)?;
    match v {
        Json::String(_) | Json::Object(_) | Json::Array(_) => None,
        other => Some(other.clone()),
    }
}

fn text_of(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Kubernetes' `$(VAR)` expansion: `$$` is a literal `$`; unknown names stay as written.
pub fn expand(s: &str, values: &[(String, Json)]) -> String {
    let bytes = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && i + 1 < bytes.len() {
            match bytes[i + 1] {
                b'$' => {
                    out.push('$');
                    i += 2;
                    continue;
                }
                b'(' => {
                    if let Some(end) = s[i + 2..].find(')') {
                        let name = &s[i + 2..i + 2 + end];
                        match values.iter().find(|(n, _)| n == name) {
                            Some((_, v)) => out.push_str(&text_of(v)),
                            None => out.push_str(&s[i..i + 3 + end]),
                        }
                        i += 3 + end;
                        continue;
                    }
                }
                _ => {}
            }
        }
        let ch = s[i..].chars().next().unwrap_or('\0');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expands() {
        let vals = vec![("A".to_string(), json!("x")), ("N".to_string(), json!(3))];
        assert_eq!(expand("pre-$(A)-$(B)-$$(A)", &vals), "pre-x-$(B)-$(A)");
        let mut v = json!("$(N)");
        replace_in(&mut v, &vals);
        assert_eq!(v, json!(3));
    }
}
