//! String functions: trimming, case, quoting, indentation, splitting, joining, wrapping.

use kubeplay_gotemplate::{ArgType, ElemType, Func, FuncError, SortedMap, Value};

use super::conversion::strslice;
use super::{arg_int, arg_str, panic_err};
use crate::funcs::strval;

use ArgType::{Any, Int, String as Str};

/// Sprig's `indent` (`pad + strings.Replace(s, "\n", "\n"+pad, -1)`), with a leading
/// newline for `nindent`: one pass into one buffer (charts pipe nearly every `include`
/// through `nindent`).
fn indent(newline: bool, width: i64, v: &Value) -> Result<String, FuncError> {
    let text = match v.as_str() {
        Some(t) => std::borrow::Cow::Borrowed(t),
        None => std::borrow::Cow::Owned(arg_str(v)),
    };
    if width < 0 {
        // Sprig pads with strings.Repeat, which panics.
        return Err(super::panic_err("strings: negative Repeat count"));
    }
    let lines = text.bytes().filter(|b| *b == b'\n').count() as u64 + 1;
    let size = lines
        .saturating_mul(width as u64)
        .saturating_add(text.len() as u64 + 1);
    if size > super::MAX_BUILT_STRING {
        return Err(super::panic_err(format!(
            "indent: the result would be {size} bytes, over the limit of {}",
            super::MAX_BUILT_STRING
        )));
    }
    let width = width as usize;
    let mut out = String::with_capacity(size as usize);
    if newline {
        out.push('\n');
    }
    // Charts indent by a few columns: the pad is a slice of spaces, not pushed char by char.
    const SPACES: &str = "                                                                ";
    let pad: std::borrow::Cow<'_, str> = match SPACES.get(..width) {
        Some(p) => p.into(),
        None => " ".repeat(width).into(),
    };
    // Lines are short: a byte loop finds their ends for less than `split`'s searcher.
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push_str(&pad);
            out.push_str(&text[start..=i]);
            start = i + 1;
        }
    }
    out.push_str(&pad);
    out.push_str(&text[start..]);
    Ok(out)
}

fn sv(s: impl Into<String>) -> Result<Value, FuncError> {
    Ok(Value::from(s.into()))
}

fn str1(fs: &mut Vec<Func>, name: &str, f: fn(&str) -> String) {
    fs.push(Func::new(name, &[Str], None, move |_, a| {
        sv(f(&arg_str(&a[0])))
    }));
}

fn str2(fs: &mut Vec<Func>, name: &str, f: fn(&str, &str) -> String) {
    fs.push(Func::new(name, &[Str, Str], None, move |_, a| {
        sv(f(&arg_str(&a[0]), &arg_str(&a[1])))
    }));
}

fn pred2(fs: &mut Vec<Func>, name: &str, f: fn(&str, &str) -> bool) {
    fs.push(Func::new(name, &[Str, Str], None, move |_, a| {
        Ok(Value::Bool(f(&arg_str(&a[0]), &arg_str(&a[1]))))
    }));
}

/// Go's `unicode.IsSpace`.
pub fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// Go's `strings.Title` (deprecated, but what Sprig's `title` calls).
pub fn go_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        let sep = is_separator(prev);
        if sep {
            out.extend(to_title(c));
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

fn to_title(c: char) -> impl Iterator<Item = char> {
    // Title case equals upper case for all but a few digraphs.
    match c {
        'ǆ' | 'ǅ' | 'Ǆ' => vec!['ǅ'].into_iter(),
        'ǉ' | 'ǈ' | 'Ǉ' => vec!['ǈ'].into_iter(),
        'ǌ' | 'ǋ' | 'Ǌ' => vec!['ǋ'].into_iter(),
        'ǳ' | 'ǲ' | 'Ǳ' => vec!['ǲ'].into_iter(),
        _ => {
            let u: Vec<char> = c.to_uppercase().collect();
            if u.len() == 1 {
                u.into_iter()
            } else {
                vec![c].into_iter()
            }
        }
    }
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphanumeric() {
        return false;
    }
    is_go_space(c)
}

fn go_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let u: Vec<char> = c.to_uppercase().collect();
            if u.len() == 1 {
                u[0]
            } else {
                c
            }
        })
        .collect()
}

fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let l: Vec<char> = c.to_lowercase().collect();
            if l.len() == 1 {
                l[0]
            } else {
                c
            }
        })
        .collect()
}

fn untitle(s: &str) -> String {
    let mut out = String::new();
    let mut prev_space = true;
    for c in s.chars() {
        if prev_space {
            out.push_str(&go_lower(&c.to_string()));
        } else {
            out.push(c);
        }
        prev_space = is_go_space(c);
    }
    out
}

fn substr_bytes(s: &str, start: usize, end: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[start..end]).into_owned()
}

fn abbrev(width: i64, s: &str) -> String {
    if width < 4 {
        return s.to_string();
    }
    let len = s.len() as i64;
    if len <= width {
        return s.to_string();
    }
    // goutils.Abbreviate(s, width): offset 0
    format!("{}...", substr_bytes(s, 0, (width - 3) as usize))
}

fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || (left > 0 && right < 7) {
        return s.to_string();
    }
    let len = s.len() as i64;
    if len <= right {
        return s.to_string();
    }
    let mut offset = left;
    if offset > len {
        offset = len;
    }
    if len - offset < right - 3 {
        offset = len - (right - 3);
    }
    if offset <= 4 {
        return format!("{}...", substr_bytes(s, 0, (right - 3) as usize));
    }
    if right < 7 {
        return s.to_string();
    }
    if offset + right - 3 < len {
        let rest = substr_bytes(s, offset as usize, len as usize);
        return format!("...{}", abbrev(right - 3, &rest));
    }
    format!(
        "...{}",
        substr_bytes(s, (len - (right - 3)) as usize, len as usize)
    )
}

fn initials(s: &str) -> String {
    s.split(is_go_space)
        .filter(|w| !w.is_empty())
        .filter_map(|w| w.chars().next())
        .collect()
}

fn swapcase(s: &str) -> String {
    let mut out = String::new();
    let mut whitespace = true;
    for c in s.chars() {
        let n = if c.is_uppercase() {
            go_lower(&c.to_string())
        } else if c.is_lowercase() {
            if whitespace {
                to_title(c).collect()
            } else {
                go_upper(&c.to_string())
            }
        } else {
            c.to_string()
        };
        whitespace = is_go_space(c);
        out.push_str(&n);
    }
    out
}

/// goutils `WrapCustom(str, wrapLength, newLineStr, wrapLongWords)`.
pub fn wrap_custom(s: &str, mut width: i64, sep: &str, long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    if sep.is_empty() {
        return s.to_string();
    }
    if width < 1 {
        width = 1;
    }
    let width = width as usize;
    let b = s.as_bytes();
    let input_len = b.len();
    let mut offset = 0usize;
    let mut out = String::new();
    while input_len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        let slice = &s[offset..end.min(input_len)];
        let space_pos = slice.rfind(' ').map(|p| p as i64).unwrap_or(-1);
        if space_pos >= 0 {
            out.push_str(&s[offset..space_pos as usize + offset]);
            out.push_str(sep);
            offset = space_pos as usize + offset + 1;
        } else if long_words {
            out.push_str(&s[offset..width + offset]);
            out.push_str(sep);
            offset += width;
        } else {
            let rest = &s[width + offset..];
            match rest.find(' ') {
                Some(p) => {
                    let p = p + width + offset;
                    out.push_str(&s[offset..p]);
                    out.push_str(sep);
                    offset = p + 1;
                }
                None => {
                    out.push_str(&s[offset..]);
                    offset = input_len;
                }
            }
        }
    }
    out.push_str(&s[offset..]);
    out
}

/// xstrings word splitting for case conversion.
fn case_words(s: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_lowercase() && c.is_uppercase() => true,
                Some(p)
                    if p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()) =>
                {
                    true
                }
                Some(p) if p.is_alphabetic() && c.is_ascii_digit() => false,
                _ => false,
            };
            if boundary && !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn snakecase(s: &str) -> String {
    case_words(s)
        .iter()
        .map(|w| go_lower(w))
        .collect::<Vec<_>>()
        .join("_")
}

fn kebabcase(s: &str) -> String {
    case_words(s)
        .iter()
        .map(|w| go_lower(w))
        .collect::<Vec<_>>()
        .join("-")
}

/// xstrings `ToPascalCase` (Sprig's `camelcase`): words split on `_`, `-`, spaces and dots;
/// each word's first letter upper-cased, the rest kept.
fn camelcase(s: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    for c in s.chars() {
        if c == '_' || c == '-' || c == ' ' || c == '.' {
            upper_next = true;
            continue;
        }
        if upper_next {
            out.push_str(&go_upper(&c.to_string()));
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub fn register(fs: &mut Vec<Func>) {
    str1(fs, "trim", |s| s.trim_matches(is_go_space).to_string());
    str1(fs, "upper", go_upper);
    str1(fs, "lower", go_lower);
    str1(fs, "title", go_title);
    str1(fs, "untitle", untitle);
    str1(fs, "nospace", |s| {
        s.chars().filter(|c| !is_go_space(*c)).collect()
    });
    str1(fs, "initials", initials);
    str1(fs, "swapcase", swapcase);
    str1(fs, "snakecase", snakecase);
    str1(fs, "camelcase", camelcase);
    str1(fs, "kebabcase", kebabcase);
    str2(fs, "trimall", |a, b| {
        b.trim_matches(|c| a.contains(c)).to_string()
    });
    str2(fs, "trimAll", |a, b| {
        b.trim_matches(|c| a.contains(c)).to_string()
    });
    str2(fs, "trimSuffix", |a, b| {
        b.strip_suffix(a).unwrap_or(b).to_string()
    });
    str2(fs, "trimPrefix", |a, b| {
        b.strip_prefix(a).unwrap_or(b).to_string()
    });
    pred2(fs, "contains", |sub, s| s.contains(sub));
    pred2(fs, "hasPrefix", |p, s| s.starts_with(p));
    pred2(fs, "hasSuffix", |p, s| s.ends_with(p));
    fs.push(Func::new("trunc", &[Int, Str], None, |_, a| {
        let c = arg_int(&a[0]);
        let s = arg_str(&a[1]);
        let len = s.len() as i64;
        let out = if c < 0 && len + c > 0 {
            substr_bytes(&s, (len + c) as usize, len as usize)
        } else if c >= 0 && len > c {
            substr_bytes(&s, 0, c as usize)
        } else {
            s
        };
        sv(out)
    }));
    fs.push(Func::new("abbrev", &[Int, Str], None, |_, a| {
        sv(abbrev(arg_int(&a[0]), &arg_str(&a[1])))
    }));
    fs.push(Func::new("abbrevboth", &[Int, Int, Str], None, |_, a| {
        sv(abbrevboth(arg_int(&a[0]), arg_int(&a[1]), &arg_str(&a[2])))
    }));
    fs.push(Func::new("substr", &[Int, Int, Str], None, |_, a| {
        let (start, end, s) = (arg_int(&a[0]), arg_int(&a[1]), arg_str(&a[2]));
        let len = s.len() as i64;
        let (lo, hi) = if start < 0 {
            (0, end)
        } else if end < 0 || end > len {
            (start, len)
        } else {
            (start, end)
        };
        if lo < 0 || hi < 0 || hi > len || lo > hi {
            return Err(panic_err(format!(
                "runtime error: slice bounds out of range [{}:{}]",
                lo, hi
            )));
        }
        sv(substr_bytes(&s, lo as usize, hi as usize))
    }));
    fs.push(Func::new("repeat", &[Int, Str], None, |_, a| {
        let n = arg_int(&a[0]);
        let s = arg_str(&a[1]);
        if n < 0 {
            return Err(panic_err("strings: negative Repeat count"));
        }
        if (s.len() as u64).saturating_mul(n as u64) > super::MAX_BUILT_STRING {
            return Err(panic_err("strings: Repeat output length overflow"));
        }
        sv(s.repeat(n as usize))
    }));
    fs.push(Func::new("wrap", &[Int, Str], None, |_, a| {
        sv(wrap_custom(&arg_str(&a[1]), arg_int(&a[0]), "\n", false))
    }));
    fs.push(Func::new("wrapWith", &[Int, Str, Str], None, |_, a| {
        sv(wrap_custom(
            &arg_str(&a[2]),
            arg_int(&a[0]),
            &arg_str(&a[1]),
            true,
        ))
    }));
    fs.push(Func::new("quote", &[], Some(Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| kubeplay_gotemplate::strconv::quote(&strval(v)))
            .collect();
        sv(parts.join(" "))
    }));
    fs.push(Func::new("squote", &[], Some(Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", strval(v)))
            .collect();
        sv(parts.join(" "))
    }));
    fs.push(Func::new("cat", &[], Some(Any), |_, a| {
        let vals: Vec<Value> = a.iter().filter(|v| !v.is_nil()).cloned().collect();
        let parts: Vec<String> = vals
            .iter()
            .map(|v| kubeplay_gotemplate::fmt::sprint(std::slice::from_ref(v)))
            .collect();
        sv(parts.join(" "))
    }));
    fs.push(Func::new("indent", &[Int, Str], None, |_, a| {
        indent(false, arg_int(&a[0]), &a[1]).map(Value::from)
    }));
    fs.push(Func::new("nindent", &[Int, Str], None, |_, a| {
        indent(true, arg_int(&a[0]), &a[1]).map(Value::from)
    }));
    fs.push(Func::new("replace", &[Str, Str, Str], None, |_, a| {
        let (old, new, src) = (arg_str(&a[0]), arg_str(&a[1]), arg_str(&a[2]));
        sv(go_replace_all(&src, &old, &new))
    }));
    fs.push(Func::new("plural", &[Str, Str, Int], None, |_, a| {
        sv(if arg_int(&a[2]) == 1 {
            arg_str(&a[0])
        } else {
            arg_str(&a[1])
        })
    }));
    fs.push(Func::new("split", &[Str, Str], None, |_, a| {
        let (sep, orig) = (arg_str(&a[0]), arg_str(&a[1]));
        let m: SortedMap<Value> = go_split(&orig, &sep)
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{i}"), Value::from(p)))
            .collect();
        Ok(string_map(m))
    }));
    fs.push(Func::new("splitn", &[Str, Int, Str], None, |_, a| {
        let (sep, n, orig) = (arg_str(&a[0]), arg_int(&a[1]), arg_str(&a[2]));
        let parts: Vec<String> = if n == 0 {
            vec![]
        } else if n < 0 {
            go_split(&orig, &sep)
        } else if sep.is_empty() {
            let chars: Vec<String> = orig.chars().map(|c| c.to_string()).collect();
            let n = n as usize;
            if chars.len() <= n {
                chars
            } else {
                let mut v: Vec<String> = chars[..n - 1].to_vec();
                v.push(chars[n - 1..].concat());
                v
            }
        } else {
            orig.splitn(n as usize, sep.as_str())
                .map(String::from)
                .collect()
        };
        let m: SortedMap<Value> = parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{i}"), Value::from(p)))
            .collect();
        Ok(string_map(m))
    }));
    fs.push(Func::new("splitList", &[Str, Str], None, |_, a| {
        let (sep, orig) = (arg_str(&a[0]), arg_str(&a[1]));
        Ok(Value::typed_list(
            go_split(&orig, &sep).into_iter().map(Value::from).collect(),
            ElemType::String,
        ))
    }));
    fs.push(Func::new("join", &[Str, Any], None, |_, a| {
        sv(strslice(&a[1]).join(&arg_str(&a[0])))
    }));
    fs.push(Func::new("sortAlpha", &[Any], None, |_, a| {
        let mut v = match crate::funcs::data(&a[0]) {
            Value::List(_) => strslice(&a[0]),
            other => vec![strval(&other)],
        };
        v.sort();
        Ok(Value::typed_list(
            v.into_iter().map(Value::from).collect(),
            ElemType::String,
        ))
    }));
    fs.push(Func::new("hello", &[], None, |_, _| sv("Hello!")));
}

/// A `map[string]string` value.
fn string_map(m: SortedMap<Value>) -> Value {
    Value::Map(std::sync::Arc::new(kubeplay_gotemplate::Map {
        entries: m,
        elem: ElemType::String,
        type_name: None,
    }))
}

/// Go's `strings.Split`: an empty separator splits into UTF-8 characters.
pub fn go_split(s: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        return s.chars().map(|c| c.to_string()).collect();
    }
    s.split(sep).map(String::from).collect()
}

/// Go's `strings.ReplaceAll`: an empty `old` inserts `new` around every character.
pub fn go_replace_all(s: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        let mut out = String::from(new);
        for c in s.chars() {
            out.push(c);
            out.push_str(new);
        }
        return out;
    }
    s.replace(old, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_wrap() {
        assert_eq!(
            go_title("hello world-foo bar_baz"),
            "Hello World-Foo Bar_baz"
        );
        assert_eq!(
            wrap_custom("hello world foo", 5, "\n", false),
            "hello\nworld\nfoo"
        );
        assert_eq!(abbrev(5, "hello world"), "he...");
        assert_eq!(snakecase("FirstName"), "first_name");
        assert_eq!(camelcase("http_server"), "HttpServer");
    }

    /// Sprig's `pad + strings.Replace(s, "\n", "\n"+pad, -1)`, empty lines padded too.
    #[test]
    fn indent_pads_every_line() {
        let s = Value::from;
        let ok = |newline, width, v: &Value| indent(newline, width, v).unwrap();
        assert_eq!(ok(false, 2, &s("a\n\nb\n")), "  a\n  \n  b\n  ");
        assert_eq!(ok(true, 1, &s("a")), "\n a");
        assert_eq!(ok(true, 0, &s("")), "\n");
        assert_eq!(
            indent(false, -3, &s("x\ny")).unwrap_err().msg,
            "strings: negative Repeat count"
        );
        assert_eq!(ok(false, 70, &s("a")), format!("{}a", " ".repeat(70)));
        let bytes = Value::String(kubeplay_gotemplate::GoStr::from_bytes(vec![b'a', 0xff]));
        assert_eq!(ok(false, 1, &bytes), " a\u{fffd}");
        // A huge width is refused before anything is allocated (Go runs out of memory).
        let err = indent(true, 100_000_000_000, &s("a\nb")).unwrap_err();
        assert!(err.msg.contains("over the limit"), "{}", err.msg);
    }
}
