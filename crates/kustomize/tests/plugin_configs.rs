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

fn config(kind: &str, rest: &str) -> String {
    format!("apiVersion: builtin\nkind: {kind}\nmetadata:\n  name: p\n{rest}")
}

#[test]
fn builtin_config_errors() {
    for (kind, rest, want) in [
        (
            "PatchJson6902Transformer",
            "target:\n  kind: ConfigMap\njsonOp: '[]'",
            "plugin PatchJson6902Transformer.builtin.[noGrp]/p.[noNs] fails configuration: must specify the target name",
        ),
        (
            "PatchJson6902Transformer",
            "target:\n  name: cm\njsonOp: '[]'",
            "plugin PatchJson6902Transformer.builtin.[noGrp]/p.[noNs] fails configuration: patch appears to be empty; file=, JsonOp=[]",
        ),
        (
            "PatchJson6902Transformer",
            "target:\n  name: cm",
            "plugin PatchJson6902Transformer.builtin.[noGrp]/p.[noNs] fails configuration: empty file path and empty jsonOp",
        ),
        (
            "PrefixSuffixTransformer",
            "prefix: a-",
            "plugin PrefixSuffixTransformer.builtin.[noGrp]/p.[noNs] fails configuration: fieldSpecs is not expected to be nil",
        ),
        (
            "SuffixTransformer",
            "suffix: -a",
            "plugin SuffixTransformer.builtin.[noGrp]/p.[noNs] fails configuration: fieldSpecs is not expected to be nil",
        ),
        (
            "NamespaceTransformer",
            "setRoleBindingSubjects: bad",
            "plugin NamespaceTransformer.builtin.[noGrp]/p.[noNs] fails configuration: invalid value \"bad\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\"",
        ),
        (
            "PatchTransformer",
            "target:\n  kind: ConfigMap",
            "plugin PatchTransformer.builtin.[noGrp]/p.[noNs] fails configuration: must specify one of patch and path in\napiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\ntarget:\n  kind: ConfigMap\n",
        ),
        (
            "SortOrderTransformer",
            "sortOptions:\n  order: fifo",
            "unable to load builtin SortOrderTransformer.builtin.[noGrp]",
        ),
    ] {
        assert_eq!(build_with(&config(kind, rest)).unwrap_err(), want, "{kind}");
    }
}

#[test]
fn affix_transformers_accept_empty_field_specs() {
    let out = build_with(&config("PrefixTransformer", "prefix: a-\nfieldSpecs: []")).unwrap();
    assert!(
        out.contains("  name: cm\n"),
        "no field spec, no change: {out}"
    );
}

#[test]
fn generator_configs_need_a_name_to_be_inline() {
    // Without metadata.name the entry is not an inline config, so kustomize reads it as a
    // path, and fails.
    let mut t = FileTree::new();
    t.write(
        "/k/kustomization.yaml",
        "generators:\n- |-\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  name: g\n",
    )
    .unwrap();
    let e = build(&t, "/k", &BuildOptions::default())
        .unwrap_err()
        .message;
    assert!(
        e.starts_with("loading generator plugins: accumulation err='accumulating resources from 'apiVersion: builtin\nkind: ConfigMapGenerator\nname: g': evalsymlink failure on '/k/apiVersion: builtin"),
        "{e}"
    );
}
