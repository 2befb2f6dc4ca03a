//! Go's regexp syntax (`regexp/syntax` with Perl flags, as `regexp.Compile` uses) read step by
//! step as Go's parser reads it: the first syntax error, with Go's error code and the piece of
//! the pattern it quotes, or the pattern in regex-lite's syntax. regex-lite accepts some
//! patterns Go refuses (`a**`, `x{1001}`), refuses some Go accepts (`a{1` is a literal brace
//! in Go), reads `\Q...\E` otherwise, and words its errors differently.

/// Go's repetition limit for `{n,m}`.
const MAX_REPEAT: i64 = 1000;

/// A syntax error: Go's `ErrorCode` text and the quoted expression.
#[derive(Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub code: &'static str,
    pub expr: String,
}

fn err(code: &'static str, expr: &str) -> SyntaxError {
    SyntaxError {
        code,
        expr: expr.to_string(),
    }
}

/// Go's POSIX class names (`[:alpha:]`, and `[:^alpha:]` negated).
const POSIX_CLASSES: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// What Go's parser says about `pattern`, or the same pattern in regex-lite's syntax.
pub fn translate(pattern: &str) -> Result<String, SyntaxError> {
    let mut out = String::with_capacity(pattern.len());
    // Go's parse stack, reduced to what errors depend on: open groups, and whether the top
    // is an operand (a repetition needs one; a `(` or `|` marker is not one).
    let mut depth = 0usize;
    let mut operand = false;
    // The text from the last repetition operator on, while the previous token was one.
    let mut last_repeat: Option<&str> = None;
    let mut t = pattern;
    while let Some(c) = t.chars().next() {
        let mut repeat = None;
        let start = t;
        // What regex-lite reads differently is written out here; the rest is copied.
        let mut written = false;
        match c {
            '(' => {
                if t.starts_with("(?") {
                    let (rest, opens) = perl_flags(t)?;
                    if opens {
                        depth += 1;
                        operand = false;
                    }
                    t = rest;
                } else {
                    depth += 1;
                    operand = false;
                    t = &t[1..];
                }
            }
            '|' => {
                operand = false;
                t = &t[1..];
            }
            ')' => {
                if depth == 0 {
                    return Err(err("unexpected )", pattern));
                }
                depth -= 1;
                operand = true;
                t = &t[1..];
            }
            '*' | '+' | '?' => {
                let after = repetition(t, &t[1..], last_repeat, operand)?;
                repeat = Some(t);
                operand = true;
                t = after;
            }
            '{' => match parse_repeat(t) {
                None => {
                    // Not a repetition: a literal brace.
                    operand = true;
                    out.push_str("\\{");
                    written = true;
                    t = &t[1..];
                }
                Some((min, max, after)) => {
                    if !(0..=MAX_REPEAT).contains(&min)
                        || max > MAX_REPEAT
                        || (max >= 0 && min > max)
                    {
                        return Err(err("invalid repeat count", &t[..t.len() - after.len()]));
                    }
                    let after = repetition(t, after, last_repeat, operand)?;
                    repeat = Some(t);
                    operand = true;
                    t = after;
                }
            },
            '[' => {
                t = class(t)?;
                operand = true;
            }
            '\\' if t.starts_with("\\Q") => {
                // Literal text up to `\E` or the end.
                let text = &t[2..];
                let end = text.find("\\E");
                out.push_str(&regex_lite::escape(&text[..end.unwrap_or(text.len())]));
                written = true;
                operand = true;
                t = end.map_or("", |i| &text[i + 2..]);
            }
            '\\' => {
                t = escape_outside_class(t)?;
                operand = true;
            }
            _ => {
                operand = true;
                t = &t[c.len_utf8()..];
            }
        }
        if !written {
            out.push_str(&start[..start.len() - t.len()]);
        }
        last_repeat = repeat;
    }
    if depth > 0 {
        return Err(err("missing closing )", pattern));
    }
    Ok(out)
}

/// Go's `repeat`: a `?` after the operator makes it non-greedy; an operator right after
/// another is refused, then one with nothing to repeat. `before` starts at the operator and
/// `after` follows it; gives the text after both.
fn repetition<'a>(
    before: &'a str,
    after: &'a str,
    last_repeat: Option<&str>,
    operand: bool,
) -> Result<&'a str, SyntaxError> {
    let after = after.strip_prefix('?').unwrap_or(after);
    if let Some(last) = last_repeat {
        return Err(err(
            "invalid nested repetition operator",
            &last[..last.len() - after.len()],
        ));
    }
    if !operand {
        return Err(err(
            "missing argument to repetition operator",
            &before[..before.len() - after.len()],
        ));
    }
    Ok(after)
}

/// Go's `parseRepeat` on `{min}`, `{min,}` or `{min,max}`: `None` when it is not one (the
/// brace is then a literal); a number too big for Go is -1 (refused by the caller).
fn parse_repeat(s: &str) -> Option<(i64, i64, &str)> {
    let s = s.strip_prefix('{')?;
    let (min, s) = parse_int(s)?;
    let (max, s) = match s.strip_prefix(',') {
        None => (min, s),
        Some(s) if s.starts_with('}') => (-1, s),
        Some(s) => {
            let (max, s) = parse_int(s)?;
            if max < 0 {
                // Go marks a too-big max by a negative min.
                return Some((-1, -1, s.strip_prefix('}')?));
            }
            (max, s)
        }
    };
    Some((min, max, s.strip_prefix('}')?))
}

/// Go's `parseInt`: digits without a leading zero; -1 when the value passes 10^8.
fn parse_int(s: &str) -> Option<(i64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits >= 2 && s.starts_with('0')) {
        return None;
    }
    let mut n: i64 = 0;
    for b in s[..digits].bytes() {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some((n, &s[digits..]))
}

/// Go's `parsePerlFlags` on `(?...`: a named group `(?P<name>` or `(?<name>`, a flag group
/// `(?i)` (opens nothing) or `(?i:` (opens a group). Gives the rest and whether a group opened.
fn perl_flags(t: &str) -> Result<(&str, bool), SyntaxError> {
    let name_at = if t.starts_with("(?P<") {
        Some(4)
    } else if t.starts_with("(?<") {
        Some(3)
    } else {
        None
    };
    if let Some(begin) = name_at {
        let Some(end) = t.find('>') else {
            return Err(err("invalid named capture", t));
        };
        let name = &t[begin..end];
        let valid =
            !name.is_empty() && name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric());
        if !valid {
            return Err(err("invalid named capture", &t[..=end]));
        }
        return Ok((&t[end + 1..], true));
    }
    let mut rest = &t[2..];
    let mut negated = false;
    let mut saw_flag = false;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            'i' | 'm' | 's' | 'U' => saw_flag = true,
            '-' if !negated => {
                negated = true;
                saw_flag = false;
            }
            ':' | ')' if !negated || saw_flag => return Ok((rest, c == ':')),
            _ => break,
        }
    }
    Err(err(
        "invalid or unsupported Perl syntax",
        &t[..t.len() - rest.len()],
    ))
}

/// A `[...]` class; gives the text after it.
fn class(t: &str) -> Result<&str, SyntaxError> {
    let whole = t;
    let mut s = &t[1..];
    if let Some(rest) = s.strip_prefix('^') {
        s = rest;
    }
    let mut first = true;
    while first || !s.starts_with(']') {
        first = false;
        if s.starts_with("[:") {
            if let Some(i) = s[2..].find(":]") {
                let name = &s[..i + 4];
                let bare = name[2..name.len() - 2].trim_start_matches('^');
                if !POSIX_CLASSES.contains(&bare) {
                    return Err(err("invalid character class range", name));
                }
                s = &s[name.len()..];
                continue;
            }
        }
        if let Some(rest) = unicode_class(s)? {
            s = rest;
            continue;
        }
        if let Some(rest) = perl_class(s) {
            s = rest;
            continue;
        }
        let range = s;
        let (lo, rest) = class_char(s, whole)?;
        s = rest;
        if s.len() >= 2 && s.starts_with('-') && !s[1..].starts_with(']') {
            let (hi, rest) = class_char(&s[1..], whole)?;
            s = rest;
            if hi < lo {
                return Err(err(
                    "invalid character class range",
                    &range[..range.len() - s.len()],
                ));
            }
        }
    }
    Ok(&s[1..])
}

/// One character of a class (escapes read as Go reads them), and the text after it.
fn class_char<'a>(s: &'a str, whole: &str) -> Result<(char, &'a str), SyntaxError> {
    match s.chars().next() {
        None => Err(err("missing closing ]", whole)),
        Some('\\') => escape(s),
        Some(c) => Ok((c, &s[c.len_utf8()..])),
    }
}

/// `\d`, `\s`, `\w` and their negations: the text after one, if `s` starts with one.
fn perl_class(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (b.len() >= 2 && b[0] == b'\\' && b"dDsSwW".contains(&b[1])).then(|| &s[2..])
}

/// `\pL`, `\p{Name}` (and `\P`): the text after one, if `s` starts with one. The names are
/// not checked here: regex-lite refuses every Unicode class, and says so.
fn unicode_class(s: &str) -> Result<Option<&str>, SyntaxError> {
    if !(s.starts_with("\\p") || s.starts_with("\\P")) {
        return Ok(None);
    }
    let rest = &s[2..];
    match rest.chars().next() {
        None => Err(err("invalid character class range", s)),
        Some('{') => match rest.find('}') {
            Some(end) => Ok(Some(&rest[end + 1..])),
            None => Err(err("invalid character class range", s)),
        },
        Some(c) => Ok(Some(&rest[c.len_utf8()..])),
    }
}

/// A backslash outside a class: Perl's assertions and `\Q...\E`, classes, or an escape.
fn escape_outside_class(t: &str) -> Result<&str, SyntaxError> {
    match t.as_bytes().get(1) {
        Some(b'A' | b'b' | b'B' | b'z') => return Ok(&t[2..]),
        Some(b'C') => return Err(err("invalid escape sequence", "\\C")),
        _ => {}
    }
    if let Some(rest) = unicode_class(t)? {
        return Ok(rest);
    }
    if let Some(rest) = perl_class(t) {
        return Ok(rest);
    }
    escape(t).map(|(_, rest)| rest)
}

/// Go's `parseEscape`: the character a backslash sequence stands for and the text after it.
fn escape(s: &str) -> Result<(char, &str), SyntaxError> {
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(err("trailing backslash at end of expression", ""));
    };
    let mut rest = &t[c.len_utf8()..];
    let invalid = |rest: &str| err("invalid escape sequence", &s[..s.len() - rest.len()]);
    match c {
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => return Ok((c, rest)),
        '1'..='7' if !rest.starts_with(|d: char| ('0'..='7').contains(&d)) => {}
        '0'..='7' => {
            // Up to two more octal digits.
            let n = rest
                .bytes()
                .take(2)
                .take_while(|d| (b'0'..=b'7').contains(d))
                .count();
            let digits = &s[1..2 + n];
            let v = u32::from_str_radix(digits, 8).unwrap_or(0);
            return Ok((char::from_u32(v).unwrap_or('\0'), &rest[n..]));
        }
        'x' => {
            if let Some(body) = rest.strip_prefix('{') {
                if let Some(end) = body.find('}') {
                    let hex = &body[..end];
                    if let Some(v) = u32::from_str_radix(hex, 16)
                        .ok()
                        .filter(|_| !hex.is_empty())
                    {
                        if let Some(ch) = char::from_u32(v) {
                            return Ok((ch, &body[end + 1..]));
                        }
                    }
                }
                // Go stops at the first bad character; the quoted text runs to it.
                let bad = body
                    .char_indices()
                    .find(|(_, d)| !d.is_ascii_hexdigit())
                    .map_or(body.len(), |(i, d)| i + d.len_utf8());
                rest = &body[bad..];
            } else {
                let hex: String = rest.chars().take(2).collect();
                if hex.len() == 2 && hex.chars().all(|d| d.is_ascii_hexdigit()) {
                    let v = u32::from_str_radix(&hex, 16).unwrap_or(0);
                    return Ok((char::from_u32(v).unwrap_or('\0'), &rest[2..]));
                }
                rest = &rest[rest.chars().take(2).map(char::len_utf8).sum::<usize>()..];
            }
        }
        'a' => return Ok(('\x07', rest)),
        'f' => return Ok(('\x0c', rest)),
        'n' => return Ok(('\n', rest)),
        'r' => return Ok(('\r', rest)),
        't' => return Ok(('\t', rest)),
        'v' => return Ok(('\x0b', rest)),
        _ => {}
    }
    Err(invalid(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's errors for bad patterns (the Helm 4.2.3 library's `mustRegexMatch`), and
    /// patterns Go accepts.
    #[test]
    fn errors_are_gos() {
        let cases = [
            ("*a", "missing argument to repetition operator", "*"),
            ("a|*", "missing argument to repetition operator", "*"),
            ("(*)", "missing argument to repetition operator", "*"),
            ("x[a", "missing closing ]", "[a"),
            ("ab\\q", "invalid escape sequence", "\\q"),
            ("ab**", "invalid nested repetition operator", "**"),
            ("ab+?*", "invalid nested repetition operator", "+?*"),
            ("a{2}{3}", "invalid nested repetition operator", "{2}{3}"),
            ("ab\\", "trailing backslash at end of expression", ""),
            ("x(a", "missing closing )", "x(a"),
            ("a)", "unexpected )", "a)"),
            ("x[z-a]y", "invalid character class range", "z-a"),
            ("xa{2,1}y", "invalid repeat count", "{2,1}"),
            ("x{1001}", "invalid repeat count", "{1001}"),
            ("(?P<n!>a)", "invalid named capture", "(?P<n!>"),
            ("[[:foo:]]", "invalid character class range", "[:foo:]"),
            ("(?z)", "invalid or unsupported Perl syntax", "(?z"),
        ];
        for (pattern, code, expr) in cases {
            let want = SyntaxError {
                code,
                expr: expr.to_string(),
            };
            assert_eq!(translate(pattern), Err(want), "{pattern}");
        }
        for ok in [
            "a{1000}",
            "(?i)abc",
            "(?i:a)*",
            "(?P<n>a)",
            "[a-]",
            "[]a]",
            "[^]]",
            "\\x41\\x{1F600}\\101",
            "a*?b+?",
            "[[:^alpha:]\\d]",
            "\\pL\\p{Greek}",
            "^*",
        ] {
            assert_eq!(translate(ok).as_deref(), Ok(ok), "{ok}");
        }
        // What regex-lite reads otherwise is rewritten.
        for (go, lite) in [
            ("a{1,x}\\Q.*\\E+", "a\\{1,x}\\.\\*+"),
            ("x{01}", "x\\{01}"),
            ("a{,2}", "a\\{,2}"),
            ("a{1", "a\\{1"),
        ] {
            assert_eq!(translate(go).as_deref(), Ok(lite), "{go}");
        }
    }
}
