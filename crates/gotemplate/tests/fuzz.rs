//! Property test: no template text and no data make the engine panic or
//! hang. Templates are random token soups, random bytes, and random
//! mutations of the golden cases; a fixed-seed generator keeps it
//! reproducible (a failure prints the offending template).

use std::panic::{catch_unwind, AssertUnwindSafe};

use kubeplay_gotemplate::{ArgType, Func, Limits, MissingKey, Templates, Value};

/// xorshift64*: small, deterministic, good enough for test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{- ",
    " -}}",
    " ",
    " ",
    ".",
    ".Values",
    ".a",
    ".b.c",
    "$",
    "$x",
    "$x := ",
    "$x = ",
    ":=",
    "=",
    "|",
    "(",
    ")",
    "\"s\"",
    "\"%d %s %v\"",
    "`r`",
    "'c'",
    "'\\n'",
    "1",
    "0",
    "-3",
    "0x1f",
    "1.5",
    "1e9",
    "1_0",
    "99999999999999999999",
    "if ",
    "else ",
    "end",
    "range ",
    "with ",
    "define \"d\"",
    "template \"d\"",
    "template \"d\" .",
    "block \"b\" .",
    "break",
    "continue",
    "nil",
    "true",
    "print ",
    "printf ",
    "println",
    "index ",
    "len ",
    "eq ",
    "ne ",
    "lt ",
    "ge ",
    "and ",
    "or ",
    "not ",
    "slice ",
    "html ",
    "js ",
    "urlquery ",
    "call ",
    "inc ",
    "include \"d\" .",
    "tpl ",
    "/*",
    "*/",
    "\n",
    "x",
    "é",
    ",",
    "#",
    "\\",
    "{",
    "}",
    "\"",
    "%",
    "[",
    "]",
    "{{ range $i, $v := . }}",
    "{{ end }}",
    "{{ else }}",
    "{{ if . }}",
];

fn data() -> Value {
    Value::map([
        ("a", Value::Float(1.0)),
        (
            "b",
            Value::map([(
                "c",
                Value::list(vec![Value::Int(1), Value::Nil, Value::from("z")]),
            )]),
        ),
        (
            "Values",
            Value::map([("n", Value::Float(1e6)), ("s", Value::from("str"))]),
        ),
        ("l", Value::list(vec![Value::Float(2.5), Value::Bool(true)])),
        ("nil", Value::Nil),
    ])
}

fn engine() -> Templates {
    let mut t = Templates::new("fuzz");
    t.limits(Limits {
        max_steps: 20_000,
        max_output: 1 << 16,
        ..Limits::default()
    });
    t.add_func(Func::new("inc", &[ArgType::Int], None, |_, a| match a[0] {
        Value::Int(i) => Ok(Value::Int(i.wrapping_add(1))),
        _ => Err("not int".into()),
    }));
    t.add_func(Func::new(
        "include",
        &[ArgType::String, ArgType::Any],
        None,
        |ctx, a| {
            Ok(Value::from(
                ctx.execute_template(a[0].as_str().unwrap_or(""), &a[1])?,
            ))
        },
    ));
    t.add_func(Func::new(
        "tpl",
        &[ArgType::String, ArgType::Any],
        None,
        |ctx, a| {
            Ok(Value::from(ctx.execute_text(
                "tpl",
                a[0].as_str().unwrap_or(""),
                &a[1],
            )?))
        },
    ));
    t
}

fn exercise(src: &str, data: &Value) {
    for mk in [MissingKey::Default, MissingKey::Zero, MissingKey::Error] {
        let mut t = engine();
        t.missing_key(mk);
        if t.parse("t", src).is_ok() {
            let _ = t.execute("t", data);
            for name in t.template_names() {
                let _ = t.execute(&name, data);
            }
        }
    }
}

fn check(src: &str, data: &Value) {
    let r = catch_unwind(AssertUnwindSafe(|| exercise(src, data)));
    assert!(r.is_ok(), "engine panicked on template {src:?}");
}

fn golden_templates() -> Vec<String> {
    let text = include_str!("fixtures/goldens.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(text).expect("goldens.json");
    cases
        .iter()
        .filter_map(|c| c["template"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn random_token_soup_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let d = data();
    for _ in 0..10_000 {
        let n = 1 + rng.below(40);
        let src: String = (0..n).map(|_| TOKENS[rng.below(TOKENS.len())]).collect();
        check(&src, &d);
        // Also wrapped in an action, where most of the grammar lives.
        check(&format!("{{{{ {src} }}}}"), &d);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    let d = data();
    for _ in 0..2000 {
        let n = rng.below(60);
        let bytes: Vec<u8> = (0..n)
            .map(|_| match rng.below(4) {
                0 => {
                    let specials = b"{}.$()|\"`'-: ";
                    specials[rng.below(specials.len())]
                }
                _ => rng.next() as u8,
            })
            .collect();
        check(&String::from_utf8_lossy(&bytes), &d);
    }
}

#[test]
fn mutated_goldens_never_panic() {
    let mut rng = Rng(7);
    let d = data();
    let goldens = golden_templates();
    assert!(goldens.len() > 300);
    for src in &goldens {
        check(src, &d);
        for _ in 0..4 {
            let mut s: Vec<char> = src.chars().collect();
            for _ in 0..1 + rng.below(3) {
                let at = if s.is_empty() {
                    0
                } else {
                    rng.below(s.len() + 1)
                };
                match rng.below(3) {
                    0 if at < s.len() => {
                        s.remove(at);
                    }
                    1 => {
                        let tok: Vec<char> = TOKENS[rng.below(TOKENS.len())].chars().collect();
                        s.splice(at..at, tok);
                    }
                    _ if at < s.len() => {
                        let end = (at + rng.below(8)).min(s.len());
                        s.drain(at..end);
                    }
                    _ => {}
                }
            }
            check(&s.into_iter().collect::<String>(), &d);
        }
    }
}
