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
