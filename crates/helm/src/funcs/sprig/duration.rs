//! Go's `time.Duration` parsing and formatting, for Sprig's date functions. (Helm 4.2 has
//! no `durationSeconds` family yet: charts calling them fail to parse there, and here.)

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let err = || {
        format!(
            "time: invalid duration {}",
            kubeplay_gotemplate::strconv::quote(orig)
        )
    };
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
        let num_end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        if num_end == 0 {
            return Err(err());
        }
        let n: f64 = s[..num_end].parse().map_err(|_| err())?;
        s = &s[num_end..];
        let unit_end = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_end];
        s = &s[unit_end..];
        let mult = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    kubeplay_gotemplate::strconv::quote(orig)
                ))
            }
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
