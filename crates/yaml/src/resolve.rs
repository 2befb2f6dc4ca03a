//! Implicit typing of scalars, following go-yaml's `resolve` (v3 and v2).
//!
//! Both go-yaml versions pick a candidate from the first byte, look the text up in a small
//! table (null/bool/special floats/merge), and otherwise try Go's `strconv.ParseInt(s, 0,
//! 64)` (so `0x1F`, `0o17`, `0b101` and `0777`-octal all work, after dropping `_`), then
//! `ParseUint`, then a float regex. Timestamps are recognised for plain scalars. v2 differs only
//! in its YAML 1.1 booleans (`yes`/`no`/`on`/`off`/`y`/`n`). Neither supports sexagesimal
//! numbers when reading; both quote them when writing (see [`is_base60_float`]).

/// Which go-yaml resolver to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Schema {
    /// go-yaml v3, used by kyaml/kustomize: booleans are only `true`/`false` (3 casings).
    #[default]
    GoYamlV3,
    /// go-yaml v2, used by sigs.k8s.io/yaml and thus Helm values: YAML 1.1 booleans too.
    GoYamlV2,
}

/// What a scalar means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved {
    /// `null`, `~`, empty.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer; `i128` holds both Go's `int64` and `uint64` ranges.
    Int(i128),
    /// A float (including `.inf`, `.nan`).
    Float(f64),
    /// A string.
    Str,
    /// A timestamp (`2001-12-14`, `2001-12-14T21:59:43.10Z`); the text is kept in the scalar.
    Timestamp,
    /// The merge key: a plain `<<` (or one tagged `!!merge`). The resolver itself types `<<`
    /// as a string (go-yaml only consults its table for a few first bytes), so only the parser
    /// produces this, for plain `<<` scalars, as go-yaml's parser does.
    Merge,
}

impl Resolved {
    /// go-yaml's short tag for this kind (`!!str`, `!!int`, ...).
    pub fn tag(&self) -> &'static str {
        match self {
            Resolved::Null => "!!null",
            Resolved::Bool(_) => "!!bool",
            Resolved::Int(_) => "!!int",
            Resolved::Float(_) => "!!float",
            Resolved::Str => "!!str",
            Resolved::Timestamp => "!!timestamp",
            Resolved::Merge => "!!merge",
        }
    }
}

/// Resolves an untagged plain scalar.
pub fn resolve_plain(s: &str, schema: Schema) -> Resolved {
    let first = match s.as_bytes().first() {
        None => return Resolved::Null,
        Some(b) => *b,
    };
    if let Some(r) = lookup(s, schema) {
        return r;
    }
    match first {
        b'.' => match go_parse_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'+' | b'-' | b'0'..=b'9' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            resolve_number(s).unwrap_or(Resolved::Str)
        }
        _ => Resolved::Str,
    }
}

/// Resolves a scalar carrying an explicit core-schema tag, the way go-yaml checks it:
/// `!!int "12"` is 12, `!!int abc` is an error, `!!float 1` is 1.0.
/// Tags outside the resolvable set (`!!binary`, `!custom`) give [`Resolved::Str`].
pub fn resolve_tagged(tag: &str, s: &str, schema: Schema) -> Result<Resolved, String> {
    let wanted = match tag {
        "!!str" | "!!binary" => return Ok(Resolved::Str),
        "!!null" | "!!bool" | "!!int" | "!!float" | "!!timestamp" => tag,
        "!!merge" => return Ok(Resolved::Merge),
        _ => return Ok(Resolved::Str),
    };
    let got = if wanted == "!!timestamp" {
        if is_timestamp(s) {
            Resolved::Timestamp
        } else {
            resolve_plain(s, schema)
        }
    } else {
        match resolve_plain(s, schema) {
            // An explicit tag other than !!timestamp disables timestamp detection.
            Resolved::Timestamp => resolve_number(s).unwrap_or(Resolved::Str),
            r => r,
        }
    };
    if got.tag() == wanted {
        return Ok(got);
    }
    if let (Resolved::Int(i), "!!float") = (got, wanted) {
        return Ok(Resolved::Float(i as f64));
    }
    Err(format!(
        "cannot decode {} `{}` as a {}",
        got.tag(),
        s,
        wanted
    ))
}

fn lookup(s: &str, schema: Schema) -> Option<Resolved> {
    let r = match s {
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ if schema == Schema::GoYamlV2 => match s {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Resolved::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Resolved::Bool(false),
            _ => return None,
        },
        _ => return None,
    };
    Some(r)
}

/// The int/uint/float part of go-yaml's resolver, for text starting with a sign or digit.
fn resolve_number(s: &str) -> Option<Resolved> {
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Some(Resolved::Int(i));
    }
    if is_yaml_style_float(&plain) {
        if let Some(f) = go_parse_float(&plain) {
            return Some(Resolved::Float(f));
        }
    }
    None
}

/// Go's `strconv.ParseInt(s, 0, 64)` falling back to `ParseUint(s, 0, 64)`.
pub(crate) fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let b = body.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (radix, digits) = if b[0] == b'0' {
        if b.len() >= 3 && matches!(b[1], b'b' | b'B') {
            (2, &body[2..])
        } else if b.len() >= 3 && matches!(b[1], b'o' | b'O') {
            (8, &body[2..])
        } else if b.len() >= 3 && matches!(b[1], b'x' | b'X') {
            (16, &body[2..])
        } else {
            (8, &body[1..])
        }
    } else {
        (10, body)
    };
    let mut n: u128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)? as u128;
        n = n * radix as u128 + d;
        if n > u64::MAX as u128 {
            return None;
        }
    }
    if neg {
        // ParseInt accepts down to -2^63; ParseUint rejects any sign.
        if n > 1u128 << 63 {
            return None;
        }
        Some(-(n as i128))
    } else if s.starts_with('+') && n > i64::MAX as u128 {
        None
    } else {
        Some(n as i128)
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal text: out-of-range values are errors.
fn go_parse_float(s: &str) -> Option<f64> {
    // Rust accepts "inf"/"nan"/"infinity", Go too, but only decimal forms reach here except
    // for the '.'-prefixed case, which cannot spell those words.
    if !s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// go-yaml's `parseTimestamp`: the four layouts it tries with Go's `time.Parse`.
pub fn is_timestamp(s: &str) -> bool {
    parse_timestamp(s).is_some()
}

/// A parsed timestamp: calendar fields, nanoseconds and the UTC offset in seconds (`None` when
/// the text had no zone, which Go treats as UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Year (4 digits).
    pub year: i32,
    /// Month 1-12.
    pub month: u32,
    /// Day 1-31.
    pub day: u32,
    /// Hour 0-23.
    pub hour: u32,
    /// Minute 0-59.
    pub minute: u32,
    /// Second 0-59.
    pub second: u32,
    /// Fraction of a second, in nanoseconds.
    pub nanos: u32,
    /// Zone offset in seconds east of UTC; `None` for "no zone" (UTC).
    pub offset: Option<i32>,
}

impl Timestamp {
    /// Go's `time.Time.Format(time.RFC3339Nano)`, which is what JSON marshalling of a
    /// `time.Time` prints (kustomize turns `2001-12-14` into `2001-12-14T00:00:00Z`).
    pub fn rfc3339_nano(&self) -> String {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        match self.offset {
            None | Some(0) => out.push('Z'),
            Some(off) => {
                let sign = if off < 0 { '-' } else { '+' };
                let a = off.unsigned_abs();
                out.push_str(&format!("{}{:02}:{:02}", sign, a / 3600, (a / 60) % 60));
            }
        }
        out
    }
}

/// Parses a timestamp the way go-yaml does, or `None`.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    // Quick check from go-yaml: exactly four digits, then '-'.
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut p = Cursor { b, i: 5 };
    let year: i32 = s[..4].parse().ok()?;
    let month = p.num12()?;
    p.lit(b'-')?;
    let day = p.num12()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    let mut ts = Timestamp {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: None,
    };
    if p.done() {
        return Some(ts);
    }
    let sep = p.next()?;
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    ts.hour = p.num12()?;
    p.lit(b':')?;
    ts.minute = p.num12()?;
    p.lit(b':')?;
    ts.second = p.num12()?;
    if ts.hour > 23 || ts.minute > 59 || ts.second > 59 {
        return None;
    }
    // Fraction: Go accepts '.' or ',' followed by digits.
    if p.i + 1 < b.len() && matches!(b[p.i], b'.' | b',') && b[p.i + 1].is_ascii_digit() {
        p.i += 1;
        let start = p.i;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
        let digits = &s[start..p.i];
        let mut nanos: u64 = 0;
        for (k, c) in digits.bytes().enumerate() {
            if k < 9 {
                nanos = nanos * 10 + (c - b'0') as u64;
            }
        }
        for _ in digits.len()..9 {
            nanos *= 10;
        }
        ts.nanos = nanos as u32;
    }
    if sep == b' ' {
        // "2006-1-2 15:4:5.999999999" has no zone.
        return if p.done() { Some(ts) } else { None };
    }
    // "Z07:00": 'Z' or ±hh:mm.
    match p.next()? {
        b'Z' => ts.offset = Some(0),
        sign @ (b'+' | b'-') => {
            let rest = &b[p.i..];
            if rest.len() < 5 || rest[2] != b':' {
                return None;
            }
            let hh = two_digits(&rest[0..2])?;
            let mm = two_digits(&rest[3..5])?;
            p.i += 5;
            if hh > 24 || mm > 60 {
                return None;
            }
            let off = (hh * 3600 + mm * 60) as i32;
            ts.offset = Some(if sign == b'-' { -off } else { off });
        }
        _ => return None,
    }
    if p.done() {
        Some(ts)
    } else {
        None
    }
}

fn two_digits(b: &[u8]) -> Option<u32> {
    if b.len() == 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit() {
        Some(((b[0] - b'0') * 10 + (b[1] - b'0')) as u32)
    } else {
        None
    }
}

fn days_in(month: u32, year: i32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
    fn next(&mut self) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        self.i += 1;
        Some(c)
    }
    fn lit(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    /// Go's `getnum(s, false)`: one digit, or two if the second is a digit.
    fn num12(&mut self) -> Option<u32> {
        let d0 = *self.b.get(self.i)?;
        if !d0.is_ascii_digit() {
            return None;
        }
        self.i += 1;
        match self.b.get(self.i) {
            Some(d1) if d1.is_ascii_digit() => {
                self.i += 1;
                Some(((d0 - b'0') * 10 + (d1 - b'0')) as u32)
            }
            _ => Some((d0 - b'0') as u32),
        }
    }
}

/// YAML 1.1 sexagesimal float (`1:20`, `190:20:30.15`). go-yaml never reads these as numbers
/// but quotes such strings when writing, for the sake of YAML 1.1 readers.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if *c == b'+' || *c == b'-' || c.is_ascii_digit() => {}
        _ => return false,
    }
    if !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let mut i = 0;
    if b[0] == b'+' || b[0] == b'-' {
        i = 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            // Backtrack: "[0-5]?[0-9]" with a leading digit > 5 matches one digit only, and
            // then the next character must continue the pattern.
            2 => i = start + 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// YAML 1.1 boolean spellings that YAML 1.2 reads as strings; go-yaml v3 still quotes them.
pub fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v3(s: &str) -> Resolved {
        resolve_plain(s, Schema::GoYamlV3)
    }

    #[test]
    fn go_yaml_v3_table() {
        assert_eq!(v3(""), Resolved::Null);
        assert_eq!(v3("~"), Resolved::Null);
        assert_eq!(v3("True"), Resolved::Bool(true));
        assert_eq!(v3("yes"), Resolved::Str);
        assert_eq!(v3("0777"), Resolved::Int(511));
        assert_eq!(v3("0o17"), Resolved::Int(15));
        assert_eq!(v3("0x1F"), Resolved::Int(31));
        assert_eq!(v3("-0b101"), Resolved::Int(-5));
        assert_eq!(v3("1_000"), Resolved::Int(1000));
        assert_eq!(v3("+12"), Resolved::Int(12));
        assert_eq!(v3("08"), Resolved::Float(8.0));
        assert_eq!(v3("1e3"), Resolved::Float(1000.0));
        assert_eq!(v3(".5"), Resolved::Float(0.5));
        assert_eq!(v3("1."), Resolved::Float(1.0));
        assert_eq!(v3("1e400"), Resolved::Str);
        assert_eq!(v3("."), Resolved::Str);
        assert_eq!(v3("-"), Resolved::Str);
        assert_eq!(v3("1:20"), Resolved::Str);
        assert_eq!(
            v3("12345678901234567890"),
            Resolved::Int(12345678901234567890)
        );
        assert_eq!(
            v3("-9223372036854775808"),
            Resolved::Int(-9223372036854775808)
        );
        assert_eq!(
            v3("-9223372036854775809"),
            Resolved::Float(-9223372036854775809.0)
        );
        assert_eq!(v3("2001-12-14"), Resolved::Timestamp);
        assert_eq!(v3("2001-02-30"), Resolved::Str);
        assert_eq!(v3("2001-12-14T21:59:43.10-05:00"), Resolved::Timestamp);
        assert_eq!(v3("2001-12-14 21:59:43.10"), Resolved::Timestamp);
        assert_eq!(v3("2001-12-14 21:59:43.10 -5"), Resolved::Str);
        assert!(matches!(v3(".nan"), Resolved::Float(f) if f.is_nan()));
        assert_eq!(v3("<<"), Resolved::Str);
    }

    #[test]
    fn go_yaml_v2_booleans() {
        assert_eq!(resolve_plain("yes", Schema::GoYamlV2), Resolved::Bool(true));
        assert_eq!(
            resolve_plain("Off", Schema::GoYamlV2),
            Resolved::Bool(false)
        );
        assert_eq!(resolve_plain("y", Schema::GoYamlV2), Resolved::Bool(true));
        assert_eq!(resolve_plain("yES", Schema::GoYamlV2), Resolved::Str);
    }

    #[test]
    fn tagged() {
        let s = Schema::GoYamlV3;
        assert_eq!(resolve_tagged("!!int", "12", s), Ok(Resolved::Int(12)));
        assert_eq!(
            resolve_tagged("!!float", "12", s),
            Ok(Resolved::Float(12.0))
        );
        assert_eq!(resolve_tagged("!!str", "12", s), Ok(Resolved::Str));
        assert_eq!(
            resolve_tagged("!!int", "abc", s),
            Err("cannot decode !!str `abc` as a !!int".to_string())
        );
    }

    #[test]
    fn base60_and_old_bools() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(is_base60_float("-1:2"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("a:1"));
        assert!(!is_base60_float("1:"));
        assert!(is_old_bool("Off"));
        assert!(!is_old_bool("oFF"));
    }

    #[test]
    fn timestamps_format_like_go() {
        let t = parse_timestamp("2001-12-14").unwrap();
        assert_eq!(t.rfc3339_nano(), "2001-12-14T00:00:00Z");
        let t = parse_timestamp("2001-12-14t21:59:43.10-05:00").unwrap();
        assert_eq!(t.rfc3339_nano(), "2001-12-14T21:59:43.1-05:00");
    }
}
