//! Integer and float arithmetic, ranges (`until`, `untilStep`, `seq`).

use kubeplay_gotemplate::{ArgType, ElemType, Func, FuncError, Value};

use super::conversion::{to_float64, to_int64};
use super::decimal::{Decimal, DecimalError};
use super::{arg_int, panic_err};

use ArgType::{Any, Int};

/// Largest list `until`/`untilStep`/`seq` build (Go has no bound; a browser tab needs one).
pub const MAX_RANGE: i64 = 1 << 22;

fn int_list(v: Vec<i64>) -> Value {
    Value::typed_list(v.into_iter().map(Value::Int).collect(), ElemType::Int)
}

pub fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let count = if stop < start {
        if step >= 0 {
            return Ok(vec![]);
        }
        (start - stop).saturating_add(-step - 1) / -step
    } else {
        if step <= 0 {
            return Ok(vec![]);
        }
        (stop - start).saturating_add(step - 1) / step
    };
    if count > MAX_RANGE {
        return Err(FuncError::new(format!(
            "range of {count} elements exceeds the limit of {MAX_RANGE}"
        )));
    }
    let mut v = Vec::with_capacity(count as usize);
    let mut i = start;
    for _ in 0..count {
        v.push(i);
        i = i.wrapping_add(step);
    }
    Ok(v)
}

/// Sprig's `addf`, `subf`, `mulf`, `divf`: the arguments folded with `op` in decimal
/// ([`Decimal`]), the result read back as a float; `first_fixed` when the fold starts from the
/// first argument (else from 0).
fn decimal_op(
    fs: &mut Vec<Func>,
    name: &str,
    first_fixed: bool,
    op: fn(Decimal, Decimal) -> Result<Decimal, DecimalError>,
) {
    let params: &[ArgType] = if first_fixed { &[Any] } else { &[] };
    fs.push(Func::new(name, params, Some(Any), move |_, a| {
        let (first, rest) = if first_fixed {
            (to_float64(&a[0]), &a[1..])
        } else {
            (0.0, a)
        };
        let mut acc = Decimal::from_f64(first).map_err(panic_err)?;
        for x in rest {
            acc =
                op(acc, Decimal::from_f64(to_float64(x)).map_err(panic_err)?).map_err(panic_err)?;
        }
        Ok(Value::Float(acc.to_f64()))
    }));
}

pub fn register(fs: &mut Vec<Func>) {
    fs.push(Func::new("add1", &[Any], None, |_, a| {
        Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
    }));
    fs.push(Func::new("add", &[], Some(Any), |_, a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |s, x| s.wrapping_add(to_int64(x))),
        ))
    }));
    fs.push(Func::new("sub", &[Any, Any], None, |_, a| {
        Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
    }));
    fs.push(Func::new("div", &[Any, Any], None, |_, a| {
        let b = to_int64(&a[1]);
        if b == 0 {
            return Err(panic_err("runtime error: integer divide by zero"));
        }
        Ok(Value::Int64(to_int64(&a[0]).wrapping_div(b)))
    }));
    fs.push(Func::new("mod", &[Any, Any], None, |_, a| {
        let b = to_int64(&a[1]);
        if b == 0 {
            return Err(panic_err("runtime error: integer divide by zero"));
        }
        Ok(Value::Int64(to_int64(&a[0]).wrapping_rem(b)))
    }));
    fs.push(Func::new("mul", &[Any], Some(Any), |_, a| {
        Ok(Value::Int64(
            a[1..]
                .iter()
                .fold(to_int64(&a[0]), |s, x| s.wrapping_mul(to_int64(x))),
        ))
    }));
    for name in ["max", "biggest"] {
        fs.push(Func::new(name, &[Any], Some(Any), |_, a| {
            Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
        }));
    }
    fs.push(Func::new("min", &[Any], Some(Any), |_, a| {
        Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0)))
    }));
    fs.push(Func::new("maxf", &[Any], Some(Any), |_, a| {
        Ok(Value::Float(
            a.iter().map(to_float64).fold(f64::NEG_INFINITY, go_max),
        ))
    }));
    fs.push(Func::new("minf", &[Any], Some(Any), |_, a| {
        Ok(Value::Float(
            a.iter().map(to_float64).fold(f64::INFINITY, go_min),
        ))
    }));
    fs.push(Func::new("ceil", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0]).ceil()))
    }));
    fs.push(Func::new("floor", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0]).floor()))
    }));
    fs.push(Func::new(
        "round",
        &[Any, Int],
        Some(ArgType::Float64),
        |_, a| {
            let round_on = match a.get(2) {
                Some(Value::Float(f)) => *f,
                _ => 0.5,
            };
            let val = to_float64(&a[0]);
            let pow = 10f64.powf(arg_int(&a[1]) as f64);
            let digit = pow * val;
            let frac = digit.fract();
            let r = if frac >= round_on {
                digit.ceil()
            } else {
                digit.floor()
            };
            Ok(Value::Float(r / pow))
        },
    ));
    decimal_op(fs, "addf", false, |x, y| Ok(x.add(y)));
    decimal_op(fs, "subf", true, |x, y| Ok(x.add(y.neg())));
    decimal_op(fs, "divf", true, Decimal::div);
    decimal_op(fs, "mulf", true, |x, y| Ok(x.mul(y)));
    fs.push(Func::new("add1f", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0]) + 1.0))
    }));
    fs.push(Func::new("until", &[Int], None, |_, a| {
        let n = arg_int(&a[0]);
        let step = if n < 0 { -1 } else { 1 };
        Ok(int_list(until_step(0, n, step)?))
    }));
    fs.push(Func::new("untilStep", &[Int, Int, Int], None, |_, a| {
        Ok(int_list(until_step(
            arg_int(&a[0]),
            arg_int(&a[1]),
            arg_int(&a[2]),
        )?))
    }));
    fs.push(Func::new("seq", &[], Some(Int), |_, a| {
        let p: Vec<i64> = a.iter().map(arg_int).collect();
        let v = match p.len() {
            1 => {
                let (start, end) = (1, p[0]);
                let inc = if end < start { -1 } else { 1 };
                until_step(start, end + inc, inc)?
            }
            2 => {
                let (start, end) = (p[0], p[1]);
                let step = if end < start { -1 } else { 1 };
                until_step(start, end + step, step)?
            }
            3 => {
                let (start, step, end) = (p[0], p[1], p[2]);
                let inc = if end < start {
                    if step > 0 {
                        return Ok(Value::from(""));
                    }
                    -1
                } else {
                    if step < 0 {
                        return Ok(Value::from(""));
                    }
                    1
                };
                until_step(start, end + inc, step)?
            }
            _ => return Ok(Value::from("")),
        };
        let s: Vec<String> = v.iter().map(|i| i.to_string()).collect();
        Ok(Value::from(s.join(" ")))
    }));
}

fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}
