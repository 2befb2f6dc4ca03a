//! Runs every fixture under `tests/fixtures/` from an in-memory tree and compares the output
//! with the golden `kubectl kustomize` printed (`regenerate.sh` there rebuilds the goldens).
//! A fixture whose build fails under kubectl has `error-contains` instead: kubeplay must
//! fail too, with a message that contains that text.

use std::fs;
use std::path::Path;

use kubeplay_kustomize::{build, BuildOptions, LoadRestrictor};
use kubeplay_vfs::FileTree;

fn read_into(tree: &mut FileTree, dir: &Path, at: &str) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = format!("{at}/{name}");
        if e.file_type().unwrap().is_dir() {
            read_into(tree, &e.path(), &path);
        } else {
            tree.write(&path, fs::read(e.path()).unwrap()).unwrap();
        }
    }
}

#[test]
fn fixtures_match_kubectl() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input").is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "fixtures missing");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut tree = FileTree::new();
        read_into(&mut tree, &dir.join("input"), "/fixture");
        let rel = fs::read_to_string(dir.join("root")).unwrap_or_else(|_| ".".into());
        let build_root = kubeplay_vfs::normalize(&format!("/fixture/{}", rel.trim()));
        let flags = fs::read_to_string(dir.join("flags")).unwrap_or_default();
        let opts = BuildOptions {
            load_restrictor: if flags.contains("LoadRestrictionsNone") {
                LoadRestrictor::None
            } else {
                LoadRestrictor::RootOnly
            },
            enable_helm: flags.contains("--enable-helm"),
        };
        let got = build(&tree, &build_root, &opts);
        match (fs::read_to_string(dir.join("expected.yaml")), got) {
            (Ok(want), Ok(out)) if want == out => {}
            (Ok(want), Ok(out)) => failures.push(format!(
                "{name}: output differs\n--- want\n{want}--- got\n{out}"
            )),
            (Ok(_), Err(e)) => failures.push(format!("{name}: unexpected error: {e}")),
            (Err(_), Ok(_)) => failures.push(format!("{name}: expected an error, got output")),
            (Err(_), Err(e)) => {
                let want = fs::read_to_string(dir.join("error-contains")).unwrap();
                if !e.message.contains(want.trim()) {
                    failures.push(format!("{name}: error {e:?} lacks {:?}", want.trim()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
