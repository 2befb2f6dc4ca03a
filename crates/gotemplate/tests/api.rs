//! Behaviour the Helm oracle cannot show (Helm hides `<no value>`, uses
//! missingkey=zero and has no host objects of ours), checked against Go's
//! documented semantics, plus the public API and the limits.

use std::sync::Arc;

use kubeplay_gotemplate::{
    ArgType, ErrorKind, Func, FuncError, Limits, MissingKey, Object, Templates, Value,
};

fn run(src: &str, data: &Value) -> Result<String, String> {
    let mut t = Templates::new("t");
    t.parse("t", src).map_err(|e| e.to_string())?;
    t.execute("t", data).map_err(|e| e.to_string())
}

fn values() -> Value {
    Value::map([
        ("a", Value::Float(1.0)),
        ("m", Value::map([("k", Value::from("v"))])),
        ("null", Value::Nil),
    ])
}

#[test]
fn missing_key_default_prints_no_value() {
    assert_eq!(run("[{{ .x }}]", &values()).unwrap(), "[<no value>]");
    // Fields of a missing value are missing too (no error by default).
    assert_eq!(run("[{{ .x.y.z }}]", &values()).unwrap(), "[<no value>]");
    // A nil in the data prints <no value> as an action, <nil> via fmt.
    assert_eq!(
        run("{{ .null }} {{ print .null }}", &values()).unwrap(),
        "<no value> <nil>"
    );
    assert_eq!(run("{{ html .x }}", &values()).unwrap(), "&lt;no value&gt;");
}

#[test]
fn missing_key_zero_and_error() {
    let mut t = Templates::new("t");
    t.option("missingkey=zero").unwrap();
    t.parse("t", "[{{ .x }}]{{ .x.y }}").unwrap();
    let err = t.execute("t", &values()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "template: t:1:15: executing \"t\" at <.x.y>: nil pointer evaluating interface {}.y"
    );

    let mut t = Templates::new("t");
    t.missing_key(MissingKey::Error);
    t.parse("t", "{{ .m.k }}{{ .m.nope }}").unwrap();
    assert_eq!(
        t.execute("t", &values()).unwrap_err().to_string(),
        "template: t:1:15: executing \"t\" at <.m.nope>: map has no entry for key \"nope\""
    );
    let mut t = Templates::new("t");
    t.missing_key(MissingKey::Error);
    t.parse("t", "{{ .a }}").unwrap();
    assert_eq!(
        t.execute("t", &Value::Nil).unwrap_err().to_string(),
        "template: t:1:3: executing \"t\" at <.a>: nil data; no entry for key \"a\""
    );
    assert!(Templates::new("t").option("missingkey=bogus").is_err());
}

#[test]
fn typed_maps_zero_values() {
    let strings = Value::Map(Arc::new(kubeplay_gotemplate::Map {
        entries: [("a".to_string(), Value::from("x"))].into_iter().collect(),
        elem: kubeplay_gotemplate::ElemType::String,
        type_name: None,
    }));
    let data = Value::map([("s", strings)]);
    let mut t = Templates::new("t");
    t.missing_key(MissingKey::Zero);
    t.parse(
        "t",
        "[{{ .s.a }}][{{ .s.b }}][{{ index .s \"b\" }}]{{ printf \"%T\" .s }}",
    )
    .unwrap();
    assert_eq!(t.execute("t", &data).unwrap(), "[x][][]map[string]string");
}

/// A Helm-like `.Capabilities` object with a nested method receiver.
struct Caps;
struct Versions(Vec<&'static str>);

impl Object for Versions {
    fn type_name(&self) -> String {
        "chartutil.VersionSet".into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Func> {
        let set = self.0.clone();
        (name == "Has").then(|| {
            Func::new("Has", &[ArgType::String], None, move |_, a| {
                Ok(Value::Bool(set.iter().any(|v| Some(*v) == a[0].as_str())))
            })
        })
    }
    fn value(&self) -> Option<Value> {
        let items = self.0.iter().map(|s| Value::from(*s)).collect();
        Some(Value::typed_list(
            items,
            kubeplay_gotemplate::ElemType::String,
        ))
    }
}

/// A named map type with a method, like Helm's `Values`.
struct NamedMap(Value);

impl Object for NamedMap {
    fn type_name(&self) -> String {
        "common.Values".into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Func> {
        let inner = self.0.clone();
        (name == "AsMap").then(|| Func::new("AsMap", &[], None, move |_, _| Ok(inner.clone())))
    }
    fn value(&self) -> Option<Value> {
        Some(self.0.clone())
    }
}

#[test]
fn objects_with_data_act_as_their_data() {
    let data = Value::map([
        ("v", Value::object(Versions(vec!["v1", "apps/v1"]))),
        ("none", Value::object(Versions(vec![]))),
        (
            "vals",
            Value::object(NamedMap(Value::map([("a", Value::Float(1.0))]))),
        ),
    ]);
    let out = run(
        "{{ range .v }}<{{ . }}>{{ end }} {{ len .v }} {{ index .v 1 }} {{ .v }} {{ printf \"%T %v %q\" .v .v .v }} \
         {{ if .none }}some{{ else }}none{{ end }} {{ .v.Has \"v1\" }} {{ slice .v 1 }}",
        &data,
    )
    .unwrap();
    assert_eq!(
        out,
        "<v1><apps/v1> 2 apps/v1 [v1 apps/v1] chartutil.VersionSet [v1 apps/v1] [\"v1\" \"apps/v1\"] none true [apps/v1]"
    );
    let out = run(
        "{{ .vals.a }} {{ .vals.AsMap.a }} [{{ .vals.b }}] {{ range $k, $v := .vals }}{{ $k }}={{ $v }}{{ end }} {{ printf \"%T\" .vals }}",
        &data,
    )
    .unwrap();
    assert_eq!(out, "1 1 [<no value>] a=1 common.Values");
    assert_eq!(
        run("{{ .vals.a 1 }}", &data).unwrap_err(),
        "template: t:1:8: executing \"t\" at <.vals.a>: a is not a method but has arguments"
    );
}

impl Object for Caps {
    fn type_name(&self) -> String {
        "*chartutil.Capabilities".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "APIVersions" => Some(Value::object(Versions(vec!["v1", "apps/v1"]))),
            "KubeVersion" => Some(Value::map([("Version", Value::from("v1.30.0"))])),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<Func> {
        (name == "Fail").then(|| Func::new("Fail", &[], None, |_, _| Err("no".into())))
    }
}

#[test]
fn host_objects_fields_and_methods() {
    let data = Value::map([("Capabilities", Value::object(Caps))]);
    let out = run(
        "{{ .Capabilities.APIVersions.Has \"v1\" }} {{ .Capabilities.APIVersions.Has \"x\" }} \
         {{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.APIVersions }} \
         {{ printf \"%T\" .Capabilities }} {{ if .Capabilities.APIVersions.Has \"apps/v1\" }}apps{{ end }}",
        &data,
    )
    .unwrap();
    assert_eq!(
        out,
        "true false v1.30.0 [v1 apps/v1] *chartutil.Capabilities apps"
    );
    assert_eq!(
        run("{{ .Capabilities.Nope }}", &data).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.Nope>: can't evaluate field Nope in type interface {}"
    );
    // As dot (not read out of a map) the object's own type shows.
    assert_eq!(
        run("{{ .Nope }}", &Value::object(Caps)).unwrap_err(),
        "template: t:1:3: executing \"t\" at <.Nope>: can't evaluate field Nope in type *chartutil.Capabilities"
    );
    assert_eq!(
        run("{{ .Capabilities.APIVersions.Has }}", &data).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.APIVersions.Has>: wrong number of args for Has: want 1 got 0"
    );
    assert_eq!(
        run("{{ .Capabilities.APIVersions.Has 1 }}", &data).unwrap_err(),
        "template: t:1:33: executing \"t\" at <1>: expected string; found 1"
    );
    assert_eq!(
        run("{{ .Capabilities.Fail }}", &data).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.Fail>: error calling Fail: no"
    );
    assert_eq!(
        run("{{ .Capabilities.KubeVersion 1 }}", &data).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.KubeVersion>: KubeVersion has arguments but cannot be invoked as function"
    );
}

/// A host object whose type is its name.
struct Named(&'static str);

impl Object for Named {
    fn type_name(&self) -> String {
        self.0.into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
}

/// A parameter of a host type takes only that object: Go's messages for a constant, nil (not
/// for a pointer type, which takes it) and a value of another type, each at the argument
/// (Sprig's `genSignedCert` and its `sprig.certificate`, semver's `Compare` and its
/// `*semver.Version`, checked with the Helm 4.2.3 library).
#[test]
fn object_parameters_take_only_their_type() {
    let mut t = Templates::new("t");
    for (name, typ) in [
        ("sign", "sprig.certificate"),
        ("compare", "*semver.Version"),
    ] {
        t.add_func(Func::new(name, &[ArgType::Object(typ)], None, |_, a| {
            Ok(match &a[0] {
                Value::Object(o) => Value::from(o.type_name()),
                other => Value::from(format!("{other:?}")),
            })
        }));
    }
    let data = Value::map([
        ("cert", Value::object(Named("sprig.certificate"))),
        ("version", Value::object(Named("*semver.Version"))),
        ("n", Value::Int(1)),
    ]);
    let run = |src: &str| -> Result<String, String> {
        let mut t = t.clone();
        t.parse("t", src).map_err(|e| e.to_string())?;
        t.execute("t", &data).map_err(|e| e.to_string())
    };
    assert_eq!(
        run("{{ sign .cert }} {{ compare .version }} {{ compare nil }}").unwrap(),
        "sprig.certificate *semver.Version Nil"
    );
    for (src, want) in [
        (
            "{{ sign \"x\" }}",
            "t:1:8: executing \"t\" at <\"x\">: can't handle \"x\" for arg of type sprig.certificate",
        ),
        (
            "{{ sign nil }}",
            "t:1:8: executing \"t\" at <nil>: cannot assign nil to sprig.certificate",
        ),
        (
            "{{ sign .n }}",
            "t:1:8: executing \"t\" at <.n>: wrong type for value; expected sprig.certificate; got int",
        ),
        (
            "{{ compare .cert }}",
            "t:1:11: executing \"t\" at <.cert>: wrong type for value; expected *semver.Version; got sprig.certificate",
        ),
    ] {
        assert_eq!(run(src).unwrap_err(), format!("template: {want}"), "{src}");
    }
}

#[test]
fn function_errors_are_structured() {
    let mut t = Templates::new("t");
    t.add_func(Func::simple("boom", |_| Err(FuncError::new("bad thing"))));
    t.parse("t", "x\n  {{ boom 1 }}").unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Exec);
    assert_eq!(e.location.as_deref(), Some("t:2:5"));
    assert_eq!(e.context.as_deref(), Some("boom 1"));
    assert_eq!(e.cause.as_deref(), Some("bad thing"));
    assert_eq!(
        e.to_string(),
        "template: t:2:5: executing \"t\" at <boom 1>: error calling boom: bad thing"
    );
}

#[test]
fn functions_shadow_builtins_and_must_exist_at_parse() {
    let mut t = Templates::new("t");
    assert_eq!(
        t.parse("t", "{{ shout 1 }}").unwrap_err().to_string(),
        "template: t:1: function \"shout\" not defined"
    );
    t.add_func(Func::simple("len", |_| Ok(Value::Int(42))));
    t.parse("t", "{{ len \"abc\" }}").unwrap();
    assert_eq!(t.execute("t", &Value::Nil).unwrap(), "42");
}

/// A parse remembers where its functions are in the set's table; a set with other
/// functions of the same names (a table changed since, or another set given the parse)
/// runs its own, found by name.
#[test]
fn a_kept_parse_calls_the_functions_of_the_set_that_runs_it() {
    let named = |out: &'static str| Func::simple("f", move |_| Ok(Value::from(out)));
    let mut first = Templates::new("t");
    first.add_func(named("first"));
    let parsed = first
        .parse_text("t", "{{ f }}|{{ printf \"%s\" (f) }}")
        .unwrap();
    first.add_parsed(&parsed);
    assert_eq!(first.execute("t", &Value::Nil).unwrap(), "first|first");

    let mut second = Templates::new("t");
    for i in 0..20 {
        second.add_func(Func::simple(format!("g{i}"), |_| Ok(Value::Nil)));
    }
    second.add_func(named("second"));
    second.add_parsed(&parsed);
    assert_eq!(second.execute("t", &Value::Nil).unwrap(), "second|second");

    // The first set's table is shared with the parse: changing it makes a new table.
    first.add_func(named("changed"));
    assert_eq!(first.execute("t", &Value::Nil).unwrap(), "changed|changed");
}

#[test]
fn call_builtin_calls_function_values() {
    let add = Func::new("add", &[ArgType::Int, ArgType::Int], None, |_, a| {
        match (&a[0], &a[1]) {
            (Value::Int(x), Value::Int(y)) => Ok(Value::Int(x + y)),
            _ => Err("bad".into()),
        }
    });
    let data = Value::map([("add", Value::Func(Arc::new(add)))]);
    assert_eq!(run("{{ call .add 1 2 }}", &data).unwrap(), "3");
    assert_eq!(
        run("{{ call .add 1 }}", &data).unwrap_err(),
        "template: t:1:3: executing \"t\" at <call .add 1>: error calling call: wrong number of args for .add: got 1 want 2"
    );
    assert_eq!(
        run("{{ call .add 1 \"x\" }}", &data).unwrap_err(),
        "template: t:1:3: executing \"t\" at <call .add 1 \"x\">: error calling call: arg 1: value has type string; should be int"
    );
    assert_eq!(
        run("{{ call .nope 1 }}", &data).unwrap_err(),
        "template: t:1:3: executing \"t\" at <call .nope 1>: error calling call: call of nil"
    );
}

#[test]
fn include_like_function_through_context() {
    let mut t = Templates::new("set");
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
    t.add_func(Func::new("depth", &[], None, |ctx, _| {
        Ok(Value::Int(ctx.depth() as i64))
    }));
    t.parse(
        "d",
        "{{ define \"dd\" }}{{ depth }}{{ end }}{{ depth }}{{ template \"dd\" }}{{ include \"dd\" . }}",
    )
    .unwrap();
    assert_eq!(t.execute("d", &Value::Nil).unwrap(), "011");
    t.parse(
        "helpers",
        "{{ define \"name\" }}{{ .n | printf \"%s-app\" }}{{ end }}",
    )
    .unwrap();
    t.parse(
        "main",
        "{{ include \"name\" . | printf \"%q\" }} {{ tpl \"{{ include \\\"name\\\" . }}\" . }}",
    )
    .unwrap();
    let data = Value::map([("n", Value::from("web"))]);
    assert_eq!(t.execute("main", &data).unwrap(), "\"web-app\" web-app");
    // The tpl parse happened in a copy: the set is unchanged.
    assert!(!t.has_template("tpl"));
    assert_eq!(
        t.template_names(),
        vec!["d", "dd", "helpers", "main", "name"]
    );
}

/// `Context::include` reuses output buffers between calls: nested and successive
/// includes must each get exactly their own output.
#[test]
fn include_value_through_context() {
    let mut t = Templates::new("set");
    t.add_func(Func::new(
        "include",
        &[ArgType::String, ArgType::Any],
        None,
        |ctx, a| {
            Ok(Value::String(
                ctx.include(a[0].as_str().unwrap_or(""), &a[1])?,
            ))
        },
    ));
    t.parse(
        "main",
        concat!(
            "{{ define \"inner\" }}<{{ . }}>{{ end }}",
            "{{ define \"outer\" }}[{{ include \"inner\" . }}{{ include \"inner\" \"b\" }}]{{ end }}",
            "{{ include \"outer\" \"a\" }}|{{ include \"inner\" \"c\" | len }}|{{ include \"outer\" \"d\" }}",
        ),
    )
    .unwrap();
    assert_eq!(
        t.execute("main", &Value::Nil).unwrap(),
        "[<a><b>]|3|[<d><b>]"
    );
    t.parse("missing", "{{ include \"nope\" . }}").unwrap();
    let e = t.execute("missing", &Value::Nil).unwrap_err();
    assert!(
        e.to_string()
            .contains("no template \"nope\" associated with template \"set\""),
        "{e}"
    );
}

#[test]
fn redefinition_rules() {
    let mut t = Templates::new("t");
    t.parse("a", "{{ define \"x\" }}one{{ end }}").unwrap();
    // A later non-empty definition replaces; an empty one does not.
    t.parse("b", "{{ define \"x\" }}two{{ end }}").unwrap();
    t.parse("c", "{{ define \"x\" }} {{ end }}{{ template \"x\" }}")
        .unwrap();
    assert_eq!(t.execute("c", &Value::Nil).unwrap(), "two");
    // A file whose body is only definitions does not replace a template.
    assert_eq!(t.execute("a", &Value::Nil).unwrap(), "");
    assert_eq!(
        t.execute("zz", &Value::Nil).unwrap_err().to_string(),
        "template: no template \"zz\" associated with template \"t\""
    );
}

#[test]
fn recursion_depth_is_limited() {
    let mut t = Templates::new("t");
    t.limits(Limits {
        max_depth: 50,
        ..Limits::default()
    });
    t.parse(
        "t",
        "{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" 1 }}",
    )
    .unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(
        e.to_string(),
        "template: t:1:28: executing \"r\" at <{{template \"r\" .}}>: exceeded maximum template depth (50)"
    );
}

#[test]
fn nesting_is_limited_independently_of_the_stack() {
    let mut t = Templates::new("t");
    t.limits(Limits {
        max_nesting: 40,
        ..Limits::default()
    });
    t.parse(
        "t",
        "{{ define \"r\" }}{{ if . }}{{ template \"r\" . }}{{ end }}{{ end }}{{ template \"r\" 1 }}",
    )
    .unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(
        e.message,
        "exceeded maximum template depth (nesting limit of 40)"
    );
    // The count unwinds: a wide but shallow template is fine.
    t.parse(
        "wide",
        &"{{ if 1 }}{{ print (print 1) }}{{ end }}".repeat(100),
    )
    .unwrap();
    assert_eq!(t.execute("wide", &Value::Nil).unwrap(), "1".repeat(100));
}

/// Unbounded recursion with default limits ends in an error even on a
/// 1 MiB stack (the wasm default), in unoptimised builds too, and even when
/// a host function parses a deeply nested text at the deepest point.
#[test]
fn deep_recursion_fits_small_stack() {
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let mut t = Templates::new("t");
            t.add_func(Func::new("include", &[ArgType::String, ArgType::Any], None, |ctx, a| {
                Ok(Value::from(ctx.execute_template(a[0].as_str().unwrap_or(""), &a[1])?))
            }));
            // Parses and runs 90 nested ifs, ignoring the outcome.
            t.add_func(Func::new("probe", &[], None, |ctx, _| {
                let deep = format!("{}x{}", "{{ if 1 }}".repeat(90), "{{ end }}".repeat(90));
                let _ = ctx.execute_text("p", &deep, &Value::Nil);
                Ok(Value::from(""))
            }));
            t.parse(
                "t",
                "{{ define \"r\" }}{{ probe }}{{ if . }}{{ with . }}{{ template \"r\" (print (include \"r\" .)) }}{{ end }}{{ end }}{{ end }}{{ template \"r\" 1 }}",
            )
            .unwrap();
            let e = t.execute("t", &Value::Nil).unwrap_err();
            (e.kind, e.message.clone())
        })
        .unwrap();
    let (kind, msg) = h.join().unwrap();
    assert_eq!(kind, ErrorKind::Limit);
    assert!(msg.starts_with("exceeded maximum template depth"), "{msg}");
}

#[test]
fn deep_parse_nesting_is_an_error_not_a_crash() {
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let deep = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
            let ifs = "{{ if 1 }}".repeat(5000);
            (run(&deep, &Value::Nil), run(&ifs, &Value::Nil))
        })
        .unwrap();
    let (a, b) = h.join().unwrap();
    assert_eq!(
        a.unwrap_err(),
        "template: t:1: max expression depth exceeded"
    );
    assert_eq!(
        b.unwrap_err(),
        "template: t:1: max expression depth exceeded"
    );
    // Within the limit it works (30 levels fit even unoptimised builds'
    // larger frames; release builds reach MAX_PARSE_DEPTH).
    let ok = format!("{{{{ {}1{} }}}}", "(".repeat(30), ")".repeat(30));
    assert_eq!(run(&ok, &Value::Nil).unwrap(), "1");
}

#[test]
fn huge_range_hits_step_budget() {
    let mut t = Templates::new("t");
    t.limits(Limits {
        max_steps: 10_000,
        ..Limits::default()
    });
    t.parse("t", "{{ range 9223372036854775807 }}{{ end }}")
        .unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(
        e.message,
        "exceeded maximum number of evaluation steps (10000)"
    );
}

#[test]
fn output_size_is_limited() {
    let mut t = Templates::new("t");
    t.limits(Limits {
        max_output: 1000,
        ..Limits::default()
    });
    t.parse("t", "{{ range 100 }}0123456789abcdef{{ end }}")
        .unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(e.message, "exceeded maximum output size (1000 bytes)");
    t.parse("u", "{{ range 10 }}0123456789{{ end }}").unwrap();
    assert_eq!(t.execute("u", &Value::Nil).unwrap().len(), 100);
}

#[test]
fn strings_built_in_variables_are_limited() {
    let mut t = Templates::new("t");
    t.limits(Limits {
        max_output: 1000,
        ..Limits::default()
    });
    t.parse(
        "t",
        "{{ $x := \"ab\" }}{{ range 100 }}{{ $x = printf \"%s%s\" $x $x }}{{ end }}",
    )
    .unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(
        e.to_string(),
        "template: t:1:39: executing \"t\" at <printf \"%s%s\" $x $x>: exceeded maximum output size (1000 bytes) in the result of printf"
    );
}

#[test]
fn limit_errors_pass_through_functions() {
    let mut t = Templates::new("t");
    t.limits(Limits {
        max_steps: 1000,
        ..Limits::default()
    });
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
    t.parse(
        "t",
        "{{ define \"loop\" }}{{ range 100000 }}{{ end }}{{ end }}{{ include \"loop\" . }}",
    )
    .unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{e}");
}

#[test]
fn value_display_is_go_sprint() {
    assert_eq!(Value::Float(1e6).to_string(), "1e+06");
    assert_eq!(Value::Float(8080.0).to_string(), "8080");
    assert_eq!(
        Value::list(vec![Value::Int(1), Value::from("a"), Value::Nil]).to_string(),
        "[1 a <nil>]"
    );
    assert_eq!(
        Value::map([("b", Value::Bool(true)), ("a", Value::Float(0.5))]).to_string(),
        "map[a:0.5 b:true]"
    );
}

#[test]
fn fmt_functions_directly() {
    use kubeplay_gotemplate::fmt::{sprint, sprintf, sprintln};
    assert_eq!(
        sprintf(
            "%5.2f|%-4d|%x",
            &[Value::Float(1.23456), Value::Int(7), Value::from("hi")]
        ),
        " 1.23|7   |6869"
    );
    assert_eq!(
        sprint(&[Value::Int(1), Value::Int(2), Value::from("a")]),
        "1 2a"
    );
    assert_eq!(sprintln(&[Value::Int(1), Value::from("a")]), "1 a\n");
    assert_eq!(sprintf("%d %!", &[]), "%!d(MISSING) %!!(MISSING)");
    assert_eq!(sprintf("%d %", &[Value::Int(1)]), "1 %!(NOVERB)");
}

#[test]
fn int64_and_uint_comparisons() {
    let data = Value::map([
        ("i64", Value::Int64(3)),
        ("u", Value::Uint64(3)),
        ("b", Value::Byte(97)),
    ]);
    assert_eq!(
        run("{{ eq .i64 3 }} {{ eq .u 3 }} {{ lt .u 4 }} {{ eq .b 'a' }} {{ printf \"%T %T %T\" .i64 .u .b }}", &data)
            .unwrap(),
        "true true true true int64 uint64 uint8"
    );
    assert_eq!(
        run("{{ lt -1 .u }} {{ gt .u -1 }}", &data).unwrap(),
        "true true"
    );
}

/// Binary data (Helm's `.Files.Get` on a binary file) stays bytes through
/// the engine and reaches byte-oriented host functions intact.
#[test]
fn binary_strings_keep_their_bytes() {
    let mut t = Templates::new("t");
    t.add_func(Func::new("hex", &[ArgType::String], None, |_, a| {
        let b = a[0].as_bytes().unwrap_or_default();
        Ok(Value::from(
            b.iter().map(|x| format!("{x:02x}")).collect::<String>(),
        ))
    }));
    t.parse("t", "{{ hex .bin }} {{ len .bin }} {{ .bin | printf \"%s\" | hex }} {{ index .bin 0 }} {{ printf \"%q\" .bin }}")
        .unwrap();
    let bin = Value::String(kubeplay_gotemplate::GoStr::from_bytes(vec![
        0xff, 0x00, b'a',
    ]));
    let data = Value::map([("bin", bin)]);
    assert_eq!(
        t.execute("t", &data).unwrap(),
        "ff0061 3 ff0061 255 \"\\xff\\x00a\""
    );
    t.parse("raw", "{{ .bin }}{{ \"\\xfe\" }}").unwrap();
    assert_eq!(
        t.execute_bytes("raw", &data).unwrap(),
        vec![0xff, 0, b'a', 0xfe]
    );
    assert_eq!(t.execute("raw", &data).unwrap(), "\u{FFFD}\0a\u{FFFD}");
}

#[test]
fn templates_are_send_sync_and_cheap_to_share() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Templates>();
    assert_send_sync::<Value>();
    assert_send_sync::<kubeplay_gotemplate::Error>();
}

#[test]
fn kind_and_type_names() {
    let cases = [
        (Value::Nil, "invalid", "<nil>"),
        (Value::Float(1.0), "float64", "float64"),
        (Value::Int64(1), "int64", "int64"),
        (Value::list(vec![]), "slice", "[]interface {}"),
        (
            Value::map([("a", Value::Nil)]),
            "map",
            "map[string]interface {}",
        ),
        (Value::object(Caps), "ptr", "*chartutil.Capabilities"),
        (
            Value::object(Versions(vec![])),
            "slice",
            "chartutil.VersionSet",
        ),
    ];
    for (v, kind, typ) in cases {
        assert_eq!((v.kind_name(), v.type_name().as_str()), (kind, typ));
    }
}
