//! Go's template comparison functions (`eq`, `ne`, `lt`, `le`, `gt`, `ge`)
//! with their basic-kind rules: ints compare with uints, never with floats.

use crate::value::Value;

const BAD_TYPE: &str = "invalid type for comparison";
const INCOMPATIBLE: &str = "incompatible types for comparison";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Complex,
    String,
}

fn kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Uint64(_) | Value::Byte(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::Complex(..) => Kind::Complex,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn uint_of(v: &Value) -> u64 {
    match v {
        Value::Uint64(u) => *u,
        Value::Byte(b) => *b as u64,
        _ => 0,
    }
}

fn is_nil(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Object(o) => o.is_nil(),
        _ => false,
    }
}

/// Whether Go considers the dynamic type comparable with `==`.
fn comparable(v: &Value) -> bool {
    !matches!(v, Value::List(_) | Value::Map(_) | Value::Func(_))
}

fn basic_eq(a: &Value, b: &Value, k: Kind) -> bool {
    match k {
        Kind::Bool => matches!((a, b), (Value::Bool(x), Value::Bool(y)) if x == y),
        Kind::Int => int_of(a) == int_of(b),
        Kind::Uint => uint_of(a) == uint_of(b),
        Kind::Float => matches!((a, b), (Value::Float(x), Value::Float(y)) if x == y),
        Kind::Complex => {
            matches!((a, b), (Value::Complex(r1, i1), Value::Complex(r2, i2)) if r1 == r2 && i1 == i2)
        }
        Kind::String => a.as_bytes() == b.as_bytes(),
        Kind::Invalid => false,
    }
}

fn incompatible(a: &Value, b: &Value) -> String {
    format!("{INCOMPATIBLE}: {} and {}", a.type_name(), b.type_name())
}

/// `eq arg1 arg2...`: true if arg1 equals any of the others.
pub fn eq(a: &Value, rest: &[Value]) -> Result<bool, String> {
    eq_any(a, rest.iter())
}

/// [`eq`] over borrowed operands (the executor's arguments, without copying them into a
/// vector first).
pub(crate) fn eq_any<'v>(
    a: &Value,
    rest: impl ExactSizeIterator<Item = &'v Value>,
) -> Result<bool, String> {
    if rest.len() == 0 {
        return Err("missing argument for comparison".into());
    }
    let k1 = kind(a);
    for b in rest {
        let k2 = kind(b);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => int_of(a) >= 0 && int_of(a) as u64 == uint_of(b),
                (Kind::Uint, Kind::Int) => int_of(b) >= 0 && uint_of(a) == int_of(b) as u64,
                _ => {
                    if !a.is_nil() && !b.is_nil() {
                        return Err(incompatible(a, b));
                    }
                    false
                }
            }
        } else if k1 != Kind::Invalid {
            basic_eq(a, b, k1)
        } else if is_nil(a) || is_nil(b) {
            is_nil(a) == is_nil(b)
        } else {
            if a.type_name() != b.type_name() {
                return Err(format!(
                    "non-comparable types {}: {}, {}: {}",
                    crate::fmt::sprintf("%s", std::slice::from_ref(a)),
                    a.type_name(),
                    b.type_name(),
                    crate::fmt::sprintf("%v", std::slice::from_ref(b)),
                ));
            }
            if !comparable(b) {
                return Err(format!(
                    "non-comparable type {}: {}",
                    crate::fmt::sprintf("%s", std::slice::from_ref(b)),
                    b.type_name()
                ));
            }
            if !comparable(a) {
                return Err(format!(
                    "non-comparable type {}: {}",
                    crate::fmt::sprintf("%s", std::slice::from_ref(a)),
                    a.type_name()
                ));
            }
            match (a, b) {
                (Value::Object(x), Value::Object(y)) => std::sync::Arc::ptr_eq(x, y),
                _ => false,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `lt a b`.
pub fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let k1 = kind(a);
    if k1 == Kind::Invalid {
        return Err(BAD_TYPE.into());
    }
    let k2 = kind(b);
    if k2 == Kind::Invalid {
        return Err(BAD_TYPE.into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(int_of(a) < 0 || (int_of(a) as u64) < uint_of(b)),
            (Kind::Uint, Kind::Int) => Ok(int_of(b) >= 0 && uint_of(a) < int_of(b) as u64),
            _ => Err(incompatible(a, b)),
        };
    }
    Ok(match (a, b) {
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        _ if k1 == Kind::Int => int_of(a) < int_of(b),
        _ if k1 == Kind::Uint => uint_of(a) < uint_of(b),
        _ => return Err(BAD_TYPE.into()),
    })
}

pub fn ne(a: &Value, b: &Value) -> Result<bool, String> {
    eq(a, std::slice::from_ref(b)).map(|t| !t)
}

pub fn le(a: &Value, b: &Value) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

pub fn gt(a: &Value, b: &Value) -> Result<bool, String> {
    le(a, b).map(|t| !t)
}

pub fn ge(a: &Value, b: &Value) -> Result<bool, String> {
    lt(a, b).map(|t| !t)
}
