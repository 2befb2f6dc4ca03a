//! Dictionary functions. `set`, `unset`, `merge` and `mergeOverwrite` change their first
//! argument in place, as Go maps do (see [`crate::funcs::dictvalue`]).

use std::sync::Arc;

use kubeplay_gotemplate::{ArgType, ElemType, Func, FuncError, Map, SortedMap, Value};

use super::arg_str;
use super::defaults::empty;
use crate::funcs::dictvalue::{entries, MutMap};
use crate::funcs::{data, strval};

use ArgType::{Any, String as Str};

fn want_map(v: &Value) -> Result<MutMap, FuncError> {
    MutMap::of_any(v).ok_or_else(|| {
        FuncError::new(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            v.type_name()
        ))
    })
}

fn want_entries(v: &Value) -> Result<Arc<Map>, FuncError> {
    if v.is_nil() {
        return Ok(Arc::default());
    }
    entries(v).ok_or_else(|| {
        FuncError::new(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            v.type_name()
        ))
    })
}

/// mergo's deep merge of `src` into `dst` (maps recurse; with `overwrite` non-empty source
/// values win, otherwise they only fill empty or missing destination values).
fn merge_into(dst: &mut SortedMap<Value>, src: &SortedMap<Value>, overwrite: bool) {
    for (k, sv) in src {
        let dv = dst.get(k).cloned();
        match (dv.as_ref().map(data), data(sv)) {
            (Some(Value::Map(dm)), Value::Map(sm)) => {
                if let Some(shared) = dv.as_ref().and_then(MutMap::of) {
                    shared.update(|d| merge_into(d, &sm.entries, overwrite));
                } else {
                    let mut d = dm.entries.clone();
                    merge_into(&mut d, &sm.entries, overwrite);
                    dst.insert(k.clone(), Value::from(d));
                }
            }
            (None, _) => {
                dst.insert(k.clone(), sv.clone());
            }
            (Some(d), _) => {
                if !empty(sv) && (overwrite || empty(&d)) {
                    dst.insert(k.clone(), sv.clone());
                }
            }
        }
    }
}

pub fn register(fs: &mut Vec<Func>) {
    fs.push(Func::new("dict", &[], Some(Any), |_, a| {
        // Collected, so sorted once; a key given twice keeps its last value, as in Go.
        let m = a
            .chunks(2)
            .map(|kv| {
                let v = kv.get(1).cloned().unwrap_or_else(|| Value::from(""));
                (strval(&kv[0]), v)
            })
            .collect();
        Ok(MutMap::value(m))
    }));
    fs.push(Func::new("get", &[Any, Str], None, |_, a| {
        let m = want_entries(&a[0])?;
        Ok(m.entries
            .get(&arg_str(&a[1]))
            .cloned()
            .unwrap_or_else(|| Value::from("")))
    }));
    fs.push(Func::new("set", &[Any, Str, Any], None, |_, a| {
        let m = want_map(&a[0])?;
        m.update(|e| e.insert(arg_str(&a[1]), a[2].clone()));
        Ok(m.to_value())
    }));
    fs.push(Func::new("unset", &[Any, Str], None, |_, a| {
        let m = want_map(&a[0])?;
        m.update(|e| e.remove(&arg_str(&a[1])));
        Ok(m.to_value())
    }));
    fs.push(Func::new("hasKey", &[Any, Str], None, |_, a| {
        let m = want_entries(&a[0])?;
        Ok(Value::Bool(m.entries.contains_key(&arg_str(&a[1]))))
    }));
    fs.push(Func::new("pluck", &[Str], Some(Any), |_, a| {
        let k = arg_str(&a[0]);
        let mut out = Vec::new();
        for d in &a[1..] {
            if let Some(v) = want_entries(d)?.entries.get(&k) {
                out.push(v.clone());
            }
        }
        Ok(Value::list(out))
    }));
    fs.push(Func::new("keys", &[], Some(Any), |_, a| {
        let mut out = Vec::new();
        for d in a {
            out.extend(
                want_entries(d)?
                    .entries
                    .keys()
                    .map(|k| Value::from(k.as_str())),
            );
        }
        Ok(Value::typed_list(out, ElemType::String))
    }));
    fs.push(Func::new("values", &[Any], None, |_, a| {
        Ok(Value::list(
            want_entries(&a[0])?.entries.values().cloned().collect(),
        ))
    }));
    fs.push(Func::new("pick", &[Any], Some(Str), |_, a| {
        let m = want_entries(&a[0])?;
        let out = a[1..]
            .iter()
            .map(arg_str)
            .filter_map(|k| {
                let v = m.entries.get(&k)?.clone();
                Some((k, v))
            })
            .collect();
        Ok(MutMap::value(out))
    }));
    fs.push(Func::new("omit", &[Any], Some(Str), |_, a| {
        let mut m = want_entries(&a[0])?.entries.clone();
        for k in &a[1..] {
            m.remove(&arg_str(k));
        }
        Ok(MutMap::value(m))
    }));
    for (name, overwrite) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        fs.push(Func::new(name, &[Any], Some(Any), move |_, a| {
            let dst = want_map(&a[0])?;
            for src in &a[1..] {
                let s = want_entries(src)?;
                dst.update(|d| merge_into(d, &s.entries, overwrite));
            }
            Ok(dst.to_value())
        }));
    }
}
