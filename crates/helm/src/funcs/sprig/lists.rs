//! List functions. Sprig copies into new `[]interface {}` lists; the `must` variants return
//! errors where the plain ones panic (text/template reports both as call errors).

use kubeplay_gotemplate::{ArgType, Func, FuncError, Value};

use super::conversion::to_int64;
use super::defaults::empty;
use super::nil_dereference;
use crate::funcs::{data, deep_equal, kind_of};

use ArgType::{Any, Int};

fn items(name: &str, v: &Value) -> Result<Vec<Value>, FuncError> {
    match data(v) {
        Value::List(l) => Ok(l.items.clone()),
        Value::Nil => Err(nil_dereference()),
        other => Err(FuncError::new(format!(
            "Cannot {name} on type {}",
            kind_of(&other)
        ))),
    }
}

fn in_list(list: &[Value], v: &Value) -> bool {
    // A string equals only strings with the same bytes (charts search lists of names).
    if let Value::String(want) = v {
        return list.iter().any(|x| match x {
            Value::String(s) => s == want,
            Value::Object(_) => deep_equal(x, v),
            _ => false,
        });
    }
    list.iter().any(|x| deep_equal(x, v))
}

/// Registers `name` and `mustName` from one fallible implementation.
fn both(
    fs: &mut Vec<Func>,
    names: &[&str],
    params: &'static [ArgType],
    variadic: Option<ArgType>,
    f: fn(&[Value]) -> Result<Value, FuncError>,
) {
    for n in names {
        fs.push(Func::new(*n, params, variadic, move |_, a| f(a)));
    }
}

pub fn register(fs: &mut Vec<Func>) {
    for n in ["list", "tuple"] {
        fs.push(Func::new(n, &[], Some(Any), |_, a| {
            Ok(Value::list(a.to_vec()))
        }));
    }
    both(
        fs,
        &["append", "push", "mustAppend", "mustPush"],
        &[Any, Any],
        None,
        |a| {
            let mut v = items("push", &a[0])?;
            v.push(a[1].clone());
            Ok(Value::list(v))
        },
    );
    both(fs, &["prepend", "mustPrepend"], &[Any, Any], None, |a| {
        let mut v = items("prepend", &a[0])?;
        v.insert(0, a[1].clone());
        Ok(Value::list(v))
    });
    both(fs, &["first", "mustFirst"], &[Any], None, |a| {
        Ok(items("find first", &a[0])?
            .first()
            .cloned()
            .unwrap_or(Value::Nil))
    });
    both(fs, &["last", "mustLast"], &[Any], None, |a| {
        Ok(items("find last", &a[0])?
            .last()
            .cloned()
            .unwrap_or(Value::Nil))
    });
    both(fs, &["rest", "mustRest"], &[Any], None, |a| {
        let v = items("find rest", &a[0])?;
        if v.is_empty() {
            return Ok(Value::Nil);
        }
        Ok(Value::list(v[1..].to_vec()))
    });
    both(fs, &["initial", "mustInitial"], &[Any], None, |a| {
        let v = items("find initial", &a[0])?;
        if v.is_empty() {
            return Ok(Value::Nil);
        }
        Ok(Value::list(v[..v.len() - 1].to_vec()))
    });
    both(fs, &["reverse", "mustReverse"], &[Any], None, |a| {
        let mut v = items("find reverse", &a[0])?;
        v.reverse();
        Ok(Value::list(v))
    });
    both(fs, &["uniq", "mustUniq"], &[Any], None, |a| {
        let v = items("find uniq", &a[0])?;
        // Lists of strings are deduplicated through a set, not pairwise.
        if v.iter().all(|x| matches!(x, Value::String(_))) {
            let mut seen = std::collections::HashSet::new();
            let out = v
                .iter()
                .filter(|x| x.as_bytes().is_some_and(|b| seen.insert(b)))
                .cloned()
                .collect();
            return Ok(Value::list(out));
        }
        let mut out: Vec<Value> = Vec::new();
        for x in v {
            if !in_list(&out, &x) {
                out.push(x);
            }
        }
        Ok(Value::list(out))
    });
    both(fs, &["compact", "mustCompact"], &[Any], None, |a| {
        let v = items("compact", &a[0])?;
        Ok(Value::list(v.into_iter().filter(|x| !empty(x)).collect()))
    });
    fs.push(Func::new("without", &[Any], Some(Any), |_, a| {
        let v = items("find without", &a[0])?;
        let omit = &a[1..];
        Ok(Value::list(
            v.into_iter().filter(|x| !in_list(omit, x)).collect(),
        ))
    }));
    fs.push(Func::new("mustWithout", &[Any], Some(Any), |_, a| {
        let v = items("find without", &a[0])?;
        let omit = &a[1..];
        Ok(Value::list(
            v.into_iter().filter(|x| !in_list(omit, x)).collect(),
        ))
    }));
    for n in ["has", "mustHas"] {
        fs.push(Func::new(n, &[Any, Any], None, |_, a| {
            if a[1].is_nil() {
                return Ok(Value::Bool(false));
            }
            // The list is searched where it is (`has` runs in loops over long lists).
            match data(&a[1]) {
                Value::List(l) => Ok(Value::Bool(in_list(&l.items, &a[0]))),
                other => items("find has", &other).map(|v| Value::Bool(in_list(&v, &a[0]))),
            }
        }));
    }
    for n in ["slice", "mustSlice"] {
        fs.push(Func::new(n, &[Any], Some(Any), |_, a| {
            let (v, elem) = match data(&a[0]) {
                Value::List(l) => (l.items.clone(), l.elem),
                Value::Nil => return Err(nil_dereference()),
                other => {
                    return Err(FuncError::new(format!(
                        "list should be type of slice or array but {}",
                        kind_of(&other)
                    )))
                }
            };
            if v.is_empty() {
                return Ok(Value::Nil);
            }
            let start = a.get(1).map(to_int64).unwrap_or(0);
            let end = if a.len() < 3 {
                v.len() as i64
            } else {
                to_int64(&a[2])
            };
            if start < 0 || end < start || end > v.len() as i64 {
                return Err(FuncError::new(format!(
                    "reflect: slice index out of range [{start}:{end}]"
                )));
            }
            Ok(Value::typed_list(
                v[start as usize..end as usize].to_vec(),
                elem,
            ))
        }));
    }
    fs.push(Func::new("concat", &[], Some(Any), |_, a| {
        let mut out = Vec::new();
        for l in a {
            match data(l) {
                Value::List(l) => out.extend(l.items.iter().cloned()),
                Value::Nil => return Err(nil_dereference()),
                other => {
                    return Err(FuncError::new(format!(
                        "Cannot concat type {} as list",
                        kind_of(&other)
                    )))
                }
            }
        }
        Ok(Value::list(out))
    }));
    for n in ["chunk", "mustChunk"] {
        fs.push(Func::new(n, &[Int, Any], None, |_, a| {
            let size = super::arg_int(&a[0]);
            let v = items("chunk", &a[1])?;
            if size <= 0 {
                return Err(FuncError::new("runtime error: integer divide by zero"));
            }
            Ok(Value::list(
                v.chunks(size as usize)
                    .map(|c| Value::list(c.to_vec()))
                    .collect(),
            ))
        }));
    }
    fs.push(Func::new("dig", &[], Some(Any), |_, a| {
        if a.len() < 3 {
            return Err(FuncError::new("dig needs at least three arguments"));
        }
        let def = a[a.len() - 2].clone();
        let mut cur = a[a.len() - 1].clone();
        let keys = &a[..a.len() - 2];
        for (i, k) in keys.iter().enumerate() {
            let Some(k) = k.as_str() else {
                return Err(FuncError::new(format!(
                    "interface conversion: interface {{}} is {}, not string",
                    k.type_name()
                )));
            };
            let m =
                match (&cur, data(&cur)) {
                    (Value::Map(m), _) if m.type_name.is_some() => {
                        return Err(FuncError::new(format!(
                        "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                        cur.type_name()
                    )))
                    }
                    (_, Value::Map(m)) => m,
                    _ => {
                        return Err(FuncError::new(format!(
                        "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                        if cur.is_nil() { "nil".to_string() } else { cur.type_name() }
                    )))
                    }
                };
            match m.entries.get(k) {
                None => return Ok(def),
                Some(v) if i + 1 == keys.len() => return Ok(v.clone()),
                Some(v) => cur = v.clone(),
            }
        }
        Ok(def)
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> String {
        let mut fs = Vec::new();
        register(&mut fs);
        let mut t = kubeplay_gotemplate::Templates::new("t");
        let f = fs
            .into_iter()
            .find(|f| f.name() == name)
            .expect("registered");
        t.add_func(f);
        let names: Vec<String> = (0..args.len()).map(|i| format!(" .a{i}")).collect();
        t.parse(
            "t",
            &format!("{{{{ {name}{} | printf \"%#v\" }}}}", names.concat()),
        )
        .unwrap();
        let data = Value::map(
            args.iter()
                .enumerate()
                .map(|(i, a)| (format!("a{i}"), a.clone())),
        );
        t.execute("t", &data).unwrap()
    }

    /// `uniq` keeps first occurrences in order; strings go through a set, other lists
    /// compare pairwise, and both agree with `reflect.DeepEqual`.
    #[test]
    fn uniq_of_strings_and_of_mixed_lists() {
        let s = Value::from;
        let strings = Value::list(vec![s("b"), s("a"), s("b"), s(""), s("a"), s("")]);
        assert_eq!(call("uniq", &[strings]), r#"[]interface {}{"b", "a", ""}"#);
        let mixed = Value::list(vec![
            s("1"),
            Value::Int(1),
            s("1"),
            Value::Int64(1),
            Value::Int(1),
        ]);
        assert_eq!(call("uniq", &[mixed]), r#"[]interface {}{"1", 1, 1}"#);
    }

    /// `has` finds a string only among strings (or maps' data equal to it), never in a number.
    #[test]
    fn has_compares_strings_by_bytes() {
        let s = Value::from;
        let list = Value::list(vec![s("configmaps"), Value::Int(2), s("pods")]);
        assert_eq!(call("has", &[s("pods"), list.clone()]), "true");
        assert_eq!(call("has", &[s("pod"), list.clone()]), "false");
        assert_eq!(call("has", &[s("2"), list.clone()]), "false");
        assert_eq!(call("has", &[Value::Int(2), list]), "true");
    }

    /// Sprig asks a nil argument for its kind and Go fails on the nil type, for every list
    /// function (messages from the Helm 4.2.3 library).
    #[test]
    fn nil_lists_fail_as_in_go() {
        for f in [
            "first",
            "rest",
            "reverse",
            "uniq",
            "compact",
            "slice",
            "concat (list 1)",
        ] {
            let e = crate::funcs::execute_text(&format!("{{{{ {f} nil }}}}")).unwrap_err();
            assert!(
                e.ends_with("runtime error: invalid memory address or nil pointer dereference"),
                "{f}: {e}"
            );
        }
    }
}
