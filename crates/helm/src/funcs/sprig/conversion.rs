//! Type conversion: `int`, `int64`, `float64`, `atoi`, `toDecimal`, `toString`,
//! `toStrings`, with spf13/cast's rules (errors become zero).

use kubeplay_gotemplate::{ArgType, ElemType, Func, Value};

use super::arg_str;
use crate::funcs::{data, strval};

/// Go's `strconv.ParseInt(s, 0, 64)`: base prefixes, and underscores between digits.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits, prefixed) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r, true)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r, true)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r, true)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..], true)
        } else {
            (10, body, false)
        };
    // Underscores separate digits (a prefix counts as one): never doubled or last, and
    // first only right after a prefix.
    if digits.contains("__") || digits.ends_with('_') || (!prefixed && digits.starts_with('_')) {
        return None;
    }
    let digits = digits.replace('_', "");
    if digits.is_empty() {
        return None;
    }
    let mag = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if mag > i64::MAX as u64 + 1 {
            return None;
        }
        Some((mag as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(mag).ok()
    }
}

/// cast's `trimZeroDecimal`: `"10.00"` -> `"10"`.
fn trim_zero_decimal(s: &str) -> &str {
    if let Some((a, b)) = s.split_once('.') {
        if !b.is_empty() && b.bytes().all(|c| c == b'0') {
            return a;
        }
    }
    s
}

/// `cast.ToInt64`.
pub fn to_int64(v: &Value) -> i64 {
    match data(v) {
        Value::Int(i) | Value::Int64(i) => i,
        Value::Uint64(u) => u as i64,
        Value::Byte(b) => b as i64,
        Value::Float(f) => {
            if f.is_nan() {
                i64::MIN
            } else {
                f as i64
            }
        }
        Value::Bool(b) => b as i64,
        Value::String(s) => parse_int_base0(trim_zero_decimal(&s.to_str_lossy())).unwrap_or(0),
        _ => 0,
    }
}

/// `cast.ToFloat64`.
pub fn to_float64(v: &Value) -> f64 {
    match data(v) {
        Value::Int(i) | Value::Int64(i) => i as f64,
        Value::Uint64(u) => u as f64,
        Value::Byte(b) => b as f64,
        Value::Float(f) => f,
        Value::Bool(b) => b as i64 as f64,
        Value::String(s) => parse_float(&s.to_str_lossy()).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat` as `cast` uses it: a literal's syntax, and also infinities and
/// NaN by name in any case (`+Inf`, `infinity`, `nan`).
fn parse_float(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'+') => (1.0, &s[1..]),
        Some(b'-') => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => Some(sign * f64::INFINITY),
        "nan" if body.len() == s.len() => Some(f64::NAN),
        _ => kubeplay_gotemplate::strconv::parse_float(s),
    }
}

/// Sprig's `strslice`.
pub fn strslice(v: &Value) -> Vec<String> {
    match data(v) {
        Value::List(l) => l.items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(&other)],
    }
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::{Any, String as Str};
    fs.push(Func::new("atoi", &[Str], None, |_, a| {
        let s = arg_str(&a[0]);
        Ok(Value::Int(go_atoi(&s).unwrap_or(0)))
    }));
    fs.push(Func::new("int64", &[Any], None, |_, a| {
        Ok(Value::Int64(to_int64(&a[0])))
    }));
    fs.push(Func::new("int", &[Any], None, |_, a| {
        Ok(Value::Int(to_int64(&a[0])))
    }));
    fs.push(Func::new("float64", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0])))
    }));
    fs.push(Func::new("toDecimal", &[Any], None, |_, a| {
        let s = strval(&a[0]);
        Ok(Value::Int64(i64::from_str_radix(&s, 8).unwrap_or(0)))
    }));
    fs.push(Func::new("toString", &[Any], None, |_, a| {
        Ok(Value::from(strval(&a[0])))
    }));
    fs.push(Func::new("toStrings", &[Any], None, |_, a| {
        Ok(Value::typed_list(
            strslice(&a[0]).into_iter().map(Value::from).collect(),
            ElemType::String,
        ))
    }));
}

/// Go's `strconv.Atoi` (base 10, optional sign).
pub fn go_atoi(s: &str) -> Option<i64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_rules() {
        assert_eq!(to_int64(&Value::from("0x1F")), 31);
        assert_eq!(to_int64(&Value::from("010")), 8);
        assert_eq!(to_int64(&Value::from("12.00")), 12);
        assert_eq!(to_int64(&Value::from("12.5")), 0);
        assert_eq!(to_int64(&Value::Float(3.9)), 3);
        assert_eq!(to_float64(&Value::from("2.5")), 2.5);
    }

    /// `int` reads strings as Go's `ParseInt(s, 0, 0)`: underscores between digits, with or
    /// without a base prefix (values from the Helm 4.2.3 library; 0 is cast's error value).
    #[test]
    fn underscores_separate_digits() {
        let int = |s: &str| to_int64(&Value::from(s));
        let got: Vec<i64> = [
            "1_000", "_1", "1__0", "1_", "0_7", "0x_1f", "-1_0", "1_0.0", "0_x1",
        ]
        .iter()
        .map(|s| int(s))
        .collect();
        assert_eq!(got, [1000, 0, 0, 0, 7, 31, -10, 10, 0]);
    }
}
