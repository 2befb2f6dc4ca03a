//! Bad input: each case gives an error worded like kustomize's (or kustomize's own result
//! where kustomize accepts the input), never a panic or a hang.

use kubeplay_kustomize::{build, BuildOptions};
use kubeplay_vfs::FileTree;

fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut t = FileTree::new();
    for (p, c) in files {
        t.write(p, c.as_bytes().to_vec()).unwrap();
    }
    t
}

fn err(files: &[(&str, &str)], root: &str) -> String {
    build(&tree(files), root, &BuildOptions::default())
        .expect_err("build should fail")
        .message
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

#[test]
fn malformed_yaml_names_file_and_line() {
    let e = err(
        &[
            ("/k/kustomization.yaml", "resources:\n- bad.yaml\n"),
            (
                "/k/bad.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [c\n",
            ),
        ],
        "/k",
    );
    assert!(e.contains("MalformedYAMLError"), "{e}");
    assert!(e.contains("bad.yaml"), "{e}");
    assert!(e.contains("line "), "{e}");
}

#[test]
fn malformed_kustomization() {
    let e = err(&[("/k/kustomization.yaml", "resources: [a\n")], "/k");
    assert!(e.starts_with("invalid Kustomization: yaml: line"), "{e}");
}

#[test]
fn unknown_kustomization_field() {
    let e = err(
        &[
            (
                "/k/kustomization.yaml",
                "resources:\n- cm.yaml\nnamePrefx: a-\n",
            ),
            ("/k/cm.yaml", CM),
        ],
        "/k",
    );
    assert_eq!(
        e,
        "invalid Kustomization: json: unknown field \"namePrefx\""
    );
}

#[test]
fn missing_file() {
    let e = err(
        &[("/k/kustomization.yaml", "resources:\n- nope.yaml\n")],
        "/k",
    );
    assert!(
        e.starts_with(
            "accumulating resources: accumulation err='accumulating resources from 'nope.yaml'"
        ),
        "{e}"
    );
    assert!(e.contains("/k/nope.yaml"), "{e}");
}

#[test]
fn missing_kustomization() {
    let e = err(&[("/k/cm.yaml", CM)], "/k");
    assert!(
        e.starts_with("unable to find one of 'kustomization.yaml'"),
        "{e}"
    );
}

#[test]
fn cycle_between_kustomizations() {
    let e = err(
        &[
            ("/a/kustomization.yaml", "resources:\n- ../b\n"),
            ("/b/kustomization.yaml", "resources:\n- ../a\n"),
        ],
        "/a",
    );
    assert!(
        e.contains("cycle detected: candidate root '/a' contains visited root '/a'"),
        "{e}"
    );
}

#[test]
fn duplicate_ids() {
    let e = err(
        &[
            ("/k/kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n"),
            ("/k/a.yaml", CM),
            ("/k/b.yaml", CM),
        ],
        "/k",
    );
    assert!(
        e.contains(
            "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/c.[noNs]"
        ),
        "{e}"
    );
}

#[test]
fn patch_without_target_match() {
    let e = err(
        &[
            (
                "/k/kustomization.yaml",
                "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n",
            ),
            ("/k/cm.yaml", CM),
            (
                "/k/p.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  a: b\n",
            ),
        ],
        "/k",
    );
    assert!(
        e.contains("no matches for Id ConfigMap.v1.[noGrp]/other.[noNs]"),
        "{e}"
    );
}

#[test]
fn patch_selector_matching_nothing_is_accepted() {
    // kustomize applies a targeted patch to whatever matches, possibly nothing.
    let out = build(
        &tree(&[
            (
                "/k/kustomization.yaml",
                "resources:\n- cm.yaml\npatches:\n- target:\n    kind: Secret\n  patch: |-\n    - op: add\n      path: /data\n      value: {}\n",
            ),
            ("/k/cm.yaml", CM),
        ]),
        "/k",
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(out, CM);
}

#[test]
fn load_restrictor_refuses_outside_files() {
    let e = err(
        &[
            (
                "/k/overlay/kustomization.yaml",
                "resources:\n- ../cm.yaml\n",
            ),
            ("/k/cm.yaml", CM),
        ],
        "/k/overlay",
    );
    assert!(
        e.contains("security; file '/k/cm.yaml' is not in or below '/k/overlay'"),
        "{e}"
    );
}

#[test]
fn ten_megabyte_resource_file() {
    // One ConfigMap with ~10 MB of data: built, not rejected, and printed whole.
    let line = "x".repeat(1000);
    let mut doc = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    for i in 0..10_000 {
        doc.push_str(&format!("  k{i}: {line}\n"));
    }
    assert!(doc.len() > 10_000_000);
    let out = build(
        &tree(&[
            ("/k/kustomization.yaml", "resources:\n- big.yaml\n"),
            ("/k/big.yaml", &doc),
        ]),
        "/k",
        &BuildOptions::default(),
    )
    .unwrap();
    assert!(out.len() > 10_000_000);
    assert!(out.contains("k9999: "));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut doc = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: ");
    doc.push_str(&"[".repeat(100_000));
    let e = err(
        &[
            ("/k/kustomization.yaml", "resources:\n- d.yaml\n"),
            ("/k/d.yaml", &doc),
        ],
        "/k",
    );
    assert!(e.contains("d.yaml"), "{e}");
}

#[test]
fn exec_plugins_are_refused_offline() {
    let e = err(
        &[
            ("/k/kustomization.yaml", "resources:\n- cm.yaml\ntransformers:\n- fn.yaml\n"),
            ("/k/cm.yaml", CM),
            (
                "/k/fn.yaml",
                "apiVersion: example.com/v1\nkind: Fn\nmetadata:\n  name: f\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./fn\n",
            ),
        ],
        "/k",
    );
    assert!(e.contains("cannot run in kubeplay"), "{e}");
}
