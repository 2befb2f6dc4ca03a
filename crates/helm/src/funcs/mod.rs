//! The function map: Sprig (minus `env`/`expandenv`) plus Helm's own functions.
//!
//! `include` and `tpl` need the running template set; the engine gives functions a
//! [`Context`](kubeplay_gotemplate::Context) for that, so unlike Helm (which rebinds them late on a clone) they are
//! registered once like every other function.

pub mod dictvalue;
pub mod helm;
pub mod sprig;

use kubeplay_gotemplate::{Func, Templates, Value};

pub use dictvalue::MutMap;

/// An empty template set named `gotpl` (Helm's) with every function, built once per
/// process and cloned per render.
pub fn base_set() -> Templates {
    static BASE: std::sync::OnceLock<Templates> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let mut t = Templates::new("gotpl");
        let mut fs: Vec<Func> = Vec::new();
        sprig::register(&mut fs);
        helm::register(&mut fs);
        for f in fs {
            t.add_func(f);
        }
        t
    })
    .clone()
}

/// `src` executed with every function and no data: for the functions' own tests.
#[cfg(test)]
pub(crate) fn execute_text(src: &str) -> Result<String, String> {
    let mut t = base_set();
    t.parse("t", src).map_err(|e| e.to_string())?;
    t.execute("t", &Value::Nil).map_err(|e| e.to_string())
}

/// Sprig's `strval`: strings as they are, everything else through `fmt.Sprint`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_str_lossy().into_owned(),
        _ => kubeplay_gotemplate::fmt::sprint(std::slice::from_ref(v)),
    }
}

/// The data of a value: host objects with data (dicts, VersionSet) unwrapped.
pub fn data(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.value().unwrap_or_else(|| v.clone()),
        _ => v.clone(),
    }
}

/// Go's `reflect.DeepEqual` on template values (`deepEqual`, and how `has`, `uniq`, `without`
/// compare): the same Go type, then the same value; `int` is not `int64`, NaN is not NaN.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    // Only host objects need unwrapping; anything else is compared where it is.
    if matches!(a, Value::Object(_)) || matches!(b, Value::Object(_)) {
        return deep_equal_data(&data(a), &data(b));
    }
    deep_equal_data(a, b)
}

/// [`deep_equal`] of values whose host objects are already unwrapped at the top.
fn deep_equal_data(a: &Value, b: &Value) -> bool {
    // Scalars of the same Go type compare directly (`has` runs this for every element).
    match (a, b) {
        (Value::String(x), Value::String(y)) => return x == y,
        (Value::Bool(x), Value::Bool(y)) => return x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => return x == y,
        (Value::Uint64(x), Value::Uint64(y)) => return x == y,
        (Value::Byte(x), Value::Byte(y)) => return x == y,
        (Value::Float(x), Value::Float(y)) => return x == y,
        (Value::Nil, Value::Nil) => return true,
        _ => {}
    }
    // Different variants are different Go types (named without building the names).
    if std::mem::discriminant(a) != std::mem::discriminant(b) || a.type_name() != b.type_name() {
        return false;
    }
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.entries.len() == y.entries.len()
                && x.entries
                    .iter()
                    .all(|(k, v)| y.entries.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => {
            kubeplay_gotemplate::fmt::sprint(std::slice::from_ref(a))
                == kubeplay_gotemplate::fmt::sprint(std::slice::from_ref(b))
        }
    }
}

/// Items of a slice-like value (lists; strings are not slices here).
pub fn list_items(v: &Value) -> Option<Vec<Value>> {
    match data(v) {
        Value::List(l) => Some(l.items.clone()),
        _ => None,
    }
}

/// Go's `reflect.Kind` name of a value.
pub fn kind_of(v: &Value) -> &'static str {
    match data(v) {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Uint64(_) => "uint64",
        Value::Byte(_) => "uint8",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "slice",
        Value::Map(_) => "map",
        Value::Object(o) => {
            if o.type_name().starts_with('*') {
                "ptr"
            } else {
                "struct"
            }
        }
        Value::Func(_) => "func",
        _ => "complex128",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `reflect.DeepEqual`: same Go type and value; `int` is not `int64`, NaN is not NaN.
    #[test]
    fn deep_equal_is_go_reflect_deep_equal() {
        let s = Value::from;
        assert!(deep_equal(&s("a"), &s("a")));
        assert!(!deep_equal(&s("a"), &s("b")));
        assert!(deep_equal(&Value::Int(1), &Value::Int(1)));
        assert!(!deep_equal(&Value::Int(1), &Value::Int64(1)));
        assert!(!deep_equal(&Value::Int(1), &Value::Float(1.0)));
        assert!(!deep_equal(
            &Value::Float(f64::NAN),
            &Value::Float(f64::NAN)
        ));
        assert!(!deep_equal(&s("1"), &Value::Int(1)));
        assert!(deep_equal(&Value::Nil, &Value::Nil));
        let list = |v: Vec<Value>| Value::list(v);
        assert!(deep_equal(
            &list(vec![s("x"), Value::Bool(true)]),
            &list(vec![s("x"), Value::Bool(true)])
        ));
        assert!(!deep_equal(&list(vec![s("x")]), &list(vec![s("y")])));
        let m = MutMap::value([("k".to_string(), s("v"))].into());
        assert!(deep_equal(&m, &Value::map([("k", s("v"))])));
    }
}
