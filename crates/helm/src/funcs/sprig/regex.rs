//! Regular expressions: Go's RE2 syntax, through regex-lite (same syntax, ASCII \d \w \s as in Go).

use std::fmt::Write;

use kubeplay_gotemplate::{ArgType, ElemType, Func, FuncError, Value};

use super::{arg_int, arg_str};

use ArgType::{Int, String as Str};

thread_local! {
    /// Compiled patterns: charts call the same few regexes in every template, and the regex
    /// compilation costs far more than matching.
    static CACHE: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<regex_lite::Regex>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn compile(pat: &str) -> Result<std::rc::Rc<regex_lite::Regex>, String> {
    if let Some(re) = CACHE.with(|c| c.borrow().get(pat).cloned()) {
        return Ok(re);
    }
    // Shared, not cloned: a cloned Regex starts with empty matching caches.
    let re = std::rc::Rc::new(compile_uncached(pat)?);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(pat.to_string(), re.clone());
    });
    Ok(re)
}

/// The longest input whose result is remembered: charts run the same pattern on the same
/// short name many times in one render (Bitnami's `common.names.*` clean the release name
/// in every template), and a match costs thousands of instructions even on a short text.
const MEMO_MAX_INPUT: usize = 256;
/// Results remembered at most in one render.
const MEMO_MAX_ENTRIES: usize = 512;

thread_local! {
    /// This render's results of matches and replacements, by call (cleared by [`forget_results`]
    /// when a render starts, so a render does the same work however many came before it).
    static MEMO: std::cell::RefCell<(String, std::collections::HashMap<String, Value>)> =
        std::cell::RefCell::new(Default::default());
}

/// Forgets the remembered results: called when a render starts.
pub fn forget_results() {
    MEMO.with(|m| m.borrow_mut().1.clear());
}

/// `compute`'s result for the call `op(pattern, input, extra)`, remembered for the rest of
/// the render when the input is short. Errors are not remembered (they end the render).
fn remembered(
    op: &str,
    parts: [&str; 3],
    compute: impl FnOnce() -> Result<Value, FuncError>,
) -> Result<Value, FuncError> {
    if parts[1].len() > MEMO_MAX_INPUT {
        return compute();
    }
    let hit = MEMO.with(|m| {
        let (key, results) = &mut *m.borrow_mut();
        key.clear();
        key.push_str(op);
        // Lengths first: the parts may hold any bytes, so no separator could tell them apart.
        for p in parts {
            let _ = write!(key, ":{}:", p.len());
            key.push_str(p);
        }
        results.get(key.as_str()).cloned()
    });
    if let Some(v) = hit {
        return Ok(v);
    }
    let v = compute()?;
    MEMO.with(|m| {
        let (key, results) = &mut *m.borrow_mut();
        if results.len() >= MEMO_MAX_ENTRIES {
            results.clear();
        }
        results.insert(key.clone(), v.clone());
    });
    Ok(v)
}

fn compile_uncached(pat: &str) -> Result<regex_lite::Regex, String> {
    // Go's parser decides what is an error and how it reads; regex-lite's own errors remain
    // only for what it cannot do (Unicode classes).
    let lite = super::regex_syntax::translate(pat)
        .map_err(|e| format!("error parsing regexp: {}: `{}`", e.code, e.expr))?;
    regex_lite::Regex::new(&lite).map_err(|e| {
        format!(
            "error parsing regexp: {}: `{pat}`",
            unsupported(&e.to_string())
        )
    })
}

/// The error of a pattern Go accepts ([`super::regex_syntax`] has found Go's errors) but
/// regex-lite cannot compile.
fn unsupported(lite: &str) -> String {
    if lite.contains("Unicode character classes") {
        // Go has them; regex-lite (chosen for the page's size) does not: say so plainly.
        return "Unicode classes such as \\pL are not supported in kubeplay".into();
    }
    lite.to_string()
}

/// Go's `Regexp.Expand` template syntax (`$1`, `${name}`) in the regex crate's syntax.
fn go_template(repl: &str) -> String {
    // Both use `$name`/`${name}`; Go takes the longest name ($1x is group "1x"), as does the
    // regex crate, so the template passes through unchanged.
    repl.to_string()
}

fn strings(v: Vec<String>) -> Value {
    Value::typed_list(v.into_iter().map(Value::from).collect(), ElemType::String)
}

fn find_all(re: &regex_lite::Regex, s: &str, n: i64) -> Vec<String> {
    let it = re.find_iter(s).map(|m| m.as_str().to_string());
    if n < 0 {
        it.collect()
    } else {
        it.take(n as usize).collect()
    }
}

fn split(re: &regex_lite::Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return vec![];
    }
    if re.as_str().is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let parts: Vec<String> = if n < 0 {
        re.split(s).map(String::from).collect()
    } else {
        re.splitn(s, n as usize).map(String::from).collect()
    };
    parts
}

pub fn register(fs: &mut Vec<Func>) {
    for (name, must) in [("regexMatch", false), ("mustRegexMatch", true)] {
        fs.push(Func::new(name, &[Str, Str], None, move |_, a| {
            let (pat, s) = (arg_str(&a[0]), arg_str(&a[1]));
            remembered(name, [&pat, &s, ""], || match compile(&pat) {
                Ok(re) => Ok(Value::Bool(re.is_match(&s))),
                Err(e) if must => Err(FuncError::new(e)),
                Err(_) => Ok(Value::Bool(false)),
            })
        }));
    }
    for (name, must) in [("regexFindAll", false), ("mustRegexFindAll", true)] {
        fs.push(Func::new(
            name,
            &[Str, Str, Int],
            None,
            move |_, a| match compile(&arg_str(&a[0])) {
                Ok(re) => Ok(strings(find_all(&re, &arg_str(&a[1]), arg_int(&a[2])))),
                Err(e) if must => Err(FuncError::new(e)),
                Err(_) => Ok(strings(vec![])),
            },
        ));
    }
    for (name, must) in [("regexFind", false), ("mustRegexFind", true)] {
        fs.push(Func::new(name, &[Str, Str], None, move |_, a| {
            let (pat, s) = (arg_str(&a[0]), arg_str(&a[1]));
            remembered(name, [&pat, &s, ""], || match compile(&pat) {
                Ok(re) => Ok(Value::from(
                    re.find(&s)
                        .map(|m| m.as_str().to_string())
                        .unwrap_or_default(),
                )),
                Err(e) if must => Err(FuncError::new(e)),
                Err(_) => Ok(Value::from("")),
            })
        }));
    }
    for (name, must, literal) in [
        ("regexReplaceAll", false, false),
        ("mustRegexReplaceAll", true, false),
        ("regexReplaceAllLiteral", false, true),
        ("mustRegexReplaceAllLiteral", true, true),
    ] {
        fs.push(Func::new(name, &[Str, Str, Str], None, move |_, a| {
            let (pat, s, repl) = (arg_str(&a[0]), arg_str(&a[1]), arg_str(&a[2]));
            remembered(name, [&pat, &s, &repl], || match compile(&pat) {
                Ok(re) => {
                    let out = if literal {
                        re.replace_all(&s, regex_lite::NoExpand(&repl)).into_owned()
                    } else {
                        re.replace_all(&s, go_template(&repl).as_str()).into_owned()
                    };
                    Ok(Value::from(out))
                }
                Err(e) if must => Err(FuncError::new(e)),
                Err(_) => Ok(Value::from("")),
            })
        }));
    }
    for (name, must) in [("regexSplit", false), ("mustRegexSplit", true)] {
        fs.push(Func::new(
            name,
            &[Str, Str, Int],
            None,
            move |_, a| match compile(&arg_str(&a[0])) {
                Ok(re) => Ok(strings(split(&re, &arg_str(&a[1]), arg_int(&a[2])))),
                Err(e) if must => Err(FuncError::new(e)),
                Err(_) => Ok(strings(vec![])),
            },
        ));
    }
    fs.push(Func::new("regexQuoteMeta", &[Str], None, |_, a| {
        let s = arg_str(&a[0]);
        let mut out = String::new();
        for c in s.chars() {
            if "\\.+*?()|[]{}^$".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        Ok(Value::from(out))
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: Result<Value, FuncError>) -> String {
        v.ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }

    /// A remembered result is given for the same call only: parts that would read the same
    /// run together are different calls, long inputs and errors are not remembered, and a
    /// new render starts with nothing remembered.
    #[test]
    fn results_are_remembered_per_call_within_a_render() {
        forget_results();
        let calls = std::cell::Cell::new(0);
        let run = |op: &str, parts: [&str; 3], out: &str| {
            text(remembered(op, parts, || {
                calls.set(calls.get() + 1);
                Ok(Value::from(out))
            }))
        };
        assert_eq!(run("f", ["a", "bc", ""], "1"), "1");
        assert_eq!(run("f", ["a", "bc", ""], "other"), "1");
        assert_eq!(run("f", ["ab", "c", ""], "2"), "2");
        assert_eq!(run("f", ["a", "b", "c"], "3"), "3");
        assert_eq!(run("g", ["a", "bc", ""], "4"), "4");
        assert_eq!(calls.get(), 4);
        let long = "x".repeat(MEMO_MAX_INPUT + 1);
        run("f", ["a", &long, ""], "5");
        run("f", ["a", &long, ""], "5");
        assert_eq!(calls.get(), 6);
        let failed = remembered("f", ["e", "", ""], || Err(FuncError::new("boom")));
        assert!(failed.is_err());
        assert_eq!(run("f", ["e", "", ""], "6"), "6");
        forget_results();
        assert_eq!(run("f", ["a", "bc", ""], "7"), "7");
    }

    #[test]
    fn pattern_errors_read_like_go() {
        for (pat, want) in [
            ("a(", "error parsing regexp: missing closing ): `a(`"),
            ("a)", "error parsing regexp: unexpected ): `a)`"),
            ("[a", "error parsing regexp: missing closing ]: `[a`"),
            (
                r"\q",
                r"error parsing regexp: invalid escape sequence: `\q`",
            ),
            (
                "*a",
                "error parsing regexp: missing argument to repetition operator: `*`",
            ),
        ] {
            assert_eq!(compile_uncached(pat).err().as_deref(), Some(want), "{pat}");
        }
        let unicode = compile_uncached(r"\pL").unwrap_err();
        assert!(unicode.contains("not supported in kubeplay"), "{unicode}");
    }

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        let re = compile_uncached(r"^\d+$").unwrap();
        assert!(re.is_match("123"));
        assert!(!re.is_match("١٢٣"), "Arabic-Indic digits are not \\d in Go");
    }
}
