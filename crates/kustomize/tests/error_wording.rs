//! Common user mistakes: the whole message, as kubectl kustomize v5.5.0 printed it for the
//! same files (its absolute paths replaced by this tree's `/k`). Where kubectl accepts the
//! input, the test checks kubeplay builds it too.

use kubeplay_kustomize::{build, BuildOptions};
use kubeplay_vfs::FileTree;

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

fn run(files: &[(&str, &str)], root: &str) -> Result<String, String> {
    let mut t = FileTree::new();
    for (p, c) in files {
        t.write(p, c.as_bytes().to_vec()).unwrap();
    }
    build(&t, root, &BuildOptions::default()).map_err(|e| e.message)
}

fn err(files: &[(&str, &str)]) -> String {
    run(files, "/k").expect_err("kubectl fails on this input")
}

#[test]
fn unknown_field() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\nnamePrefx: a-\n",
        ),
        ("/k/cm.yaml", CM),
    ]);
    assert_eq!(
        e,
        "invalid Kustomization: json: unknown field \"namePrefx\""
    );
}

#[test]
fn missing_resource_file() {
    let e = err(&[("/k/kustomization.yaml", "resources:\n- nope.yaml\n")]);
    assert_eq!(
        e,
        "accumulating resources: accumulation err='accumulating resources from 'nope.yaml': evalsymlink failure on '/k/nope.yaml' : lstat /k/nope.yaml: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '/k/nope.yaml' : lstat /k/nope.yaml: no such file or directory"
    );
}

#[test]
fn cycle_between_kustomizations() {
    let e = run(
        &[
            ("/k/a/kustomization.yaml", "resources:\n- ../b\n"),
            ("/k/b/kustomization.yaml", "resources:\n- ../a\n"),
        ],
        "/k/a",
    )
    .unwrap_err();
    assert_eq!(
        e,
        "accumulating resources: accumulation err='accumulating resources from '../b': '/k/b' must resolve to a file': recursed accumulation of path '/k/b': accumulating resources: accumulation err='accumulating resources from '../a': '/k/a' must resolve to a file': cycle detected: candidate root '/k/a' contains visited root '/k/a'"
    );
}

#[test]
fn invalid_yaml_names_file_and_line() {
    let e = err(&[
        ("/k/kustomization.yaml", "resources:\n- bad.yaml\n"),
        (
            "/k/bad.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: [a\n",
        ),
    ]);
    assert_eq!(
        e,
        "accumulating resources: accumulating resources from 'bad.yaml': MalformedYAMLError: yaml: line 4: did not find expected ',' or ']' in File: bad.yaml"
    );
}

#[test]
fn duplicate_resource_ids() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\n- cm2.yaml\n",
        ),
        ("/k/cm.yaml", CM),
        ("/k/cm2.yaml", CM),
    ]);
    assert_eq!(
        e,
        "accumulating resources: accumulation err='merging resources from 'cm2.yaml': may not add resource with an already registered id: ConfigMap.v1.[noGrp]/c.[noNs]': must build at directory: '/k/cm2.yaml': file is not directory"
    );
}

#[test]
fn conflicting_generators() {
    let e = err(&[(
        "/k/kustomization.yaml",
        "configMapGenerator:\n- name: g\n  literals:\n  - a=1\n- name: g\n  literals:\n  - b=2\n",
    )]);
    // kubectl prints a Go pointer (`&{0xc000... <nil>}`) after "generator"; the rest is
    // the same.
    assert_eq!(
        e,
        "merging from generator: id resid.ResId{Gvk:resid.Gvk{Group:\"\", Version:\"v1\", Kind:\"ConfigMap\", isClusterScoped:false}, Name:\"g\", Namespace:\"\"} exists; behavior must be merge or replace"
    );
}

#[test]
fn resource_without_name_or_kind() {
    let e = err(&[
        ("/k/kustomization.yaml", "resources:\n- r.yaml\n"),
        (
            "/k/r.yaml",
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n",
        ),
    ]);
    assert_eq!(
        e,
        "accumulating resources: accumulation err='accumulating resources from 'r.yaml': missing metadata.name in object {{v1 ConfigMap} {{ } map[] map[]}}': must build at directory: '/k/r.yaml': file is not directory"
    );
    let e = err(&[
        ("/k/kustomization.yaml", "resources:\n- r.yaml\n"),
        (
            "/k/r.yaml",
            "apiVersion: v1\nmetadata:\n  name: x\n  labels:\n    b: \"2\"\n    a: \"1\"\n",
        ),
    ]);
    assert_eq!(
        e,
        "accumulating resources: accumulation err='accumulating resources from 'r.yaml': missing kind in object {{v1 } {{x } map[a:1 b:2] map[]}}': must build at directory: '/k/r.yaml': file is not directory"
    );
}

#[test]
fn strategic_merge_patch_matching_nothing() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: missing\n    spec:\n      replicas: 2\n",
        ),
        ("/k/cm.yaml", CM),
    ]);
    assert_eq!(
        e,
        "no resource matches strategic merge patch \"Deployment.v1.apps/missing.[noNs]\": no matches for Id Deployment.v1.apps/missing.[noNs]; failed to find unique target for patch Deployment.v1.apps/missing.[noNs]"
    );
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: missing\n",
        ),
        ("/k/cm.yaml", CM),
    ]);
    assert_eq!(
        e,
        "no matches for Id Deployment.v1.apps/missing.[noNs]; failed to find unique target for patch Deployment.v1.apps/missing.[noNs]"
    );
}

#[test]
fn strategic_merge_patch_without_name() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    spec:\n      replicas: 4\n",
        ),
        ("/k/cm.yaml", CM),
    ]);
    assert_eq!(
        e,
        "trouble configuring builtin PatchTransformer with config: `\npatch: |-\n  apiVersion: apps/v1\n  kind: Deployment\n  spec:\n    replicas: 4\ntarget:\n  kind: Deployment\n`: unable to parse SM or JSON patch from [patch: \"apiVersion: apps/v1\\nkind: Deployment\\nspec:\\n  replicas: 4\"]"
    );
}

#[test]
fn patch_entry_without_or_with_both_bodies() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n",
        ),
        ("/k/cm.yaml", CM),
    ]);
    assert_eq!(
        e,
        "trouble configuring builtin PatchTransformer with config: `\ntarget:\n  kind: ConfigMap\n`: must specify one of patch and path in\ntarget:\n  kind: ConfigMap\n"
    );
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n  patch: |-\n    - op: add\n      path: /x\n      value: 1\n",
        ),
        ("/k/cm.yaml", CM),
    ]);
    assert_eq!(
        e,
        "trouble configuring builtin PatchTransformer with config: `\npatch: |-\n  - op: add\n    path: /x\n    value: 1\npath: p.yaml\n`: patch and path can't be set at the same time\npatch: |-\n  - op: add\n    path: /x\n    value: 1\npath: p.yaml\n"
    );
}

#[test]
fn several_strategic_merge_patches_with_a_target() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n    ---\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: b\n",
        ),
        ("/k/cm.yaml", CM),
    ]);
    assert_eq!(
        e,
        "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: [patch: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: b\"]"
    );
}

#[test]
fn empty_patches_strategic_merge_file() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- cm.yaml\npatchesStrategicMerge:\n- p.yaml\n",
        ),
        ("/k/cm.yaml", CM),
        ("/k/p.yaml", ""),
    ]);
    assert_eq!(
        e,
        "trouble configuring builtin PatchStrategicMergeTransformer with config: `\npaths:\n- p.yaml\n`: patch appears to be empty; files=[p.yaml], Patch="
    );
}

#[test]
fn accepted_mistakes_build_as_kubectl_does() {
    // An image entry without a name, a tag with a colon, and a reference to a ConfigMap
    // that does not exist: kubectl builds all three without complaint.
    let out = run(
        &[
            (
                "/k/kustomization.yaml",
                "resources:\n- pod.yaml\nnamePrefix: x-\nimages:\n- name: nginx\n  newTag: \"a:b\"\n- newTag: x\n",
            ),
            (
                "/k/pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    envFrom:\n    - configMapRef:\n        name: absent\n",
            ),
        ],
        "/k",
    )
    .unwrap();
    assert_eq!(
        out,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x-p\nspec:\n  containers:\n  - envFrom:\n    - configMapRef:\n        name: absent\n    image: nginx:a:b\n    name: c\n"
    );
}

#[test]
fn namespace_field_spec_on_a_list() {
    let e = err(&[
        (
            "/k/kustomization.yaml",
            "resources:\n- rb.yaml\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: NamespaceTransformer\n  metadata:\n    name: x\n    namespace: team\n  fieldSpecs:\n  - path: subjects\n    kind: RoleBinding\n",
        ),
        (
            "/k/rb.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: r\nsubjects:\n- kind: User\n  name: bob\n",
        ),
    ]);
    assert_eq!(
        e,
        "namespace field specs must target scalar nodes: considering field 'subjects' of object RoleBinding.v1.rbac.authorization.k8s.io/rb.team: wrong node kind: expected ScalarNode but got SequenceNode: node contents:\n- kind: User\n  name: bob\n"
    );
}
