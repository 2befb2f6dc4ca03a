//! Dynamic values: the Rust stand-in for Go's `interface{}` as seen by templates.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::funcs::Func;

mod sorted_map;
pub use sorted_map::SortedMap;

/// A Go value as a template sees it.
///
/// Numbers keep their Go type because `%T`, `printf` and the comparison
/// functions depend on it: values decoded from JSON/YAML by Helm are
/// `float64` ([`Value::Float`]), integer literals in templates are `int`.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's untyped `nil`.
    #[default]
    Nil,
    Bool(bool),
    /// Go `int` (64-bit, as on every platform Helm runs on).
    Int(i64),
    /// Go `int64` (Sprig's arithmetic returns it).
    Int64(i64),
    /// Go `uint64`.
    Uint64(u64),
    /// Go `uint8`, what `index` yields on a string.
    Byte(u8),
    /// Go `float64`.
    Float(f64),
    /// Go `complex128` (only from complex literals in templates).
    Complex(f64, f64),
    String(GoStr),
    List(Arc<List>),
    Map(Arc<Map>),
    /// A host object (a Go struct or pointer with fields and methods).
    Object(Arc<dyn Object>),
    /// A function value, usable with the `call` builtin.
    Func(Arc<Func>),
}

/// A Go string: a byte string that is almost always UTF-8. Bytes that are
/// not (a binary file read by Helm's `.Files.Get`, a `"\xff"` literal) are
/// kept, so byte-oriented functions (`len`, `index`, base64) see Go's data.
#[derive(Clone)]
pub struct GoStr(Repr);

#[derive(Clone)]
enum Repr {
    Utf8(Arc<str>),
    Bytes(Arc<[u8]>),
}

impl GoStr {
    /// A string from bytes, valid UTF-8 or not.
    pub fn from_bytes(b: Vec<u8>) -> GoStr {
        match String::from_utf8(b) {
            Ok(s) => GoStr(Repr::Utf8(Arc::from(s))),
            Err(e) => GoStr(Repr::Bytes(Arc::from(e.into_bytes()))),
        }
    }
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Utf8(s) => s.as_bytes(),
            Repr::Bytes(b) => b,
        }
    }
    /// The text, if the bytes are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Repr::Utf8(s) => Some(s),
            Repr::Bytes(_) => None,
        }
    }
    /// The text, with invalid UTF-8 replaced by U+FFFD.
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Repr::Utf8(s) => std::borrow::Cow::Borrowed(s),
            Repr::Bytes(b) => String::from_utf8_lossy(b),
        }
    }
    /// Length in bytes, as Go's `len`.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PartialEq for GoStr {
    fn eq(&self, o: &GoStr) -> bool {
        self.as_bytes() == o.as_bytes()
    }
}
impl Eq for GoStr {}
impl PartialOrd for GoStr {
    fn partial_cmp(&self, o: &GoStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for GoStr {
    /// Byte order, as Go compares strings.
    fn cmp(&self, o: &GoStr) -> std::cmp::Ordering {
        self.as_bytes().cmp(o.as_bytes())
    }
}
impl fmt::Debug for GoStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_str_lossy())
    }
}
impl fmt::Display for GoStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}
impl From<&str> for GoStr {
    fn from(s: &str) -> Self {
        GoStr(Repr::Utf8(Arc::from(s)))
    }
}
impl From<String> for GoStr {
    fn from(s: String) -> Self {
        GoStr(Repr::Utf8(Arc::from(s)))
    }
}
impl From<Vec<u8>> for GoStr {
    fn from(b: Vec<u8>) -> Self {
        GoStr::from_bytes(b)
    }
}

/// The static element type of a list or map, which Go keeps and which shows
/// in `%T` and in error messages (`interface {}` for JSON-like data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ElemType {
    /// `interface {}`: elements are wrapped in an interface.
    #[default]
    Any,
    Bool,
    Int,
    Int64,
    Float64,
    String,
}

impl ElemType {
    /// The Go spelling of the type.
    pub fn go_name(self) -> &'static str {
        match self {
            ElemType::Any => "interface {}",
            ElemType::Bool => "bool",
            ElemType::Int => "int",
            ElemType::Int64 => "int64",
            ElemType::Float64 => "float64",
            ElemType::String => "string",
        }
    }

    /// The zero value of the type (what a missing map entry reads as).
    pub fn zero(self) -> Value {
        match self {
            ElemType::Any => Value::Nil,
            ElemType::Bool => Value::Bool(false),
            ElemType::Int => Value::Int(0),
            ElemType::Int64 => Value::Int64(0),
            ElemType::Float64 => Value::Float(0.0),
            ElemType::String => Value::from(""),
        }
    }
}

/// A Go slice (`[]interface {}` by default).
#[derive(Clone, Debug, Default)]
pub struct List {
    pub items: Vec<Value>,
    pub elem: ElemType,
}

/// A Go map with string keys (`map[string]interface {}` by default).
/// Iteration is by sorted key, as Go's template `range` and `fmt` do.
#[derive(Clone, Debug, Default)]
pub struct Map {
    pub entries: SortedMap<Value>,
    pub elem: ElemType,
    /// A named map type such as Helm's `common.Values`, shown by `%T`.
    pub type_name: Option<Arc<str>>,
}

impl Map {
    /// The value at `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }
}

/// A host object: a Go struct (or pointer to one) with fields and methods,
/// such as Helm's `.Release`, `.Files` or `.Capabilities`.
///
/// Go looks a method up first, then a field; so does the engine.
pub trait Object: Send + Sync {
    /// The Go type, e.g. `*chart.Metadata`; used by `%T` and errors.
    fn type_name(&self) -> String;
    /// An exported field's value, or `None` if there is no such field.
    fn field(&self, name: &str) -> Option<Value>;
    /// A method bound to this object, or `None`. Its [`Func`] is called with
    /// the template arguments (without the receiver).
    fn method(&self, _name: &str) -> Option<Func> {
        None
    }
    /// The data of a Go value whose type has methods but is a slice, map or
    /// basic type underneath (Helm's `VersionSet` is a `[]string`, its
    /// `Values` a map). When given, `range`, `len`, `index`, `slice`, the
    /// comparisons, truth, printing and (for maps) field access use it, while
    /// methods are still looked up first. `None` for plain structs.
    fn value(&self) -> Option<Value> {
        None
    }
    /// The `%v` rendering of a plain struct (Go prints `{a b}`, or what a
    /// `String()` method returns).
    fn format(&self) -> String {
        format!("{{{}}}", self.type_name())
    }
    /// Whether this object is a nil pointer (false for live objects).
    fn is_nil(&self) -> bool {
        false
    }
    /// The object as `Any`, so a host can recognise its own types among
    /// values and downcast them (e.g. to change a map it shares).
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
    /// Whether [`Object::field`] gives `interface {}` values, as the elements of a map type
    /// are (Helm's `Values`): Go's errors about such a value name that type, not the
    /// value's own (`can't evaluate field x in type interface {}`).
    fn fields_are_interfaces(&self) -> bool {
        false
    }
}

impl Value {
    /// Build a `[]interface {}` list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List {
            items,
            elem: ElemType::Any,
        }))
    }

    /// Build a list with a concrete element type (e.g. `[]string`).
    pub fn typed_list(items: Vec<Value>, elem: ElemType) -> Value {
        Value::List(Arc::new(List { items, elem }))
    }

    /// Build a `map[string]interface {}`.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(Arc::new(Map {
            entries: entries.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            elem: ElemType::Any,
            type_name: None,
        }))
    }

    /// Wrap a host object.
    pub fn object(o: impl Object + 'static) -> Value {
        Value::Object(Arc::new(o))
    }

    /// Whether this is untyped nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string inside, if this is a string of valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => s.as_str(),
            _ => None,
        }
    }

    /// The bytes of a string value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::String(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The value itself, or the data of an object that has one
    /// ([`Object::value`]).
    pub fn resolved(&self) -> std::borrow::Cow<'_, Value> {
        match self {
            Value::Object(o) => match o.value() {
                Some(v) => std::borrow::Cow::Owned(v),
                None => std::borrow::Cow::Borrowed(self),
            },
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// Go's `%T` of the value.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Uint64(_) => "uint64".into(),
            Value::Byte(_) => "uint8".into(),
            Value::Float(_) => "float64".into(),
            Value::Complex(..) => "complex128".into(),
            Value::String(_) => "string".into(),
            Value::List(l) => format!("[]{}", l.elem.go_name()),
            Value::Map(m) => match &m.type_name {
                Some(t) => t.to_string(),
                None => format!("map[string]{}", m.elem.go_name()),
            },
            Value::Object(o) => o.type_name(),
            Value::Func(f) => f.go_type(),
        }
    }

    /// Go's `reflect.Kind` name of the value (what Sprig's `kindOf` shows):
    /// `invalid` for nil, `slice`, `map`, `ptr`/`struct` for objects...
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint64(_) => "uint64",
            Value::Byte(_) => "uint8",
            Value::Float(_) => "float64",
            Value::Complex(..) => "complex128",
            Value::String(_) => "string",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => match o.value() {
                Some(v) => v.kind_name(),
                None if o.type_name().starts_with('*') => "ptr",
                None => "struct",
            },
            Value::Func(_) => "func",
        }
    }

    /// Go's template truth: the zero value of any type is false. The second
    /// result is false for values with no truth (never for this model).
    pub fn truth(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint64(u) => *u != 0,
            Value::Byte(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::Complex(re, im) => *re != 0.0 || *im != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.entries.is_empty(),
            Value::Object(o) => o.value().map_or(!o.is_nil(), |v| v.truth()),
            Value::Func(_) => true,
        }
    }

    /// Length for `len`: strings (bytes), lists and maps.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> Option<usize> {
        match self {
            Value::String(s) => Some(s.len()),
            Value::List(l) => Some(l.items.len()),
            Value::Map(m) => Some(m.entries.len()),
            Value::Object(o) => o.value().and_then(|v| v.len()),
            _ => None,
        }
    }

    /// An integer view (any Go integer kind), as Go's `reflect.Value.Int`.
    pub(crate) fn int_kind(&self) -> Option<i128> {
        match self {
            Value::Int(i) | Value::Int64(i) => Some(*i as i128),
            Value::Uint64(u) => Some(*u as i128),
            Value::Byte(b) => Some(*b as i128),
            _ => None,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Int64(i) => write!(f, "Int64({i})"),
            Value::Uint64(i) => write!(f, "Uint64({i})"),
            Value::Byte(i) => write!(f, "Byte({i})"),
            Value::Float(x) => write!(f, "Float({x})"),
            Value::Complex(re, im) => write!(f, "Complex({re}, {im})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::List(l) => f.debug_list().entries(l.items.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.entries.iter()).finish(),
            Value::Object(o) => write!(f, "Object({})", o.type_name()),
            Value::Func(x) => write!(f, "Func({})", x.name()),
        }
    }
}

impl fmt::Display for Value {
    /// Go's `fmt.Sprint` of the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::fmt::sprint(std::slice::from_ref(self)))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i as i64)
    }
}
impl From<usize> for Value {
    fn from(i: usize) -> Self {
        Value::Int(i as i64)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(GoStr::from(s))
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(GoStr::from(s))
    }
}
impl From<GoStr> for Value {
    fn from(s: GoStr) -> Self {
        Value::String(s)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::list(v)
    }
}
impl From<SortedMap<Value>> for Value {
    fn from(entries: SortedMap<Value>) -> Self {
        Value::Map(Arc::new(Map {
            entries,
            elem: ElemType::Any,
            type_name: None,
        }))
    }
}
impl From<BTreeMap<String, Value>> for Value {
    fn from(entries: BTreeMap<String, Value>) -> Self {
        Value::from(SortedMap::from(entries))
    }
}
