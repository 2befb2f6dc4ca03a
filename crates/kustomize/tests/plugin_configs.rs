//! Builtin plugin configs (`transformers:`/`generators:` entries with `apiVersion: builtin`):
//! their configuration errors, worded as kubectl kustomize v5.5.0 words them (each expected
//! message was printed by kubectl for the same input).

use kubeplay_kustomize::{build, BuildOptions};
use kubeplay_vfs::FileTree;

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  path: a/b\n";

/// Builds `/k` holding a ConfigMap and one inline transformer config.
fn build_with(config: &str) -> Result<String, String> {
    let mut t = FileTree::new();
    let indented: String = config.lines().map(|l| format!("  {l}\n")).collect();
    t.write(
        "/k/kustomization.yaml",
        format!("resources:\n- cm.yaml\ntransformers:\n- |-\n{indented}"),
    )
    .unwrap();
    t.write("/k/cm.yaml", CM).unwrap();
    build(&t, "/k", &BuildOptions::default()).map_err(|e| e.message)
}

fn value_add(rest: &str) -> String {
    format!(
        "apiVersion: builtin\nkind: ValueAddTransformer\nmetadata:\n  name: p\nvalue: V\n{rest}"
    )
}

#[test]
fn value_add_config_errors() {
    let prefix = "plugin ValueAddTransformer.builtin.[noGrp]/p.[noNs] fails configuration: ";
    for (rest, want) in [
        ("targets: []", "must specify at least one target"),
        ("targets:\n- fieldPath: ''", "fieldPath cannot be empty"),
        (
            "targets:\n- fieldPath: a\n  filePathPosition: -1",
            "value of FilePathPosition (-1) cannot be negative",
        ),
    ] {
        assert_eq!(
            build_with(&value_add(rest)).unwrap_err(),
            format!("{prefix}{want}")
        );
    }
}

#[test]
fn value_add_path_errors() {
    let e = build_with(&value_add("targets:\n- fieldPath: data")).unwrap_err();
    assert_eq!(
        e,
        "wrong node kind: expected ScalarNode but got MappingNode: node contents:\npath: a/b\n"
    );
    let e = build_with(&value_add("targets:\n- fieldPath: data/*/x")).unwrap_err();
    assert_eq!(e, "wildcard is not supported in PathGetter");
    let e = build_with(&value_add("targets:\n- fieldPath: data/path/x")).unwrap_err();
    assert!(
        e.starts_with("wrong node kind: expected MappingNode but got ScalarNode"),
        "{e}"
    );
}

#[test]
fn value_add_inserts_into_paths() {
    let out = build_with(&value_add(
        "targets:\n- fieldPath: data/path\n  filePathPosition: 2\n- fieldPath: data/new",
    ))
    .unwrap();
    assert!(out.contains("  new: V\n  path: a/V/b\n"), "{out}");
}
