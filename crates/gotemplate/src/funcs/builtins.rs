//! Go's predefined template functions.

use super::{ArgType, Func, FuncMap};
use crate::compare;
use crate::exec::Rv;
use crate::fmt as gofmt;
use crate::value::{GoStr, List, Value};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Print,
    Printf,
    Println,
    Html,
    Js,
    UrlQuery,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Call,
}

/// The builtin function table, with Go's signatures.
pub(crate) fn builtins() -> FuncMap {
    use ArgType::*;
    use Builtin as B;
    let mut m = FuncMap::new();
    let defs: &[(&str, &[ArgType], Option<ArgType>, Builtin)] = &[
        ("and", &[Any], Some(Any), B::And),
        ("or", &[Any], Some(Any), B::Or),
        ("not", &[Any], None, B::Not),
        ("len", &[Any], None, B::Len),
        ("index", &[Any], Some(Any), B::Index),
        ("slice", &[Any], Some(Any), B::Slice),
        ("print", &[], Some(Any), B::Print),
        ("printf", &[String], Some(Any), B::Printf),
        ("println", &[], Some(Any), B::Println),
        ("html", &[], Some(Any), B::Html),
        ("js", &[], Some(Any), B::Js),
        ("urlquery", &[], Some(Any), B::UrlQuery),
        ("eq", &[Any], Some(Any), B::Eq),
        ("ne", &[Any, Any], None, B::Ne),
        ("lt", &[Any, Any], None, B::Lt),
        ("le", &[Any, Any], None, B::Le),
        ("gt", &[Any, Any], None, B::Gt),
        ("ge", &[Any, Any], None, B::Ge),
        ("call", &[Any], Some(Any), B::Call),
    ];
    for (name, params, variadic, b) in defs {
        m.insert(Func::builtin(name, params, *variadic, *b));
    }
    m
}

fn plain(a: &[Rv]) -> Vec<Value> {
    a.iter().map(|r| r.v.clone()).collect()
}

/// Run a builtin other than `and`, `or` and `call` (which the executor
/// handles because they need lazy evaluation or a nested call).
pub(crate) fn call(b: Builtin, a: &[Rv]) -> Result<Rv, String> {
    let ok = |v: Value| Ok(Rv::concrete(v));
    // Objects with data (a named slice or map type) act as that data here;
    // the printing functions leave them to fmt, which knows their type.
    let resolved: Vec<Rv>;
    let a = if a.iter().any(|r| matches!(r.v, Value::Object(_)))
        && !matches!(b, Builtin::Print | Builtin::Printf | Builtin::Println)
    {
        resolved = a
            .iter()
            .map(|r| Rv {
                v: r.v.resolved().into_owned(),
                iface: r.iface,
            })
            .collect();
        &resolved[..]
    } else {
        a
    };
    match b {
        Builtin::Not => ok(Value::Bool(!a[0].v.truth())),
        Builtin::Len => length(&a[0]).map(|n| Rv::concrete(Value::Int(n as i64))),
        Builtin::Index => index(&a[0], &a[1..]),
        Builtin::Slice => slice(&a[0].v, &a[1..]),
        Builtin::Print => ok(Value::String(gofmt::sprint_go(&plain(a)))),
        Builtin::Printf => {
            let f = a[0].v.as_bytes().unwrap_or_default();
            ok(Value::String(gofmt::sprintf_go(f, &plain(&a[1..]))))
        }
        Builtin::Println => ok(Value::String(gofmt::sprintln_go(&plain(a)))),
        Builtin::Html => ok(Value::String(html_escape(eval_args(a).as_bytes()).into())),
        Builtin::Js => ok(Value::String(js_escape(eval_args(a).as_bytes()).into())),
        Builtin::UrlQuery => ok(Value::from(query_escape(eval_args(a).as_bytes()))),
        Builtin::Eq => compare::eq_any(&a[0].v, a[1..].iter().map(|r| &r.v))
            .map(|t| Rv::concrete(Value::Bool(t))),
        Builtin::Ne => cmp2(compare::ne, a),
        Builtin::Lt => cmp2(compare::lt, a),
        Builtin::Le => cmp2(compare::le, a),
        Builtin::Gt => cmp2(compare::gt, a),
        Builtin::Ge => cmp2(compare::ge, a),
        Builtin::And | Builtin::Or | Builtin::Call => Err("internal error: lazy builtin".into()),
    }
}

fn cmp2(f: fn(&Value, &Value) -> Result<bool, String>, a: &[Rv]) -> Result<Rv, String> {
    f(&a[0].v, &a[1].v).map(|t| Rv::concrete(Value::Bool(t)))
}

fn length(item: &Rv) -> Result<usize, String> {
    if item.v.is_nil() {
        if item.iface {
            return Err("len of nil pointer".into());
        }
        // Go reaches reflect's panic on an invalid value here.
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    item.v
        .len()
        .ok_or_else(|| format!("len of type {}", item.v.type_name()))
}

/// Go's `indexArg`: an integer index no greater than `cap`.
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x: i128 = match index {
        Value::Int(i) | Value::Int64(i) => *i as i128,
        Value::Uint64(u) => *u as i64 as i128,
        Value::Byte(b) => *b as i128,
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        v => {
            return Err(format!(
                "cannot index slice/array with type {}",
                v.type_name()
            ))
        }
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &Rv, indexes: &[Rv]) -> Result<Rv, String> {
    let mut item = item.clone();
    if item.v.is_nil() {
        return Err("index of untyped nil".into());
    }
    for ix in indexes {
        let ix = &ix.v;
        item = match &item.v {
            Value::Nil => return Err("index of nil pointer".into()),
            Value::List(l) => {
                let x = index_arg(ix, l.items.len())?;
                match l.items.get(x) {
                    Some(v) => Rv::elem(v.clone(), l.elem),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(s) => {
                let x = index_arg(ix, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Rv::concrete(Value::Byte(*b)),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => {
                let key = match ix {
                    Value::String(k) => k,
                    Value::Nil => return Err("value is nil; should be of type string".into()),
                    v => {
                        return Err(format!(
                            "value has type {}; should be string",
                            v.type_name()
                        ))
                    }
                };
                match m.entries.get(&key.to_str_lossy()) {
                    Some(v) => Rv::elem(v.clone(), m.elem),
                    None => Rv::elem(m.elem.zero(), m.elem),
                }
            }
            v => return Err(format!("can't index item of type {}", v.type_name())),
        };
    }
    Ok(item)
}

fn slice(item: &Value, indexes: &[Rv]) -> Result<Rv, String> {
    if item.is_nil() {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let (len, cap) = match item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            (s.len(), s.len())
        }
        Value::List(l) => (l.items.len(), l.items.len()),
        v => return Err(format!("can't slice item of type {}", v.type_name())),
    };
    let mut idx = [0, len, 0];
    for (i, ix) in indexes.iter().enumerate() {
        idx[i] = index_arg(&ix.v, cap)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(Rv::concrete(match item {
        // Go slices bytes; a cut inside a UTF-8 sequence yields bad bytes.
        Value::String(s) => Value::String(GoStr::from_bytes(s.as_bytes()[idx[0]..idx[1]].to_vec())),
        Value::List(l) => Value::List(Arc::new(List {
            items: l.items[idx[0]..idx[1]].to_vec(),
            elem: l.elem,
        })),
        _ => Value::Nil,
    }))
}

/// Go's `evalArgs`: one string argument as is, else `fmt.Sprint` with
/// missing values shown as `<no value>`.
fn eval_args(a: &[Rv]) -> GoStr {
    if a.len() == 1 {
        if let Value::String(s) = &a[0].v {
            return s.clone();
        }
    }
    let vals: Vec<Value> = a
        .iter()
        .map(|r| match &r.v {
            Value::Nil => Value::from("<no value>"),
            v => v.clone(),
        })
        .collect();
    gofmt::sprint_go(&vals)
}

/// Go's `template.HTMLEscapeString` (over bytes, as Go's strings are).
pub fn html_escape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"&#34;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            0 => out.extend_from_slice("\u{FFFD}".as_bytes()),
            b => out.push(b),
        }
    }
    out
}

/// Go's `template.JSEscapeString` (bytes that are not UTF-8 pass through:
/// Go reads them as U+FFFD, which is printable, and copies them).
pub fn js_escape(s: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            let esc: String = match c {
                '\\' => "\\\\".into(),
                '\'' => "\\'".into(),
                '"' => "\\\"".into(),
                '<' => "\\u003C".into(),
                '>' => "\\u003E".into(),
                '&' => "\\u0026".into(),
                '=' => "\\u003D".into(),
                c if (c as u32) < 0x20 => format!("\\u{:04X}", c as u32),
                c if (c as u32) < 0x80 || crate::strconv::is_print(c) => c.to_string(),
                c => format!("\\u{:04X}", c as u32),
            };
            out.extend_from_slice(esc.as_bytes());
        }
        out.extend_from_slice(chunk.invalid());
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
