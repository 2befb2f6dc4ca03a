//! Template functions: the registry API hosts use to add functions (Sprig,
//! Helm's `include`/`tpl`/`required`...), and Go's builtins.

pub(crate) mod builtins;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::error::FuncError;
use crate::exec::Context;
use crate::value::Value;

/// The Go type of a function parameter. The engine converts and checks
/// arguments like Go's reflection-based calls do, producing Go's errors
/// (`wrong type for value; expected string; got int`, `expected integer;
/// found "x"`, `invalid value; expected int`...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    /// `interface {}`: any value, nil included.
    Any,
    Bool,
    String,
    Int,
    Int64,
    Uint64,
    Float64,
    /// `[]interface {}` (nil allowed).
    List,
    /// `map[string]interface {}` (nil allowed).
    Map,
}

impl ArgType {
    pub fn go_name(self) -> &'static str {
        match self {
            ArgType::Any => "interface {}",
            ArgType::Bool => "bool",
            ArgType::String => "string",
            ArgType::Int => "int",
            ArgType::Int64 => "int64",
            ArgType::Uint64 => "uint64",
            ArgType::Float64 => "float64",
            ArgType::List => "[]interface {}",
            ArgType::Map => "map[string]interface {}",
        }
    }

    /// Whether Go could assign untyped nil to this type.
    pub(crate) fn can_be_nil(self) -> bool {
        matches!(self, ArgType::Any | ArgType::List | ArgType::Map)
    }

    /// Whether a (non-interface) value of this dynamic type is assignable.
    pub(crate) fn accepts(self, v: &Value) -> bool {
        use crate::value::ElemType;
        match (self, v) {
            (ArgType::Any, _) => true,
            (ArgType::Bool, Value::Bool(_))
            | (ArgType::String, Value::String(_))
            | (ArgType::Int, Value::Int(_))
            | (ArgType::Int64, Value::Int64(_))
            | (ArgType::Uint64, Value::Uint64(_))
            | (ArgType::Float64, Value::Float(_)) => true,
            (ArgType::List, Value::List(l)) => l.elem == ElemType::Any,
            (ArgType::Map, Value::Map(m)) => m.elem == ElemType::Any,
            _ => false,
        }
    }
}

/// The host function signature: arguments already converted to the
/// declared [`ArgType`]s; errors abort execution with
/// `error calling NAME: MSG`.
pub type HostFn = dyn Fn(&mut Context<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync;

#[derive(Clone)]
pub(crate) enum Imp {
    Host(Arc<HostFn>),
    Builtin(builtins::Builtin),
}

/// A template function with its Go signature.
#[derive(Clone)]
pub struct Func {
    name: String,
    params: Vec<ArgType>,
    variadic: Option<ArgType>,
    pub(crate) imp: Imp,
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Func({})", self.name)
    }
}

impl Func {
    /// A function with fixed parameters `params` and, if `variadic` is set,
    /// any number of further arguments of that type (Go's `...T`).
    pub fn new(
        name: impl Into<String>,
        params: &[ArgType],
        variadic: Option<ArgType>,
        f: impl Fn(&mut Context<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    ) -> Func {
        Func {
            name: name.into(),
            params: params.to_vec(),
            variadic,
            imp: Imp::Host(Arc::new(f)),
        }
    }

    /// A function taking any number of `interface {}` arguments and
    /// needing no execution context.
    pub fn simple(
        name: impl Into<String>,
        f: impl Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    ) -> Func {
        Func::new(name, &[], Some(ArgType::Any), move |_, a| f(a))
    }

    pub(crate) fn builtin(
        name: &str,
        params: &[ArgType],
        variadic: Option<ArgType>,
        b: builtins::Builtin,
    ) -> Func {
        Func {
            name: name.into(),
            params: params.to_vec(),
            variadic,
            imp: Imp::Builtin(b),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn params(&self) -> &[ArgType] {
        &self.params
    }
    pub fn variadic(&self) -> Option<ArgType> {
        self.variadic
    }

    /// Go's `%T` for the function value.
    pub fn go_type(&self) -> String {
        let mut ps: Vec<String> = self
            .params
            .iter()
            .map(|p| p.go_name().to_string())
            .collect();
        if let Some(v) = self.variadic {
            ps.push(format!("...{}", v.go_name()));
        }
        format!("func({}) interface {{}}", ps.join(", "))
    }
}

/// FNV-1a over 8-byte words, with a final mix: function and template names are short and
/// looked up on every call, where SipHash's setup cost showed in profiles (and FNV's
/// byte-at-a-time loop after it); no DoS concern for names that come from the host. The
/// mix spreads every input byte into the low bits hash tables index by.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        // murmur3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { FNV_OFFSET } else { self.0 };
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            h = (h ^ u64::from_le_bytes(word)).wrapping_mul(FNV_PRIME);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            word[7] = rest.len() as u8;
            h = (h ^ u64::from_le_bytes(word)).wrapping_mul(FNV_PRIME);
        }
        self.0 = h;
    }
}

pub(crate) type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// Functions by name.
/// Shared until changed: a host clones its full set (Sprig's ~200 functions)
/// for every render, which must not copy the table.
#[derive(Clone, Default)]
pub struct FuncMap {
    map: Arc<HashMap<String, Arc<Func>, FnvBuild>>,
}

impl FuncMap {
    pub fn new() -> FuncMap {
        FuncMap::default()
    }
    pub fn insert(&mut self, f: Func) {
        Arc::make_mut(&mut self.map).insert(f.name.clone(), Arc::new(f));
    }
    pub fn get(&self, name: &str) -> Option<&Arc<Func>> {
        self.map.get(name)
    }
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hasher};

    /// Names that differ anywhere (length, a late byte, a trailing NUL) hash apart, and the
    /// low bits tables index by vary with every byte.
    #[test]
    fn name_hash_tells_names_apart() {
        let h = |s: &str| FnvBuild::default().hash_one(s);
        let names = [
            "",
            "a",
            "a\0",
            "ab",
            "include",
            "includf",
            "jnclude",
            "toYaml",
            "toYamlPretty",
            "mustToYaml",
            "12345678",
            "123456789",
            "12345678\0",
        ];
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(h(a), h(b), "{a:?} {b:?}");
            }
        }
        let low: std::collections::HashSet<u64> = (b'a'..=b'z')
            .map(|c| h(&format!("x{}", c as char)) & 0xff)
            .collect();
        assert!(low.len() > 20, "{}", low.len());
        let mut f = Fnv::default();
        f.write(b"x");
        assert_ne!(f.finish(), Fnv::default().finish());
    }
}
