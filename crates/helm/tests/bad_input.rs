//! Bad input ends in a located, Helm-worded error: never a panic, a hang or a stack overflow.

use kubeplay_helm::{load_chart, render, HelmError, RenderOptions, UserValues, Values};
use kubeplay_vfs::FileTree;

fn chart_with(templates: &[(&str, &str)], values: &str) -> FileTree {
    let mut tree = FileTree::new();
    tree.write("/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
        .unwrap();
    tree.write("/c/values.yaml", values).unwrap();
    for (name, text) in templates {
        tree.write(&format!("/c/templates/{name}"), *text).unwrap();
    }
    tree
}

fn render_err(tree: &FileTree, values: &Values) -> String {
    let chart = match load_chart(tree, "/c") {
        Ok(c) => c,
        Err(e) => return e.to_string(),
    };
    let opts = RenderOptions {
        name: "demo".into(),
        ..Default::default()
    };
    match render(&chart, values, &opts) {
        Ok(out) => panic!("expected an error, got {:?}", out.templates),
        Err(e) => e.to_string(),
    }
}

fn err_of(templates: &[(&str, &str)], values: &str) -> String {
    render_err(&chart_with(templates, values), &Values::new())
}

#[test]
fn unclosed_action() {
    assert_eq!(
        err_of(&[("a.yaml", "x: {{ .Values.a\n")], ""),
        "parse error at (c/templates/a.yaml:2): unclosed action started at c/templates/a.yaml:1"
    );
    assert_eq!(
        err_of(&[("a.yaml", "{{ if .Values.a }}\nx\n")], ""),
        "parse error at (c/templates/a.yaml:3): unexpected EOF"
    );
}

#[test]
fn unknown_function() {
    assert_eq!(
        err_of(&[("a.yaml", "\n\nx: {{ frobnicate 1 }}\n")], ""),
        "parse error at (c/templates/a.yaml:3): function \"frobnicate\" not defined"
    );
    // Helm 4.2 has no `env`: Sprig's is removed from the function map.
    assert!(
        err_of(&[("a.yaml", "{{ env \"HOME\" }}")], "").contains("function \"env\" not defined")
    );
}

#[test]
fn wrong_argument_types() {
    // Both texts are what the Helm 4.2 library prints for these templates.
    let e = err_of(&[("a.yaml", "x: {{ b64enc .Values.missing }}\n")], "");
    assert_eq!(
        e,
        "c/templates/a.yaml:1:20\n  executing \"c/templates/a.yaml\" at <.Values.missing>:\n    wrong type for value; expected string; got interface {}"
    );
    let e = err_of(&[("a.yaml", "x: {{ .Values.missing | b64enc }}\n")], "");
    assert_eq!(
        e,
        "c/templates/a.yaml:1:24\n  executing \"c/templates/a.yaml\" at <b64enc>:\n    invalid value; expected string"
    );
    let e = err_of(&[("a.yaml", "{{ indent \"x\" \"y\" }}")], "");
    assert!(e.contains("expected integer; found \"x\""), "{e}");
    let e = err_of(&[("a.yaml", "{{ div 1 0 }}")], "");
    assert!(
        e.contains("error calling div: runtime error: integer divide by zero"),
        "{e}"
    );
}

#[test]
fn infinite_include_recursion() {
    let e = err_of(
        &[(
            "a.yaml",
            "{{ define \"loop\" }}{{ include \"loop\" . }}{{ end }}{{ include \"loop\" . }}",
        )],
        "",
    );
    assert!(e.contains("c/templates/a.yaml"), "{e}");
    assert!(
        e.contains("exceeded") || e.contains("nested") || e.contains("limit"),
        "{e}"
    );
}

#[test]
fn infinite_tpl_recursion() {
    let e = err_of(
        &[("a.yaml", "{{ tpl .Values.t . }}")],
        "t: \"{{ tpl .Values.t . }}\"\n",
    );
    assert!(e.contains("c/templates/a.yaml"), "{e}");
}

#[test]
fn huge_ranges() {
    let e = err_of(&[("a.yaml", "{{ range 100000000000 }}x{{ end }}")], "");
    assert!(e.contains("c/templates/a.yaml"), "{e}");
    let e = err_of(&[("a.yaml", "{{ until 100000000000 | len }}")], "");
    assert!(e.contains("exceeds the limit"), "{e}");
    let e = err_of(&[("a.yaml", "{{ repeat 100000000 \"abcdefgh\" }}")], "");
    assert!(e.contains("Repeat"), "{e}");
    // A width of 10^11 spaces was a hang while the memory filled.
    let e = err_of(&[("a.yaml", "{{ nindent 100000000000 \"x\" }}")], "");
    assert!(
        e.contains("error calling nindent") && e.contains("over the limit"),
        "{e}"
    );
}

#[test]
fn malformed_values() {
    let e = err_of(&[("a.yaml", "x")], "a: [1, 2\nb: 3\n");
    assert!(
        e.starts_with("cannot load values.yaml: error converting YAML to JSON: yaml: line"),
        "{e}"
    );
    let uv = UserValues {
        files: vec![("my.yaml".into(), "a:\n  - b\n c: d\n".into())],
        ..Default::default()
    };
    let e = uv.merged(&|_| Err("no".into())).unwrap_err();
    assert!(matches!(e, HelmError::Values(_)));
    assert!(
        e.to_string()
            .starts_with("failed to parse my.yaml: error converting YAML to JSON: yaml: line"),
        "{e}"
    );
    let uv = UserValues {
        set: vec!["a.b".into()],
        ..Default::default()
    };
    assert_eq!(
        uv.merged(&|_| Err("no".into())).unwrap_err().to_string(),
        "failed parsing --set data: key \"b\" has no value"
    );
    let uv = UserValues {
        set_json: vec!["a={bad".into()],
        ..Default::default()
    };
    assert!(uv.merged(&|_| Err("no".into())).is_err());
}

#[test]
fn bad_archives_and_charts() {
    let mut tree = chart_with(&[("a.yaml", "x: 1")], "");
    tree.write(
        "/c/charts/broken-1.0.0.tgz",
        b"\x1f\x8b\x08garbage".to_vec(),
    )
    .unwrap();
    let e = render_err(&tree, &Values::new());
    assert!(
        e.starts_with("error unpacking subchart broken-1.0.0.tgz in c: "),
        "{e}"
    );

    let mut tree = FileTree::new();
    tree.write("/c/templates/a.yaml", "x").unwrap();
    assert_eq!(
        render_err(&tree, &Values::new()),
        "Chart.yaml file is missing"
    );

    let mut tree = FileTree::new();
    tree.write(
        "/c/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: not-semver\n",
    )
    .unwrap();
    assert_eq!(
        render_err(&tree, &Values::new()),
        "validation: chart.metadata.version \"not-semver\" is invalid"
    );
    assert!(kubeplay_helm::load_archive(b"").is_err());
}

#[test]
fn fail_and_required_messages() {
    assert_eq!(
        err_of(&[("a.yaml", "a: 1\n{{ fail \"stop here\" }}")], ""),
        "execution error at (c/templates/a.yaml:2:3): stop here"
    );
    assert_eq!(
        err_of(&[("a.yaml", "{{ include \"x\" . }}{{ define \"x\" }}{{ required \"need y\" .Values.y }}{{ end }}")], ""),
        "execution error at (c/templates/a.yaml:1:3): need y"
    );
}
