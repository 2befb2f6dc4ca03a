//! Dates with Go's reference-time layouts. There is no wall clock below the page: `now` is
//! the instant the caller gives in [`RenderOptions::now`](crate::RenderOptions) (the CLI
//! passes the real time, tests a fixed one), and every zone is UTC.

use kubeplay_gotemplate::{ArgType, Func, FuncError, Object, Value};

use super::arg_str;
use super::duration::{format_duration, parse_duration};

/// The default instant `now` returns: 2025-01-01T00:00:00Z.
pub const DEFAULT_NOW_UNIX: i64 = 1_735_689_600;

thread_local! {
    static NOW: std::cell::Cell<i64> = const { std::cell::Cell::new(DEFAULT_NOW_UNIX) };
}

/// Sets the instant `now` returns on this thread (the engine calls it per render).
pub fn set_now(unix: i64) {
    NOW.with(|n| n.set(unix));
}

/// The instant `now` returns, in Unix seconds.
pub fn now_unix() -> i64 {
    NOW.with(|n| n.get())
}

/// A `time.Time` in UTC.
#[derive(Clone, Copy, Debug)]
pub struct Time {
    pub secs: i64,
    pub nanos: u32,
}

impl Time {
    /// Go's zero `time.Time`: January 1, year 1, 00:00:00 UTC.
    const ZERO: Time = Time {
        secs: -62_135_596_800,
        nanos: 0,
    };
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// How many days month `m` (1 to 12) of year `y` has.
fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Time {
    fn parts(&self) -> (i64, u32, u32, u32, u32, u32, usize, u32) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        let wd = (days + 4).rem_euclid(7) as usize;
        let yday = (days - days_from_civil(y, 1, 1) + 1) as u32;
        (y, m, d, rem / 3600, rem / 60 % 60, rem % 60, wd, yday)
    }

    /// Go's `Time.Format(layout)` for a UTC time.
    pub fn format(&self, layout: &str) -> String {
        let (y, mo, d, h, mi, s, wd, yday) = self.parts();
        let mut out = String::new();
        let mut rest = layout;
        while !rest.is_empty() {
            let tokens: &[(&str, &dyn Fn() -> String)] = &[
                ("January", &|| MONTHS[mo as usize - 1].to_string()),
                ("Jan", &|| MONTHS[mo as usize - 1][..3].to_string()),
                ("Monday", &|| DAYS[wd].to_string()),
                ("Mon", &|| DAYS[wd][..3].to_string()),
                ("MST", &|| "UTC".to_string()),
                ("2006", &|| format!("{y:04}")),
                ("Z07:00", &|| "Z".to_string()),
                ("Z0700", &|| "Z".to_string()),
                ("Z07", &|| "Z".to_string()),
                ("-07:00:00", &|| "+00:00:00".to_string()),
                ("-07:00", &|| "+00:00".to_string()),
                ("-0700", &|| "+0000".to_string()),
                ("-07", &|| "+00".to_string()),
                ("002", &|| format!("{yday:03}")),
                ("01", &|| format!("{mo:02}")),
                ("02", &|| format!("{d:02}")),
                ("_2", &|| format!("{d:>2}")),
                ("06", &|| format!("{:02}", y.rem_euclid(100))),
                ("15", &|| format!("{h:02}")),
                ("03", &|| {
                    format!("{:02}", if h % 12 == 0 { 12 } else { h % 12 })
                }),
                ("04", &|| format!("{mi:02}")),
                ("05", &|| format!("{s:02}")),
                ("PM", &|| if h >= 12 { "PM" } else { "AM" }.to_string()),
                ("pm", &|| if h >= 12 { "pm" } else { "am" }.to_string()),
                ("1", &|| mo.to_string()),
                ("2", &|| d.to_string()),
                ("3", &|| (if h % 12 == 0 { 12 } else { h % 12 }).to_string()),
                ("4", &|| mi.to_string()),
                ("5", &|| s.to_string()),
            ];
            // fractional seconds: .000 / .999 / ,000
            if rest.len() > 1
                && matches!(rest.as_bytes()[0], b'.' | b',')
                && matches!(rest.as_bytes()[1], b'0' | b'9')
            {
                let digit = rest.as_bytes()[1];
                let n = rest[1..].bytes().take_while(|&b| b == digit).count();
                let after = rest.as_bytes().get(1 + n);
                if !after.is_some_and(|b| b.is_ascii_digit()) {
                    let frac = format!("{:09}", self.nanos);
                    let f = &frac[..n.min(9)];
                    if digit == b'0' {
                        out.push(rest.as_bytes()[0] as char);
                        out.push_str(f);
                    } else {
                        let t = f.trim_end_matches('0');
                        if !t.is_empty() {
                            out.push(rest.as_bytes()[0] as char);
                            out.push_str(t);
                        }
                    }
                    rest = &rest[1 + n..];
                    continue;
                }
            }
            if let Some((tok, f)) = tokens.iter().find(|(t, _)| rest.starts_with(t)) {
                out.push_str(&f());
                rest = &rest[tok.len()..];
            } else {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        out
    }

    /// Go's `Time.String()`.
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }

    /// Parses `value` with a Go layout (numeric fields, month names, zones as UTC offsets).
    pub fn parse(layout: &str, value: &str) -> Result<Time, String> {
        // Go names the layout element that failed and what was left of the value there.
        let fail = |rest: &str, element: &str| {
            let q = kubeplay_gotemplate::strconv::quote;
            format!(
                "parsing time {} as {}: cannot parse {} as {}",
                q(value),
                q(layout),
                q(rest),
                q(element)
            )
        };
        // The element being read and the value where it starts, for `err`.
        let element = std::cell::Cell::new(("", value));
        let err = || {
            let (name, at) = element.get();
            fail(at, name)
        };
        let in_range = |n: u32, min: u32, max: u32, what: &str| {
            if (min..=max).contains(&n) {
                return Ok(());
            }
            let value = kubeplay_gotemplate::strconv::quote(value);
            Err(format!("parsing time {value}: {what} out of range"))
        };
        let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut nanos, mut off) =
            (1i64, 1u32, 1u32, 0u32, 0u32, 0u32, 0u32, 0i64);
        let mut pm: Option<bool> = None;
        let mut l = layout;
        let mut v = value;
        let num = |v: &mut &str, max: usize, exact: bool| -> Option<i64> {
            let n = v
                .bytes()
                .take(max)
                .take_while(|b| b.is_ascii_digit())
                .count();
            if n == 0 || (exact && n != max) {
                return None;
            }
            let x = v[..n].parse().ok()?;
            *v = &v[n..];
            Some(x)
        };
        while !l.is_empty() {
            macro_rules! tok {
                ($t:expr, $body:block) => {
                    if l.starts_with($t) {
                        l = &l[$t.len()..];
                        element.set(($t, v));
                        $body
                        continue;
                    }
                };
            }
            tok!("2006", {
                y = num(&mut v, 4, true).ok_or_else(err)?;
            });
            tok!("January", {
                let i = MONTHS
                    .iter()
                    .position(|m| v.starts_with(m))
                    .ok_or_else(err)?;
                v = &v[MONTHS[i].len()..];
                mo = i as u32 + 1;
            });
            tok!("Jan", {
                let i = MONTHS
                    .iter()
                    .position(|m| v.starts_with(&m[..3]))
                    .ok_or_else(err)?;
                v = &v[3..];
                mo = i as u32 + 1;
            });
            tok!("Monday", {
                let i = DAYS.iter().position(|m| v.starts_with(m)).ok_or_else(err)?;
                v = &v[DAYS[i].len()..];
            });
            tok!("Mon", {
                DAYS.iter()
                    .position(|m| v.starts_with(&m[..3]))
                    .ok_or_else(err)?;
                v = &v[3..];
            });
            tok!("MST", {
                let n = v.bytes().take_while(|b| b.is_ascii_uppercase()).count();
                v = &v[n..];
            });
            for z in ["Z07:00", "-07:00", "Z0700", "-0700"] {
                if l.starts_with(z) {
                    l = &l[z.len()..];
                    element.set((z, v));
                    if z.starts_with('Z') && v.starts_with('Z') {
                        v = &v[1..];
                    } else {
                        let sign = match v.as_bytes().first() {
                            Some(b'+') => 1,
                            Some(b'-') => -1,
                            _ => return Err(err()),
                        };
                        v = &v[1..];
                        let hh = num(&mut v, 2, true).ok_or_else(err)?;
                        if z.contains(':') {
                            v = v.strip_prefix(':').ok_or_else(err)?;
                        }
                        let mm = num(&mut v, 2, true).ok_or_else(err)?;
                        off = sign * (hh * 3600 + mm * 60);
                    }
                    break;
                }
            }
            tok!("01", {
                mo = num(&mut v, 2, true).ok_or_else(err)? as u32;
                in_range(mo, 1, 12, "month")?;
            });
            tok!("02", {
                d = num(&mut v, 2, true).ok_or_else(err)? as u32;
            });
            tok!("_2", {
                v = v.trim_start_matches(' ');
                d = num(&mut v, 2, false).ok_or_else(err)? as u32;
            });
            tok!("06", {
                y = 2000 + num(&mut v, 2, true).ok_or_else(err)?;
                if y >= 2069 {
                    y -= 100;
                }
            });
            tok!("15", {
                h = num(&mut v, 2, false).ok_or_else(err)? as u32;
                in_range(h, 0, 23, "hour")?;
            });
            tok!("03", {
                h = num(&mut v, 2, true).ok_or_else(err)? as u32;
                in_range(h, 0, 12, "hour")?;
            });
            tok!("04", {
                mi = num(&mut v, 2, true).ok_or_else(err)? as u32;
                in_range(mi, 0, 59, "minute")?;
            });
            tok!("05", {
                s = num(&mut v, 2, true).ok_or_else(err)? as u32;
                in_range(s, 0, 59, "second")?;
                if let Some(rest) = v.strip_prefix('.') {
                    if !l.starts_with('.') {
                        let n = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
                        let frac = format!("{:0<9}", &rest[..n.min(9)]);
                        nanos = frac.parse().unwrap_or(0);
                        v = &rest[n..];
                    }
                }
            });
            tok!("PM", {
                pm = Some(v.starts_with("PM"));
                v = v.get(2..).ok_or_else(err)?;
            });
            tok!("1", {
                mo = num(&mut v, 2, false).ok_or_else(err)? as u32;
                in_range(mo, 1, 12, "month")?;
            });
            tok!("2", {
                d = num(&mut v, 2, false).ok_or_else(err)? as u32;
            });
            tok!("3", {
                h = num(&mut v, 2, false).ok_or_else(err)? as u32;
                in_range(h, 0, 12, "hour")?;
            });
            tok!("4", {
                mi = num(&mut v, 2, false).ok_or_else(err)? as u32;
                in_range(mi, 0, 59, "minute")?;
            });
            tok!("5", {
                s = num(&mut v, 2, false).ok_or_else(err)? as u32;
                in_range(s, 0, 59, "second")?;
            });
            if (l.starts_with(".0") || l.starts_with(".9")) && v.starts_with('.') {
                let n = l[1..]
                    .bytes()
                    .take_while(|b| *b == b'0' || *b == b'9')
                    .count();
                l = &l[1 + n..];
                let rest = &v[1..];
                let k = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
                let frac = format!("{:0<9}", &rest[..k.min(9)]);
                nanos = frac.parse().unwrap_or(0);
                v = &rest[k..];
                continue;
            }
            let c = l.chars().next().unwrap_or(' ');
            if !v.starts_with(c) {
                return Err(fail(v, literal_prefix(l)));
            }
            l = &l[c.len_utf8()..];
            v = &v[c.len_utf8()..];
        }
        if !v.is_empty() {
            return Err(format!(
                "parsing time {}: extra text: {}",
                kubeplay_gotemplate::strconv::quote(value),
                kubeplay_gotemplate::strconv::quote(v)
            ));
        }
        if let Some(p) = pm {
            if p && h < 12 {
                h += 12;
            } else if !p && h == 12 {
                h = 0;
            }
        }
        // Go checks each field as it reads it, and the day against its month at the end.
        in_range(d, 1, days_in_month(y, mo), "day")?;
        let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s) as i64 - off;
        Ok(Time { secs, nanos })
    }
}

/// The layout elements [`Time::parse`] reads (Go's std chunks that it supports).
const LAYOUT_ELEMENTS: [&str; 24] = [
    "2006", "January", "Jan", "Monday", "Mon", "MST", "Z07:00", "-07:00", "Z0700", "-0700", "01",
    "02", "_2", "06", "15", "03", "04", "05", "PM", "1", "2", "3", "4", "5",
];

/// The literal text at the start of `layout`, up to its next element: what Go's errors name
/// when the value does not match it.
fn literal_prefix(layout: &str) -> &str {
    let next = layout.char_indices().skip(1).find(|(i, _)| {
        let rest = &layout[*i..];
        LAYOUT_ELEMENTS.iter().any(|e| rest.starts_with(e))
            || rest.starts_with(".0")
            || rest.starts_with(".9")
    });
    &layout[..next.map_or(layout.len(), |(i, _)| i)]
}

/// The Go type of [`Time`], as errors name it.
const TIME_TYPE: &str = "time.Time";

impl Object for Time {
    fn type_name(&self) -> String {
        TIME_TYPE.into()
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Func> {
        let t = *self;
        Some(match name {
            "Unix" => Func::new("Unix", &[], None, move |_, _| Ok(Value::Int64(t.secs))),
            "UnixNano" => Func::new("UnixNano", &[], None, move |_, _| {
                Ok(Value::Int64(
                    t.secs.saturating_mul(1_000_000_000) + t.nanos as i64,
                ))
            }),
            "Year" => Func::new("Year", &[], None, move |_, _| Ok(Value::Int(t.parts().0))),
            "Format" => Func::new("Format", &[ArgType::String], None, move |_, a| {
                Ok(Value::from(t.format(&arg_str(&a[0]))))
            }),
            "UTC" | "Local" => Func::new(name, &[], None, move |_, _| Ok(Value::object(t))),
            "String" => Func::new("String", &[], None, move |_, _| {
                Ok(Value::from(t.go_string()))
            }),
            _ => return None,
        })
    }
    fn format(&self) -> String {
        self.go_string()
    }
}

/// The time Sprig's `interface {}` date arguments stand for: a `time.Time`, or seconds since
/// the epoch as an `int` or `int64`; anything else is none (Sprig then takes the current time).
fn to_time(v: &Value) -> Option<Time> {
    match v {
        Value::Object(o) => o.as_any()?.downcast_ref::<Time>().copied(),
        Value::Int(i) | Value::Int64(i) => Some(Time { secs: *i, nanos: 0 }),
        _ => None,
    }
}

fn date_fmt(layout: &str, v: &Value) -> String {
    let t = to_time(v).unwrap_or(Time {
        secs: now_unix(),
        nanos: 0,
    });
    t.format(layout)
}

pub fn register(fs: &mut Vec<Func>) {
    use ArgType::{Any, String as Str};
    // Sprig's `dateModify` and `unixEpoch` take a `time.Time`: Go checks the argument.
    const TIME: ArgType = ArgType::Object(TIME_TYPE);
    fs.push(Func::new("now", &[], None, |_, _| {
        Ok(Value::object(Time {
            secs: now_unix(),
            nanos: 0,
        }))
    }));
    fs.push(Func::new("date", &[Str, Any], None, |_, a| {
        Ok(Value::from(date_fmt(&arg_str(&a[0]), &a[1])))
    }));
    for n in ["dateInZone", "date_in_zone"] {
        fs.push(Func::new(n, &[Str, Any, Str], None, |_, a| {
            Ok(Value::from(date_fmt(&arg_str(&a[0]), &a[1])))
        }));
    }
    fs.push(Func::new("htmlDate", &[Any], None, |_, a| {
        Ok(Value::from(date_fmt("2006-01-02", &a[0])))
    }));
    fs.push(Func::new("htmlDateInZone", &[Any, Str], None, |_, a| {
        Ok(Value::from(date_fmt("2006-01-02", &a[0])))
    }));
    fs.push(Func::new("unixEpoch", &[TIME], None, |_, a| {
        let t = to_time(&a[0]).unwrap_or(Time::ZERO);
        Ok(Value::from(t.secs.to_string()))
    }));
    fs.push(Func::new("toDate", &[Str, Str], None, |_, a| {
        Ok(Value::object(
            Time::parse(&arg_str(&a[0]), &arg_str(&a[1])).unwrap_or(Time::ZERO),
        ))
    }));
    fs.push(Func::new("mustToDate", &[Str, Str], None, |_, a| {
        Time::parse(&arg_str(&a[0]), &arg_str(&a[1]))
            .map(Value::object)
            .map_err(FuncError::new)
    }));
    for (n, must) in [
        ("dateModify", false),
        ("date_modify", false),
        ("mustDateModify", true),
        ("must_date_modify", true),
    ] {
        fs.push(Func::new(n, &[Str, TIME], None, move |_, a| {
            let t = to_time(&a[1]).unwrap_or(Time::ZERO);
            match parse_duration(&arg_str(&a[0])) {
                Ok(d) => {
                    let total = t.secs as i128 * 1_000_000_000 + t.nanos as i128 + d as i128;
                    Ok(Value::object(Time {
                        secs: total.div_euclid(1_000_000_000) as i64,
                        nanos: total.rem_euclid(1_000_000_000) as u32,
                    }))
                }
                Err(e) if must => Err(FuncError::new(e)),
                Err(_) => Ok(Value::object(t)),
            }
        }));
    }
    fs.push(Func::new("ago", &[Any], None, |_, a| {
        let t = to_time(&a[0]).unwrap_or(Time {
            secs: now_unix(),
            nanos: 0,
        });
        Ok(Value::from(format_duration(
            (now_unix() - t.secs).saturating_mul(1_000_000_000),
        )))
    }));
    fs.push(Func::new("duration", &[Any], None, |_, a| {
        // Sprig reads a string (base 10) or an int64; anything else, an int included, is 0.
        let n = match &a[0] {
            Value::String(s) => s.to_str_lossy().parse::<i64>().unwrap_or(0),
            Value::Int64(n) => *n,
            _ => 0,
        };
        Ok(Value::from(format_duration(
            n.saturating_mul(1_000_000_000),
        )))
    }));
    fs.push(Func::new("durationRound", &[Any], None, |_, a| {
        let d: i64 = match &a[0] {
            Value::String(s) => parse_duration(&s.to_str_lossy()).unwrap_or(0),
            Value::Object(o) if o.type_name() == "time.Time" => {
                let t = to_time(&a[0]).unwrap_or(Time {
                    secs: now_unix(),
                    nanos: 0,
                });
                (now_unix() - t.secs).saturating_mul(1_000_000_000)
            }
            other => super::conversion::to_int64(other),
        };
        let u = d.unsigned_abs();
        let (year, month, day, hour, minute, second) = (
            365 * 24 * 3_600_000_000_000u64,
            30 * 24 * 3_600_000_000_000u64,
            24 * 3_600_000_000_000u64,
            3_600_000_000_000u64,
            60_000_000_000u64,
            1_000_000_000u64,
        );
        let s = if u > year {
            format!("{}y", u / year)
        } else if u > month {
            format!("{}mo", u / month)
        } else if u > day {
            format!("{}d", u / day)
        } else if u > hour {
            format!("{}h", u / hour)
        } else if u > minute {
            format!("{}m", u / minute)
        } else if u > second {
            format!("{}s", u / second)
        } else {
            "0s".to_string()
        };
        Ok(Value::from(s))
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let t = Time {
            secs: now_unix() + 3723,
            nanos: 500_000_000,
        };
        assert_eq!(
            t.format("2006-01-02T15:04:05Z07:00"),
            "2025-01-01T01:02:03Z"
        );
        assert_eq!(t.format("Mon Jan _2 3:04PM"), "Wed Jan  1 1:02AM");
        assert_eq!(t.go_string(), "2025-01-01 01:02:03.5 +0000 UTC");
        let p = Time::parse("2006-01-02", "2024-02-29").unwrap();
        assert_eq!(p.format("Jan 2, 2006"), "Feb 29, 2024");
    }

    /// Parse errors name what Go's do: the layout element that failed and what was left of
    /// the value there, or the first field out of range (messages from the Helm 4.2.3
    /// library's `mustToDate`).
    #[test]
    fn parse_errors_are_gos() {
        let err = |layout, value| Time::parse(layout, value).unwrap_err();
        let cases = [
            (
                "2006-01-02",
                "bad",
                r#" as "2006-01-02": cannot parse "bad" as "2006""#,
            ),
            (
                "2006-01-02",
                "2024/01/02",
                r#" as "2006-01-02": cannot parse "/01/02" as "-""#,
            ),
            (
                "2006-01-02T15:04:05Z07:00",
                "2024-01-02T10:00:00+0100",
                r#" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00""#,
            ),
            (
                "Jan 2 2006",
                "Foo 2 2024",
                r#" as "Jan 2 2006": cannot parse "Foo 2 2024" as "Jan""#,
            ),
            (
                "02/01/2006 15:04",
                "31/12/2024 25:00",
                ": hour out of range",
            ),
            ("2006-01-02", "2024-13-01", ": month out of range"),
            ("2006-01-02", "2023-02-29", ": day out of range"),
            (
                "2006-01-02 15:04:05",
                "2024-01-02 10:00:61",
                ": second out of range",
            ),
        ];
        for (layout, value, tail) in cases {
            let head = format!(
                "parsing time {}",
                kubeplay_gotemplate::strconv::quote(value)
            );
            assert_eq!(
                err(layout, value),
                format!("{head}{tail}"),
                "{layout} {value}"
            );
        }
        assert!(Time::parse("2006-01-02", "2024-02-29").is_ok());
    }

    /// Sprig's `duration` reads a string (base 10) or an `int64`; an `int` is 0 seconds.
    #[test]
    fn duration_reads_what_sprig_reads() {
        let run = |src: &str| crate::funcs::execute_text(src).unwrap();
        assert_eq!(
            run(
                r#"{{ duration 3661 }} {{ duration "3661" }} {{ duration "0x10" }} {{ duration 1.5 }}"#
            ),
            "0s 1h1m1s 0s 0s"
        );
        assert_eq!(
            run(
                r#"{{ dateModify "-1.5h" (toDate "2006-01-02" "2024-01-01") | date "2006-01-02 15:04" }} {{ unixEpoch (toDate "2006-01-02" "2024-01-01") }}"#
            ),
            "2023-12-31 22:30 1704067200"
        );
    }

    /// `toJson` and `toYaml` marshal a time as RFC 3339, as Go's `MarshalJSON` does.
    #[test]
    fn times_marshal_as_rfc3339() {
        let out = crate::funcs::execute_text(
            r#"{{ $t := toDate "2006-01-02" "2024-01-01" }}{{ toJson $t }} {{ toYaml $t }} {{ dateModify "1.5s" $t | toJson }}"#,
        );
        assert_eq!(
            out.unwrap(),
            r#""2024-01-01T00:00:00Z" "2024-01-01T00:00:00Z" "2024-01-01T00:00:01.5Z""#
        );
    }
}
