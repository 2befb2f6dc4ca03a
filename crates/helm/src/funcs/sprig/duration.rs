//! Durations: Helm 4's `durationSeconds`... helpers and Go's `time.Duration` formatting.

use kubeplay_gotemplate::{ArgType, Func, FuncError, Value};

use crate::funcs::data;

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let err = || format!("time: invalid duration {}", kubeplay_gotemplate::strconv::quote(orig));
    let (neg, mut s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(err());
    }
    let mut total: f64 = 0.0;
    while !s.is_empty() {
        let num_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
        if num_end == 0 {
            return Err(err());
        }
        let n: f64 = s[..num_end].parse().map_err(|_| err())?;
        s = &s[num_end..];
        let unit_end = s.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(s.len());
        let unit = &s[..unit_end];
        s = &s[unit_end..];
        let mult = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(format!("time: missing unit in duration {}", kubeplay_gotemplate::strconv::quote(orig))),
            u => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    kubeplay_gotemplate::strconv::quote(u),
                    kubeplay_gotemplate::strconv::quote(orig)
                ))
            }
        };
        total += n * mult;
    }
    if total > i64::MAX as f64 {
        return Err(err());
    }
    Ok(if neg { -(total as i64) } else { total as i64 })
}

/// Go's `time.Duration.String`.
pub fn format_duration(d: i64) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (val, unit) = if u < 1_000 {
            (u as f64, "ns")
        } else if u < 1_000_000 {
            (u as f64 / 1e3, "µs")
        } else {
            (u as f64 / 1e6, "ms")
        };
        out.push_str(&trim_float(val));
        out.push_str(unit);
    } else {
        let h = u / 3_600_000_000_000;
        let m = (u / 60_000_000_000) % 60;
        let s_ns = u % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        let secs = s_ns / 1_000_000_000;
        let frac = s_ns % 1_000_000_000;
        if frac == 0 {
            out.push_str(&format!("{secs}s"));
        } else {
            let f = format!("{frac:09}");
            out.push_str(&format!("{secs}.{}s", f.trim_end_matches('0')));
        }
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Helm's `asDuration`: a duration string, or a number of seconds.
fn as_duration(v: &Value) -> Result<i64, String> {
    match data(v) {
        Value::String(s) => {
            let s = s.to_str_lossy();
            let t = s.trim();
            if t.is_empty() {
                return Err("empty duration".into());
            }
            if let Ok(d) = parse_duration(t) {
                return Ok(d);
            }
            if let Some(f) = kubeplay_gotemplate::strconv::parse_float(t) {
                return secs_f(f);
            }
            Err(format!("could not parse duration {}", kubeplay_gotemplate::strconv::quote(&s)))
        }
        Value::Nil => Err("invalid duration".into()),
        Value::Int(i) | Value::Int64(i) => i
            .checked_mul(1_000_000_000)
            .ok_or_else(|| format!("duration seconds overflow: {i}")),
        Value::Uint64(u) => i64::try_from(u)
            .ok()
            .and_then(|i| i.checked_mul(1_000_000_000))
            .ok_or_else(|| format!("duration seconds overflow: {u}")),
        Value::Float(f) => secs_f(f),
        other => Err(format!("unsupported duration type {}", other.type_name())),
    }
}

fn secs_f(f: f64) -> Result<i64, String> {
    if f.is_nan() || f.is_infinite() {
        return Err(format!("invalid duration seconds: {f}"));
    }
    let n = f * 1e9;
    if n > i64::MAX as f64 || n < i64::MIN as f64 {
        return Err(format!("duration seconds overflow: {f}"));
    }
    Ok(n as i64)
}

/// Registers Helm 4's duration helpers (part of Helm's function map, not Sprig's).
pub fn register_helm(fs: &mut Vec<Func>) {
    use ArgType::Any;
    fs.push(Func::new("mustToDuration", &[Any], None, |_, a| {
        as_duration(&a[0]).map(|d| Value::from(format_duration(d))).map_err(FuncError::new)
    }));
    let unit = |name: &'static str, f: fn(i64) -> Value| {
        Func::new(name, &[Any], None, move |_, a| {
            Ok(match as_duration(&a[0]) {
                Ok(d) => f(d),
                Err(_) => f(0),
            })
        })
    };
    fs.push(unit("durationSeconds", |d| Value::Float(d as f64 / 1e9)));
    fs.push(unit("durationMilliseconds", |d| Value::Int64(d / 1_000_000)));
    fs.push(unit("durationMicroseconds", |d| Value::Int64(d / 1_000)));
    fs.push(unit("durationNanoseconds", Value::Int64));
    fs.push(unit("durationMinutes", |d| Value::Float(d as f64 / 60e9)));
    fs.push(unit("durationHours", |d| Value::Float(d as f64 / 3600e9)));
    fs.push(unit("durationDays", |d| Value::Float(d as f64 / 86400e9)));
    fs.push(unit("durationWeeks", |d| Value::Float(d as f64 / 604800e9)));
    for (name, trunc) in [("durationRoundTo", false), ("durationTruncateTo", true)] {
        fs.push(Func::new(name, &[Any, Any], None, move |_, a| {
            let (Ok(d), Ok(m)) = (as_duration(&a[0]), as_duration(&a[1])) else {
                return Ok(Value::from("0s"));
            };
            if m <= 0 {
                return Ok(Value::from(format_duration(d)));
            }
            let r = if trunc {
                d - d % m
            } else {
                let rem = d % m;
                if rem.abs() * 2 >= m {
                    d - rem + if d < 0 { -m } else { m }
                } else {
                    d - rem
                }
            };
            Ok(Value::from(format_duration(r)))
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(format_duration(5_400_000_000_000), "1h30m0s");
        assert_eq!(format_duration(1_500_000), "1.5ms");
        assert!(parse_duration("5x").is_err());
    }
}
