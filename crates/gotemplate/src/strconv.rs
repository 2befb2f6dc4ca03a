//! The parts of Go's `strconv` the engine needs: quoting, unquoting,
//! integer/float parsing with Go's literal syntax and float formatting.

/// Go's `unicode.IsPrint`, approximated without Unicode tables: control,
/// format, private-use and non-ASCII space characters are not printable.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFFFE | 0xFFFF)
}

fn push_escaped(out: &mut String, c: char, ascii_only: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let u = c as u32;
            if u < 0x20 || u == 0x7f {
                out.push_str("\\x");
                out.push(HEX[(u >> 4) as usize] as char);
                out.push(HEX[(u & 15) as usize] as char);
            } else if u < 0x10000 && (!is_print(c) || ascii_only) {
                out.push_str(&format!("\\u{u:04x}"));
            } else if !is_print(c) || ascii_only {
                out.push_str(&format!("\\U{u:08x}"));
            } else {
                out.push(c);
            }
        }
    }
}

fn quote_with(s: &[u8], q: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == q || c == '\\' {
                out.push('\\');
                out.push(c);
            } else if (c as u32) < 0x80 && is_print(c) || (!ascii_only && is_print(c)) {
                out.push(c);
            } else {
                push_escaped(&mut out, c, ascii_only);
            }
        }
        // Bytes that are not UTF-8 are shown as \xNN, as Go does.
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push(q);
    out
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s.as_bytes(), '"', false)
}

/// Go's `strconv.Quote` of a byte string (invalid UTF-8 as `\xNN`).
pub fn quote_bytes(s: &[u8], ascii_only: bool) -> String {
    quote_with(s, '"', ascii_only)
}

/// Go's `strconv.QuoteToASCII`.
pub fn quote_ascii(s: &str) -> String {
    quote_with(s.as_bytes(), '"', true)
}

/// Go's `strconv.QuoteRune` / `QuoteRuneToASCII`.
pub fn quote_rune(c: char, ascii_only: bool) -> String {
    quote_with(c.encode_utf8(&mut [0; 4]).as_bytes(), '\'', ascii_only)
}

/// Go's `strconv.CanBackquote`.
pub fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{7f}' && c != '\u{FEFF}' && ((c as u32) >= 0x20 || c == '\t'))
}

/// Go's `strconv.UnquoteChar`: decode one (possibly escaped) character of a
/// literal quoted by `quote`. Returns the char (or raw byte value) and the rest.
fn unquote_char(s: &str, quote: char) -> Option<(u32, bool, &str)> {
    let mut it = s.chars();
    let c = it.next()?;
    if c == quote && (quote == '\'' || quote == '"') {
        return None;
    }
    if c != '\\' {
        return Some((c as u32, false, it.as_str()));
    }
    let e = it.next()?;
    let rest = it.as_str();
    let simple = match e {
        'a' => Some(7),
        'b' => Some(8),
        'f' => Some(12),
        'n' => Some(10),
        'r' => Some(13),
        't' => Some(9),
        'v' => Some(11),
        '\\' => Some('\\' as u32),
        '\'' | '"' if e == quote => Some(e as u32),
        _ => None,
    };
    if let Some(v) = simple {
        return Some((v, false, rest));
    }
    let (n, radix, is_byte) = match e {
        'x' => (2, 16, true),
        'u' => (4, 16, false),
        'U' => (8, 16, false),
        '0'..='7' => (3, 8, true),
        _ => return None,
    };
    let digits_src = if radix == 8 { &s[1..] } else { rest };
    if digits_src.len() < n || !digits_src.is_char_boundary(n) {
        return None;
    }
    let v = u32::from_str_radix(&digits_src[..n], radix).ok()?;
    if !digits_src[..n].chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix == 8 && v > 255 {
        return None;
    }
    if !is_byte && char::from_u32(v).is_none() {
        return None;
    }
    Some((v, is_byte, &digits_src[n..]))
}

/// Go's `strconv.Unquote` for a template string literal (quoted or raw),
/// as text (invalid UTF-8 from byte escapes replaced by U+FFFD).
/// `None` stands for Go's "invalid syntax".
pub fn unquote(lit: &str) -> Option<String> {
    if let Some(body) = plain_quoted(lit) {
        return Some(body.to_string());
    }
    let b = unquote_bytes(lit)?;
    // Valid text (nearly always) keeps its buffer; no second copy.
    Some(
        String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// What ends a plain stretch of a double-quoted literal: an escape, a line break, a quote.
fn is_special(c: u8) -> bool {
    matches!(c, b'\\' | b'\n' | b'"')
}

/// The body of a double-quoted literal with nothing to unescape (Go's fast path).
fn plain_quoted(lit: &str) -> Option<&str> {
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    (!body.bytes().any(is_special)).then_some(body)
}

/// Go's `strconv.Unquote`, keeping the bytes that escapes such as `\xff`
/// produce (Go strings are byte strings).
pub fn unquote_bytes(lit: &str) -> Option<Vec<u8>> {
    let b = lit.as_bytes();
    if b.len() < 2 || b[0] != b[b.len() - 1] {
        return None;
    }
    let body = &lit[1..lit.len() - 1];
    match b[0] {
        b'`' => {
            if body.contains('`') {
                return None;
            }
            Some(body.replace('\r', "").into_bytes())
        }
        b'"' => {
            let mut out: Vec<u8> = Vec::with_capacity(body.len());
            let mut s = body;
            loop {
                // The bytes up to the next escape are themselves (Go's fast path, for the
                // whole body when it has no escape).
                let run = s.bytes().position(is_special).unwrap_or(s.len());
                out.extend_from_slice(&s.as_bytes()[..run]);
                s = &s[run..];
                if s.is_empty() {
                    break;
                }
                if s.starts_with('\n') {
                    return None;
                }
                let (v, is_byte, rest) = unquote_char(s, '"')?;
                if is_byte {
                    out.push(v as u8);
                } else {
                    let mut buf = [0; 4];
                    out.extend_from_slice(char::from_u32(v)?.encode_utf8(&mut buf).as_bytes());
                }
                s = rest;
            }
            Some(out)
        }
        _ => None,
    }
}

/// Decode a character constant such as `'a'` or `'\n'` to its code point.
pub fn unquote_char_literal(lit: &str) -> Result<u32, String> {
    let body = lit.get(1..).ok_or("invalid syntax")?;
    let (v, _, tail) = unquote_char(body, '\'').ok_or("invalid syntax")?;
    if tail != "'" {
        return Err(format!("malformed character constant: {lit}"));
    }
    Ok(v)
}

/// Strip Go's digit-separating underscores, checking their placement the
/// way `strconv` does for base-prefixed literals (base 0). Literals
/// without one (nearly all) are borrowed, not copied.
fn strip_underscores(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !s.contains('_') {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    // Underscores must separate digits (or follow the base prefix).
    let bytes = s.as_bytes();
    let mut prev = b'^';
    let start = if bytes.first().is_some_and(|c| *c == b'+' || *c == b'-') {
        1
    } else {
        0
    };
    let body = &bytes[start..];
    let hex = body.len() > 1 && body[0] == b'0' && matches!(body[1], b'x' | b'X');
    let prefixed = body.len() > 1 && body[0] == b'0' && body[1].is_ascii_alphabetic();
    for (i, &c) in body.iter().enumerate() {
        if c == b'_' {
            let ok_prev =
                prev.is_ascii_hexdigit() && (hex || prev.is_ascii_digit()) || (prefixed && i == 2);
            if !(ok_prev || prev == b'0' && i == 1) {
                return None;
            }
        } else if prev == b'_' && !(c.is_ascii_hexdigit() && (hex || c.is_ascii_digit())) {
            return None;
        }
        prev = c;
    }
    if prev == b'_' {
        return None;
    }
    Some(std::borrow::Cow::Owned(s.replace('_', "")))
}

/// Parse an integer with Go's base-0 rules (`0x`, `0o`, `0b`, leading-0
/// octal, underscores). `unsigned` rejects a sign like `ParseUint`.
pub fn parse_int(s: &str, unsigned: bool) -> Option<i128> {
    let s = strip_underscores(s)?;
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') if !unsigned => (false, &s[1..]),
        Some(b'-') if !unsigned => (true, &s[1..]),
        _ => (false, &s[..]),
    };
    let (radix, digits) = if let Some(r) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, r)
    } else if let Some(r) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, r)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = u128::from_str_radix(digits, radix).ok()?;
    if v > u64::MAX as u128 {
        return None;
    }
    let v = v as i128;
    Some(if neg { -v } else { v })
}

/// Parse a float with Go's syntax (decimal or hex mantissa, underscores).
pub fn parse_float(s: &str) -> Option<f64> {
    let s = strip_underscores(s)?;
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, &s[..]),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        parse_hex_float(h)?
    } else {
        if body.is_empty()
            || !body
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
            || body.contains("inf")
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    // Go reports out-of-range literals as errors.
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn parse_hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = match h.find(['p', 'P']) {
        Some(i) => (&h[..i], h[i + 1..].parse::<i32>().ok()?),
        None => return None, // hex floats need an exponent
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    if ip.is_empty() && fp.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in ip.chars().chain(fp.chars()) {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    Some(v * 2f64.powi(exp - 4 * fp.len() as i32))
}

/// Decimal digits and decimal-point position of a float: value = 0.DIGITS × 10^dp.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

fn digits_from_exp(s: &str) -> Digits {
    // s looks like "1.2345e6" or "3e-7" (Rust's {:e} output).
    let (m, e) = s.split_once('e').unwrap_or((s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let mut d: Vec<u8> = m.bytes().filter(|c| c.is_ascii_digit()).collect();
    while d.len() > 1 && d.last() == Some(&b'0') {
        d.pop();
    }
    if d == b"0" {
        return Digits { d: vec![], dp: 0 };
    }
    Digits { d, dp: e + 1 }
}

fn shortest(x: f64) -> Digits {
    digits_from_exp(&format!("{:e}", x.abs()))
}

fn rounded(x: f64, sig: usize) -> Digits {
    digits_from_exp(&format!("{:.*e}", sig.saturating_sub(1), x.abs()))
}

fn fmt_e(out: &mut String, d: &Digits, prec: i32, fmt: char) {
    out.push(if d.d.is_empty() { '0' } else { d.d[0] as char });
    if prec > 0 {
        out.push('.');
        for i in 1..=prec as usize {
            out.push(d.d.get(i).map(|&c| c as char).unwrap_or('0'));
        }
    }
    out.push(fmt);
    let exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

fn fmt_f(out: &mut String, d: &Digits, prec: i32) {
    if d.dp > 0 {
        for i in 0..d.dp as usize {
            out.push(d.d.get(i).map(|&c| c as char).unwrap_or('0'));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = d.dp + i;
            let c = if j < 0 {
                '0'
            } else {
                d.d.get(j as usize).map(|&c| c as char).unwrap_or('0')
            };
            out.push(c);
        }
    }
}

/// Go's `strconv.FormatFloat(x, fmt, prec, 64)` for fmt in `eEfgG`
/// (prec -1 means the shortest representation that round-trips).
pub fn format_float(x: f64, fmt: char, prec: i32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    match fmt {
        'x' | 'X' => out.push_str(&hex_float(x.abs(), prec, fmt == 'X')),
        'b' => {
            let bits = x.abs().to_bits();
            let exp = ((bits >> 52) & 0x7ff) as i64;
            let mant = bits & ((1u64 << 52) - 1);
            let (m, e) = if exp == 0 {
                (mant, -1074)
            } else {
                (mant | (1u64 << 52), exp - 1075)
            };
            out.push_str(&format!(
                "{m}p{}{}",
                if e >= 0 { "+" } else { "-" },
                e.abs()
            ));
        }
        'f' | 'F' if prec >= 0 => {
            out.push_str(&format!("{:.*}", prec as usize, x.abs()));
        }
        'f' | 'F' => {
            let d = shortest(x);
            fmt_f(&mut out, &d, (d.d.len() as i32 - d.dp).max(0));
        }
        'e' | 'E' => {
            let d = if prec < 0 {
                shortest(x)
            } else {
                rounded(x, prec as usize + 1)
            };
            let p = if prec < 0 { d.d.len() as i32 - 1 } else { prec };
            fmt_e(&mut out, &d, p.max(0), fmt);
        }
        _ => {
            // 'g' / 'G'
            let short = prec < 0;
            let (d, mut prec) = if short {
                let d = shortest(x);
                let n = d.d.len() as i32;
                (d, n)
            } else {
                let p = if prec == 0 { 1 } else { prec };
                (rounded(x, p as usize), p)
            };
            let nd = d.d.len() as i32;
            let mut eprec = prec;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if short {
                eprec = 6;
            }
            let exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                let e = if fmt == 'G' { 'E' } else { 'e' };
                fmt_e(&mut out, &d, (prec - 1).max(0), e);
            } else {
                if prec > d.dp {
                    prec = nd;
                }
                fmt_f(&mut out, &d, (prec - d.dp).max(0));
            }
        }
    }
    out
}

/// Go's `%x` float format: `0x1.8p+00` (shortest, or `prec` hex digits).
fn hex_float(x: f64, prec: i32, upper: bool) -> String {
    let (mut mant, mut exp) = if x == 0.0 {
        (0u64, 0i64)
    } else {
        let bits = x.to_bits();
        let e = ((bits >> 52) & 0x7ff) as i64;
        let m = bits & ((1u64 << 52) - 1);
        if e == 0 {
            // Subnormal: normalise so the leading 1 is at bit 52.
            let mut m = m;
            let mut e = -1022i64;
            while m & (1u64 << 52) == 0 {
                m <<= 1;
                e -= 1;
            }
            (m, e)
        } else {
            (m | (1u64 << 52), e - 1023)
        }
    };
    // 52 fraction bits = 13 hex digits after the leading 1.
    let mut digits = 13usize;
    if prec >= 0 && (prec as usize) < 13 {
        let shift = 4 * (13 - prec as usize);
        let half = 1u64 << (shift - 1);
        let rem = mant & ((1u64 << shift) - 1);
        mant >>= shift;
        if rem > half || (rem == half && mant & 1 == 1) {
            mant += 1;
        }
        if mant >> (4 * prec as usize) >= 2 {
            mant >>= 1;
            exp += 1;
        }
        mant <<= shift;
        digits = prec as usize;
    }
    let frac = mant & ((1u64 << 52) - 1);
    let mut hex = format!("{frac:013x}");
    hex.truncate(digits);
    if prec < 0 {
        while hex.ends_with('0') {
            hex.pop();
        }
    } else {
        while hex.len() < prec as usize {
            hex.push('0');
        }
    }
    let lead = if x == 0.0 { '0' } else { '1' };
    let mut s = format!("0x{lead}");
    if !hex.is_empty() {
        s.push('.');
        s.push_str(&hex);
    }
    s.push_str(&format!(
        "p{}{:02}",
        if exp >= 0 { '+' } else { '-' },
        exp.abs()
    ));
    if upper {
        s = s.to_uppercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Literals without escapes take the fast path; it must agree with Go's rules that the
    /// escape-decoding path implements.
    #[test]
    fn unquote_fast_path_agrees_with_go() {
        assert_eq!(
            unquote(r#""plain text é ✓""#).as_deref(),
            Some("plain text é ✓")
        );
        assert_eq!(unquote(r#""""#).as_deref(), Some(""));
        assert_eq!(unquote(r#""tab\there""#).as_deref(), Some("tab\there"));
        assert_eq!(unquote(r#""a\"b""#).as_deref(), Some("a\"b"));
        // An unescaped quote or a line break inside is invalid syntax, as in Go.
        assert_eq!(unquote(r#""a"b""#), None);
        assert_eq!(unquote("\"a\nb\""), None);
        assert_eq!(unquote_bytes(r#""\xff""#), Some(vec![0xff]));
    }

    /// Escapes between plain stretches: the stretches are copied as they are, each escape
    /// decoded, and a bad escape or a bare quote anywhere still fails.
    #[test]
    fn unquote_copies_stretches_between_escapes() {
        assert_eq!(
            unquote(r#""ab é\tcd\x41\u00e9 ✓\\""#).as_deref(),
            Some("ab é\tcdAé ✓\\")
        );
        assert_eq!(unquote_bytes(r#""x\377y\n""#), Some(b"x\xffy\n".to_vec()));
        assert_eq!(unquote(r#""ok\tthen "bare""#), None);
        assert_eq!(unquote(r#""ok\tthen \q""#), None);
        assert_eq!(unquote("\"ok\\tthen\nline\""), None);
    }
}
