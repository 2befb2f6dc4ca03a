//! Table-driven conformance test: every case of tests/fixtures/cases.txt
//! rendered by Helm 4 (Go's text/template) is in goldens.json; the engine
//! must produce the same output or the same error text.

use std::collections::BTreeMap;
use std::sync::Arc;

use kubeplay_gotemplate::{ArgType, Func, FuncError, MissingKey, Templates, Value};

const NAME: &str = "c/templates/t.yaml";

fn from_json(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        // Helm decodes values as JSON: every number is a float64.
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::map(o.iter().map(|(k, v)| (k.clone(), from_json(v))))
        }
    }
}

fn named(v: Value, name: &str) -> Value {
    match v {
        Value::Map(m) => {
            let mut m = (*m).clone();
            m.type_name = Some(Arc::from(name));
            Value::Map(Arc::new(m))
        }
        v => v,
    }
}

/// The data Helm passes to a template: the values and the release.
fn helm_root(values: &serde_json::Value) -> Value {
    let release = Value::map([
        ("Name", Value::from("x")),
        ("Namespace", Value::from("y")),
        ("Revision", Value::Int(1)),
        ("IsInstall", Value::Bool(true)),
        ("IsUpgrade", Value::Bool(false)),
        ("Service", Value::from("Helm")),
    ]);
    let mut root = BTreeMap::new();
    root.insert(
        "Values".to_string(),
        named(from_json(values), "common.Values"),
    );
    root.insert("Release".to_string(), release);
    // Present in Helm's root; their contents do not matter to the cases.
    for k in ["Capabilities", "Chart", "Files", "Subcharts", "Template"] {
        root.insert(k.to_string(), Value::map(Vec::<(String, Value)>::new()));
    }
    named(Value::from(root), "common.Values")
}

/// Helm rewords parse errors keeping the location and only the text after
/// the last ": " (`cleanupParseError`); goldens hold that reduced form.
fn helm_parse_error(go: &str) -> String {
    let tokens: Vec<&str> = go.split(": ").collect();
    if tokens.len() < 3 {
        return go.to_string();
    }
    format!("template: {}: {}", tokens[1], tokens[tokens.len() - 1])
}

/// Helm's marker around `required`/`fail` messages, which its error
/// reformatting turns into `execution error at (LOC): MSG`.
const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

fn helm_exec_error(go: &str) -> String {
    if let (Some(a), Some(b)) = (go.find(WARN_START), go.find(WARN_END)) {
        let loc = go.split(": ").nth(1).unwrap_or("");
        return format!(
            "execution error at ({loc}): {}",
            &go[a + WARN_START.len()..b]
        );
    }
    go.to_string()
}

/// A few Helm and Sprig functions with their Go signatures, written against
/// the public function API (as the Helm crate will).
fn helm_funcs(t: &mut Templates) {
    use ArgType::*;
    t.add_func(Func::new("include", &[String, Any], None, |ctx, a| {
        let name = a[0].as_str().unwrap_or_default();
        Ok(Value::from(ctx.execute_template(name, &a[1])?))
    }));
    t.add_func(Func::new("tpl", &[String, Any], None, |ctx, a| {
        let text = a[0].as_str().unwrap_or_default();
        let q = kubeplay_gotemplate::strconv::quote(text);
        match ctx.execute_text("gotpl", text, &a[1]) {
            Ok(s) => Ok(Value::from(s.replace("<no value>", ""))),
            Err(e) if e.kind == kubeplay_gotemplate::ErrorKind::Parse => {
                Err(FuncError::new(format!("cannot parse template {q}: {e}")))
            }
            Err(e) => Err(FuncError::new(format!(
                "error during tpl function execution for {q}: {e}"
            ))),
        }
    }));
    t.add_func(Func::new("required", &[String, Any], None, |_, a| {
        let missing = a[1].is_nil() || a[1].as_str() == Some("");
        if missing {
            let w = a[0].as_str().unwrap_or_default();
            return Err(FuncError::new(format!("{WARN_START}{w}{WARN_END}")));
        }
        Ok(a[1].clone())
    }));
    t.add_func(Func::new("fail", &[String], None, |_, a| {
        let w = a[0].as_str().unwrap_or_default();
        Err(FuncError::new(format!("{WARN_START}{w}{WARN_END}")))
    }));
    t.add_func(Func::new("upper", &[String], None, |_, a| {
        Ok(Value::from(
            a[0].as_str().unwrap_or_default().to_uppercase(),
        ))
    }));
    t.add_func(Func::new("trunc", &[Int, String], None, |_, a| {
        let (Value::Int(c), Some(s)) = (&a[0], a[1].as_str()) else {
            return Err(FuncError::new("bad arguments"));
        };
        let (c, n) = (*c, s.len() as i64);
        let r = if c < 0 && n + c > 0 {
            &s[(n + c) as usize..]
        } else if c >= 0 && n > c {
            &s[..c as usize]
        } else {
            s
        };
        Ok(Value::from(r))
    }));
}

/// Sprig functions whose Go signatures exercise the other argument types:
/// `bool`, `map[string]interface {}`, variadic typed parameters and typed
/// (`[]int`, `[]string`) results.
fn sprig_typed_funcs(t: &mut Templates) {
    use kubeplay_gotemplate::ElemType;
    use ArgType::*;
    t.add_func(Func::new("ternary", &[Any, Any, Bool], None, |_, a| {
        Ok(if matches!(a[2], Value::Bool(true)) {
            a[0].clone()
        } else {
            a[1].clone()
        })
    }));
    t.add_func(Func::new("pick", &[Map], Some(String), |_, a| {
        let mut out = BTreeMap::new();
        if let Value::Map(m) = &a[0] {
            for k in &a[1..] {
                let k = k.as_str().unwrap_or_default();
                if let Some(v) = m.entries.get(k) {
                    out.insert(k.to_string(), v.clone());
                }
            }
        }
        Ok(Value::from(out))
    }));
    t.add_func(Func::new("keys", &[], Some(Map), |_, a| {
        let mut k = Vec::new();
        for d in a {
            if let Value::Map(m) = d {
                k.extend(m.entries.keys().map(|s| Value::from(s.as_str())));
            }
        }
        Ok(Value::typed_list(k, ElemType::String))
    }));
    t.add_func(Func::new("until", &[Int], None, |_, a| {
        let Value::Int(n) = a[0] else {
            return Err(FuncError::new("bad count"));
        };
        let items: Vec<Value> = if n >= 0 {
            (0..n).map(Value::Int).collect()
        } else {
            (n + 1..=0).rev().map(Value::Int).collect()
        };
        Ok(Value::typed_list(items, ElemType::Int))
    }));
}

fn render(template: &str, values: &serde_json::Value) -> Result<String, String> {
    let mut t = Templates::new("gotpl");
    helm_funcs(&mut t);
    sprig_typed_funcs(&mut t);
    t.missing_key(MissingKey::Zero);
    t.parse(NAME, template)
        .map_err(|e| helm_parse_error(&e.to_string()))?;
    let out = t
        .execute(NAME, &helm_root(values))
        .map_err(|e| helm_exec_error(&e.to_string()))?;
    // Helm's post-processing of every rendered file.
    Ok(out.replace("<no value>", ""))
}

#[test]
fn goldens() {
    let text = include_str!("fixtures/goldens.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(text).expect("goldens.json");
    let (mut passed, mut failed) = (0, 0);
    let mut report = String::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap_or("?");
        let tpl = c["template"].as_str().unwrap_or("");
        let want = match (c.get("output"), c.get("error")) {
            (Some(o), _) => Ok(o.as_str().unwrap_or("").to_string()),
            (_, Some(e)) => Err(e.as_str().unwrap_or("").to_string()),
            _ => panic!("case {name} has neither output nor error"),
        };
        let got = std::panic::catch_unwind(|| render(tpl, &c["values"]))
            .unwrap_or_else(|_| Err("PANIC".into()));
        if got == want {
            passed += 1;
        } else {
            failed += 1;
            report.push_str(&format!(
                "--- {name}\n  template: {tpl:?}\n  want: {want:?}\n  got:  {got:?}\n"
            ));
        }
    }
    if failed > 0 {
        eprintln!("{report}");
    }
    println!("goldens: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} of {} golden cases differ", cases.len());
}
