//! `default`, `empty`, `coalesce`, `all`, `any`, `ternary`, the JSON encoders Sprig keeps
//! beside Helm's, and deep copies.

use kubeplay_gotemplate::{ArgType, Func, FuncError, Value};

use crate::convert::{go_json, json_to_value, value_to_json};
use crate::funcs::helm::{mutable, parse_json};
use crate::funcs::{data, deep_equal};

use ArgType::{Any, Bool, String as Str};

/// Sprig's `empty`: the zero value of its type (nil, "", 0, false, empty list or map).
pub fn empty(v: &Value) -> bool {
    match data(v) {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => i == 0,
        Value::Uint64(u) => u == 0,
        Value::Byte(b) => b == 0,
        Value::Float(f) => f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.items.is_empty(),
        Value::Map(m) => m.entries.is_empty(),
        Value::Object(o) => o.is_nil(),
        Value::Complex(re, im) => re == 0.0 && im == 0.0,
        _ => false,
    }
}

fn deep_copy(v: &Value) -> Value {
    match data(v) {
        Value::Map(m) => crate::funcs::dictvalue::MutMap::value(
            m.entries
                .iter()
                .map(|(k, x)| (k.clone(), deep_copy(x)))
                .collect(),
        ),
        Value::List(l) => Value::typed_list(l.items.iter().map(deep_copy).collect(), l.elem),
        other => other,
    }
}

fn json_enc(v: &Value, escape: bool, indent: Option<&str>) -> Result<String, FuncError> {
    let j = value_to_json(v).map_err(FuncError::new)?;
    Ok(go_json(&j, escape, indent))
}

pub fn register(fs: &mut Vec<Func>) {
    fs.push(Func::new("default", &[Any], Some(Any), |_, a| {
        if a.len() < 2 || empty(&a[1]) {
            return Ok(a[0].clone());
        }
        Ok(a[1].clone())
    }));
    fs.push(Func::new("empty", &[Any], None, |_, a| {
        Ok(Value::Bool(empty(&a[0])))
    }));
    fs.push(Func::new("coalesce", &[], Some(Any), |_, a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    }));
    fs.push(Func::new("all", &[], Some(Any), |_, a| {
        Ok(Value::Bool(a.iter().all(|v| !empty(v))))
    }));
    fs.push(Func::new("any", &[], Some(Any), |_, a| {
        Ok(Value::Bool(a.iter().any(|v| !empty(v))))
    }));
    fs.push(Func::new("ternary", &[Any, Any, Bool], None, |_, a| {
        Ok(if matches!(a[2], Value::Bool(true)) {
            a[0].clone()
        } else {
            a[1].clone()
        })
    }));
    fs.push(Func::new("toPrettyJson", &[Any], None, |_, a| {
        Ok(Value::from(
            json_enc(&a[0], true, Some("  ")).unwrap_or_default(),
        ))
    }));
    fs.push(Func::new("mustToPrettyJson", &[Any], None, |_, a| {
        Ok(Value::from(json_enc(&a[0], true, Some("  "))?))
    }));
    fs.push(Func::new("toRawJson", &[Any], None, |_, a| {
        Ok(Value::from(
            json_enc(&a[0], false, None).unwrap_or_default(),
        ))
    }));
    fs.push(Func::new("mustToRawJson", &[Any], None, |_, a| {
        Ok(Value::from(json_enc(&a[0], false, None)?))
    }));
    fs.push(Func::new("mustFromJson", &[Str], None, |_, a| {
        let text = super::arg_str(&a[0]);
        let j = parse_json(&text).map_err(FuncError::new)?;
        Ok(mutable(json_to_value(&j)))
    }));
    fs.push(Func::new("deepCopy", &[Any], None, |_, a| {
        Ok(deep_copy(&a[0]))
    }));
    fs.push(Func::new("mustDeepCopy", &[Any], None, |_, a| {
        if a[0].is_nil() {
            return Err(FuncError::new("copy: Copy called with nil"));
        }
        Ok(deep_copy(&a[0]))
    }));
    fs.push(Func::new("deepEqual", &[Any, Any], None, |_, a| {
        Ok(Value::Bool(deep_equal(&a[0], &a[1])))
    }));
}
