//! Sprig v3's function library, one file per family, with Go's signatures (so argument
//! conversion errors read like Go's) and Sprig's quirks.

pub mod certs;
pub mod conversion;
pub mod crypto;
pub mod date;
mod decimal;
pub mod defaults;
pub mod dicts;
pub mod duration;
pub mod encoding;
mod key_pool;
pub mod lists;
pub mod math;
pub mod passwords;
pub mod paths;
pub mod random;
pub mod reflection;
pub mod regex;
mod regex_syntax;
pub mod semver;
pub mod strings;
pub mod urls;

use kubeplay_gotemplate::{FuncError, Value};

pub fn register(fs: &mut Vec<kubeplay_gotemplate::Func>) {
    strings::register(fs);
    conversion::register(fs);
    math::register(fs);
    defaults::register(fs);
    lists::register(fs);
    dicts::register(fs);
    encoding::register(fs);
    regex::register(fs);
    semver::register(fs);
    crypto::register(fs);
    date::register(fs);
    paths::register(fs);
    random::register(fs);
    certs::register(fs);
    passwords::register(fs);
    reflection::register(fs);
    urls::register(fs);
}

/// A string argument (already checked to be a string by the engine).
pub(crate) fn arg_str(v: &Value) -> String {
    // A string value knows whether it is text: only one that is not is converted.
    match v.as_str() {
        Some(s) => s.to_owned(),
        None => v
            .as_bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
    }
}

/// An `int` argument (already converted by the engine).
pub(crate) fn arg_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint64(u) => *u as i64,
        Value::Byte(b) => *b as i64,
        _ => 0,
    }
}

/// The longest string a function builds (the engine's default output limit): larger ones are
/// refused before they are allocated, where Go would run out of memory.
pub(crate) const MAX_BUILT_STRING: u64 = 64 << 20;

/// Go's runtime panic inside a function, as text/template reports it.
pub(crate) fn panic_err(msg: impl Into<String>) -> FuncError {
    FuncError::new(msg.into())
}

/// Go's panic on a nil pointer or type (Sprig asking `reflect.TypeOf(nil).Kind()`, a method
/// called with a nil `*semver.Version`).
pub(crate) fn nil_dereference() -> FuncError {
    panic_err("runtime error: invalid memory address or nil pointer dereference")
}
