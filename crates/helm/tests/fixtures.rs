//! Table-driven test over `tests/fixtures/*`: each fixture's chart is rendered with its
//! values (release `demo`, namespace `play`) and compared byte for byte with the goldens the
//! Helm 4 library produced (`regen.py`), or, for a failing render, with its error text.

use std::path::{Path, PathBuf};

use kubeplay_helm::{load_chart, render, RenderOptions, UserValues};
use kubeplay_vfs::FileTree;

fn read_dir_tree(dir: &Path, rel: &str, tree: &mut FileTree) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let child = format!("{rel}/{name}");
        if e.path().is_dir() {
            read_dir_tree(&e.path(), &child, tree);
        } else {
            tree.write(&child, std::fs::read(e.path()).unwrap()).unwrap();
        }
    }
}

fn files_under(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if e.path().is_dir() {
            files_under(&e.path(), &r, out);
        } else {
            out.push((r, e.path()));
        }
    }
}

#[test]
fn fixtures_match_helm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("chart").is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "fixtures missing");
    let mut failures = Vec::new();
    for case in &cases {
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
            (Ok(_), Some(want)) => failures.push(format!("{name}: rendered, but Helm fails with: {want}")),
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
    assert!(failures.is_empty(), "{} of {} fixtures differ:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
