//! Table-driven test over `tests/fixtures/*`: each fixture's chart is rendered with its
//! values (release `demo`, namespace `play`) and compared byte for byte with the goldens the
//! Helm 4 library produced (`regen.py`), or, for a failing render, with its error text.

use std::path::{Path, PathBuf};

use kubeplay_helm::{load_chart, render, RenderOptions, TemplateOptions, UserValues};
use kubeplay_vfs::FileTree;

fn read_dir_tree(dir: &Path, rel: &str, tree: &mut FileTree) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let child = format!("{rel}/{name}");
        if e.path().is_dir() {
            read_dir_tree(&e.path(), &child, tree);
        } else {
            tree.write(&child, std::fs::read(e.path()).unwrap())
                .unwrap();
        }
    }
}

fn files_under(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if e.path().is_dir() {
            files_under(&e.path(), &r, out);
        } else {
            out.push((r, e.path()));
        }
    }
}

fn fixture_dirs(slow: bool) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("chart").is_dir())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("slow-")
                == slow
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn fixtures_match_helm() {
    let cases = fixture_dirs(false);
    assert!(cases.len() >= 10, "fixtures missing");
    check_fixtures(&cases);
}

/// `slow-*` fixtures use scrypt (derivePassword), bcrypt and RSA key generation, which take
/// minutes in an unoptimised build: `cargo test --release -p kubeplay-helm` runs them.
#[test]
#[cfg_attr(debug_assertions, ignore = "minutes unoptimised; run with --release")]
fn slow_fixtures_match_helm() {
    let cases = fixture_dirs(true);
    assert!(!cases.is_empty(), "slow fixtures missing");
    check_fixtures(&cases);
}

fn check_fixtures(cases: &[PathBuf]) {
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let mut tree = FileTree::new();
        read_dir_tree(&case.join("chart"), "/chart", &mut tree);
        let mut uv = UserValues::default();
        if let Ok(text) = std::fs::read_to_string(case.join("values.yaml")) {
            uv.files.push(("values.yaml".into(), text));
        }
        let result = load_chart(&tree, "/chart").and_then(|chart| {
            let values = uv.merged(&|_| Err("no files".into()))?;
            let opts = RenderOptions {
                name: "demo".into(),
                namespace: "play".into(),
                ..Default::default()
            };
            render(&chart, &values, &opts)
        });
        let expected_err = std::fs::read_to_string(case.join("expected.err")).ok();
        match (result, expected_err) {
            (Err(e), Some(want)) => {
                // Helm lists schema failures in Go map order, which is random: compare those
                // as sorted lines.
                let norm = |s: &str| {
                    let mut l: Vec<&str> = s.trim().lines().collect();
                    if s.starts_with("values don't meet") {
                        l.sort();
                    }
                    l.join("\n")
                };
                if norm(&e.to_string()) != norm(&want) {
                    failures.push(format!("{name}: error differs\n got: {e}\nwant: {want}"));
                }
            }
            (Err(e), None) => failures.push(format!("{name}: unexpected error: {e}")),
            (Ok(_), Some(want)) => {
                failures.push(format!("{name}: rendered, but Helm fails with: {want}"))
            }
            (Ok(out), None) => {
                let mut want = Vec::new();
                files_under(&case.join("expected"), "", &mut want);
                for (rel, path) in &want {
                    let exp = std::fs::read_to_string(path).unwrap();
                    match out.templates.get(rel) {
                        None => failures.push(format!("{name}: {rel} not rendered")),
                        Some(got) if *got != exp => failures.push(format!(
                            "{name}: {rel} differs\n--- got\n{got}\n--- want\n{exp}"
                        )),
                        _ => {}
                    }
                }
                for k in out.templates.keys() {
                    if !want.iter().any(|(r, _)| r == k) {
                        failures.push(format!("{name}: unexpected template {k}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The `starter` fixtures hold what `kubeplay helm create mychart` writes; keep them in step.
#[test]
fn starter_fixture_is_helm_create_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for case in ["starter", "starter-ingress"] {
        let chart = root.join(case).join("chart");
        let mut on_disk = Vec::new();
        files_under(&chart, "", &mut on_disk);
        let files = kubeplay_helm::starter::starter_files("mychart");
        assert_eq!(on_disk.len(), files.len(), "{case}: file count");
        for (rel, text) in files {
            let disk = std::fs::read_to_string(chart.join(&rel)).unwrap_or_default();
            assert_eq!(
                disk, text,
                "{case}: {rel} differs from starter_files; re-run helm create"
            );
        }
    }
}

/// `helm template` over the starter chart: install order, blank line after each file's last
/// document, the test hook at the end.
#[test]
fn template_stream_of_starter() {
    let mut tree = FileTree::new();
    for (rel, text) in kubeplay_helm::starter::starter_files("web") {
        tree.write(&format!("/web/{rel}"), text).unwrap();
    }
    let chart = load_chart(&tree, "/web").unwrap();
    let opts = kubeplay_helm::TemplateOptions {
        render: RenderOptions {
            name: "demo".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let out = kubeplay_helm::template(&chart, &Default::default(), &opts).unwrap();
    let sources: Vec<&str> = out.manifests.iter().map(|m| m.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "web/templates/serviceaccount.yaml",
            "web/templates/service.yaml",
            "web/templates/deployment.yaml",
            "web/templates/tests/test-connection.yaml"
        ]
    );
    let stream = out.to_stream().unwrap();
    assert!(stream.starts_with(
        "---\n# Source: web/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\n"
    ));
    assert!(stream.contains(
        "automountServiceAccountToken: true\n\n---\n# Source: web/templates/service.yaml\n"
    ));
    assert!(out
        .notes
        .as_deref()
        .unwrap()
        .contains("port-forward svc/demo-web 8080:80"));
    let only = kubeplay_helm::TemplateOptions {
        show_only: vec!["templates/service.yaml".into()],
        ..opts.clone()
    };
    let shown = kubeplay_helm::template(&chart, &Default::default(), &only)
        .unwrap()
        .to_stream()
        .unwrap();
    assert!(shown.starts_with("---\n# Source: web/templates/service.yaml\n"));
    assert!(!shown.contains("kind: Deployment"));
    let missing = TemplateOptions {
        show_only: vec!["templates/nope.yaml".into()],
        ..opts
    };
    let err = kubeplay_helm::template(&chart, &Default::default(), &missing)
        .unwrap()
        .to_stream()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not find template templates/nope.yaml in chart"
    );
}

/// A `Renderer` reuses its parsed templates only while the texts are the same.
#[test]
fn renderer_reuses_parsed_templates_only_for_same_texts() {
    let mut tree = FileTree::new();
    tree.write("/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
        .unwrap();
    tree.write(
        "/c/templates/a.yaml",
        "v: {{ .Values.x }} {{ randAlphaNum 4 }}\n",
    )
    .unwrap();
    let chart = load_chart(&tree, "/c").unwrap();
    let opts = RenderOptions::default();
    let mut r = kubeplay_helm::Renderer::default();
    let vals = |x: &str| {
        UserValues {
            set: vec![format!("x={x}")],
            ..Default::default()
        }
        .merged(&|_| Err("no".into()))
        .unwrap()
    };
    let first = r.render(&chart, &vals("1"), &opts).unwrap().templates;
    let again = r.render(&chart, &vals("1"), &opts).unwrap().templates;
    assert_eq!(first, again, "same seed, same output");
    let two = r.render(&chart, &vals("2"), &opts).unwrap().templates;
    assert!(two["c/templates/a.yaml"].starts_with("v: 2 "));
    tree.write("/c/templates/a.yaml", "w: {{ .Values.x }}\n")
        .unwrap();
    let changed = load_chart(&tree, "/c").unwrap();
    let out = r.render(&changed, &vals("3"), &opts).unwrap().templates;
    assert_eq!(out["c/templates/a.yaml"], "w: 3\n");
}

/// A `Renderer` parses again only the files that changed: an edited helper, a removed helper
/// and a limit change must all show in the next render, as from a fresh renderer.
#[test]
fn renderer_sees_each_changed_file() {
    let mut tree = FileTree::new();
    tree.write("/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
        .unwrap();
    tree.write("/c/templates/_a.tpl", "{{ define \"a\" }}one{{ end }}")
        .unwrap();
    tree.write("/c/templates/_b.tpl", "{{ define \"b\" }}two{{ end }}")
        .unwrap();
    tree.write(
        "/c/templates/x.yaml",
        "x: {{ include \"a\" . }} {{ include \"b\" . }}\n",
    )
    .unwrap();
    let vals = UserValues::default().merged(&|_| Err("no".into())).unwrap();
    let mut opts = RenderOptions::default();
    let mut r = kubeplay_helm::Renderer::default();
    let mut both = |tree: &FileTree, opts: &RenderOptions| {
        let chart = load_chart(tree, "/c").unwrap();
        let warm = r.render(&chart, &vals, opts).map(|o| o.templates);
        let fresh = kubeplay_helm::render(&chart, &vals, opts).map(|o| o.templates);
        assert_eq!(
            format!("{warm:?}"),
            format!("{fresh:?}"),
            "a warm renderer renders like a fresh one"
        );
        warm.map_err(|e| e.to_string())
    };
    assert_eq!(
        both(&tree, &opts).unwrap()["c/templates/x.yaml"],
        "x: one two\n"
    );
    tree.write("/c/templates/_b.tpl", "{{ define \"b\" }}three{{ end }}")
        .unwrap();
    assert_eq!(
        both(&tree, &opts).unwrap()["c/templates/x.yaml"],
        "x: one three\n"
    );
    tree.write("/c/templates/_b.tpl", "{{ define \"b\" }}{{ end ")
        .unwrap();
    let err = both(&tree, &opts).unwrap_err();
    assert!(err.contains("_b.tpl"), "{err}");
    tree.remove("/c/templates/_b.tpl").unwrap();
    let err = both(&tree, &opts).unwrap_err();
    assert!(err.contains("no template \"b\""), "{err:?}");
    tree.write("/c/templates/x.yaml", "x: {{ include \"a\" . }}\n")
        .unwrap();
    assert_eq!(
        both(&tree, &opts).unwrap()["c/templates/x.yaml"],
        "x: one\n"
    );
    opts.limits.max_stack = 1;
    let err = both(&tree, &opts).unwrap_err();
    assert!(err.contains("depth"), "{err}");
}

/// The templates of a chart share one scope, as in Helm: each sees its own `.Template`, a
/// key one `set`s on `$` is there for the templates after it (Helm runs them deepest path
/// first, then in reverse name order: c, b, a), and a subchart has a scope of its own.
/// Outputs from the Helm 4.2.3 library.
#[test]
fn templates_of_a_chart_share_their_scope() {
    let mut tree = FileTree::new();
    tree.write("/c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
        .unwrap();
    let show = "{{ .Template.Name }} {{ .Template.BasePath }} {{ hasKey . \"k\" }} {{ printf \"%T\" . }}\n";
    tree.write("/c/templates/a.yaml", show).unwrap();
    tree.write(
        "/c/templates/b.yaml",
        "{{ $t := .Template }}{{ $_ := set $ \"k\" 1 }}{{ $t.Name }} {{ .k }} \
         {{ $_ := set .Template \"Name\" \"zz\" }}{{ .Template.Name }} {{ $t.Name }}\n",
    )
    .unwrap();
    tree.write("/c/templates/c.yaml", show).unwrap();
    tree.write(
        "/c/charts/s/Chart.yaml",
        "apiVersion: v2\nname: s\nversion: 0.1.0\n",
    )
    .unwrap();
    tree.write("/c/charts/s/templates/d.yaml", show).unwrap();
    let chart = load_chart(&tree, "/c").unwrap();
    let vals = UserValues::default().merged(&|_| Err("no".into())).unwrap();
    let out = kubeplay_helm::render(&chart, &vals, &RenderOptions::default())
        .unwrap()
        .templates;
    assert_eq!(
        out["c/templates/a.yaml"],
        "c/templates/a.yaml c/templates true common.Values\n"
    );
    assert_eq!(out["c/templates/b.yaml"], "c/templates/b.yaml 1 zz zz\n");
    assert_eq!(
        out["c/templates/c.yaml"],
        "c/templates/c.yaml c/templates false common.Values\n"
    );
    assert_eq!(
        out["c/charts/s/templates/d.yaml"],
        "c/charts/s/templates/d.yaml c/charts/s/templates false common.Values\n"
    );
}
