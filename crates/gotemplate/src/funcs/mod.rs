//! Template functions: the registry API hosts use to add functions (Sprig,
//! Helm's `include`/`tpl`/`required`...), and Go's builtins.

pub(crate) mod builtins;

use std::fmt;
use std::sync::Arc;

use crate::error::FuncError;
use crate::exec::Context;
use crate::names::NameTable;
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
    /// A host type, by the name its [`crate::Object::type_name`] gives (Sprig's
    /// `sprig.certificate`, semver's `*semver.Version`): only such an object is accepted,
    /// never a constant; nil too when the type is a pointer (`*` first).
    Object(&'static str),
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
            ArgType::Object(name) => name,
        }
    }

    /// Whether Go could assign untyped nil to this type.
    pub(crate) fn can_be_nil(self) -> bool {
        match self {
            ArgType::Any | ArgType::List | ArgType::Map => true,
            ArgType::Object(name) => name.starts_with('*'),
            _ => false,
        }
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
            (ArgType::Object(name), Value::Object(o)) => o.type_name() == name,
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

/// Functions by name.
/// Shared until changed: a host clones its full set (Sprig's ~200 functions)
/// for every render, which must not copy the table.
#[derive(Clone, Default)]
pub struct FuncMap {
    map: Arc<NameTable<Arc<Func>>>,
}

impl fmt::Debug for FuncMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FuncMap({} functions)", self.map.names().count())
    }
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

    /// The function's place in this table, for [`FuncMap::at`].
    #[inline]
    pub(crate) fn index_of(&self, name: &str) -> Option<u32> {
        self.map.index_of(name)
    }

    /// The function at `index` of this table. A place is only meaningful in the table that
    /// gave it: [`FuncMap::same_table`] says whether two maps are that table (a map that
    /// was changed after it was shared is a copy, not the same table).
    pub(crate) fn at(&self, index: u32) -> Option<&Arc<Func>> {
        self.map.at(index)
    }

    pub(crate) fn same_table(&self, other: &FuncMap) -> bool {
        Arc::ptr_eq(&self.map, &other.map)
    }
}
