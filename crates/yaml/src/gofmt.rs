//! Go's float formatting (`strconv.FormatFloat` and `encoding/json`), which decides how
//! numbers look after a round trip through Go.

/// Shortest round-trip digits and decimal exponent: `1234.5` is ("12345", 4), meaning
/// 0.12345 * 10^4, as Go's `decimalSlice` (`d`, `dp`).
fn shortest(f: f64, bits32: bool) -> (String, i32) {
    let s = if bits32 {
        format!("{:e}", f.abs() as f32)
    } else {
        format!("{:e}", f.abs())
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    if digits.chars().all(|c| c == '0') {
        return ("0".to_string(), 1);
    }
    (digits, exp + 1)
}

fn sign(f: f64) -> &'static str {
    if f.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

fn fmt_e(f: f64, digits: &str, dp: i32) -> String {
    let mut out = String::from(sign(f));
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    let exp = if digits == "0" { 0 } else { dp - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

fn fmt_f(f: f64, digits: &str, dp: i32) -> String {
    let mut out = String::from(sign(f));
    let nd = digits.len() as i32;
    if dp > 0 {
        let int_len = dp.min(nd) as usize;
        out.push_str(&digits[..int_len]);
        for _ in nd..dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    let frac = (nd - dp).max(0);
    if frac > 0 {
        out.push('.');
        for i in 0..frac {
            let idx = dp + i;
            out.push(if idx < 0 {
                '0'
            } else {
                digits.as_bytes()[idx as usize] as char
            });
        }
    }
    out
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (or 32 with `bits32`), with go-yaml's spellings of
/// the special values (`.inf`, `-.inf`, `.nan`).
pub fn format_float_g(f: f64, bits32: bool) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    let (digits, dp) = shortest(f, bits32);
    let exp = dp - 1;
    // %e when the exponent is < -4 or >= 6 (Go's precision for shortest %g).
    if digits != "0" && !(-4..6).contains(&exp) {
        fmt_e(f, &digits, dp)
    } else {
        fmt_f(f, &digits, dp)
    }
}

/// How Go's `encoding/json` prints a float64: plain decimal between 1e-6 and 1e21, otherwise
/// exponent form with a trimmed exponent (`1e-7`, `1e+21`).
pub fn go_json_float(f: f64) -> String {
    let (digits, dp) = shortest(f, false);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = fmt_e(f, &digits, dp);
        // Clean up e-09 to e-9, as encoding/json does.
        let n = s.len();
        let b = s.as_bytes();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
        s
    } else {
        fmt_f(f, &digits, dp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_matches_go() {
        assert_eq!(format_float_g(1.0, false), "1");
        assert_eq!(format_float_g(1.5, false), "1.5");
        assert_eq!(format_float_g(100000.0, false), "100000");
        assert_eq!(format_float_g(1e6, false), "1e+06");
        assert_eq!(format_float_g(1234567.5, false), "1.2345675e+06");
        assert_eq!(format_float_g(0.0001, false), "0.0001");
        assert_eq!(format_float_g(0.00001, false), "1e-05");
        assert_eq!(format_float_g(-2.5e-10, false), "-2.5e-10");
        assert_eq!(format_float_g(1e20, false), "1e+20");
        assert_eq!(format_float_g(0.0, false), "0");
        assert_eq!(format_float_g(0.1, true), "0.1");
        assert_eq!(format_float_g(f64::INFINITY, false), ".inf");
    }

    #[test]
    fn json_format_matches_go() {
        assert_eq!(go_json_float(1.0), "1");
        assert_eq!(go_json_float(1e20), "100000000000000000000");
        assert_eq!(go_json_float(1e21), "1e+21");
        assert_eq!(go_json_float(1e-7), "1e-7");
        assert_eq!(go_json_float(0.000001), "0.000001");
        assert_eq!(go_json_float(-1.25), "-1.25");
        assert_eq!(go_json_float(123456.789), "123456.789");
    }
}
