//! helmCharts beyond the oracle fixtures: the other ways to configure the generator
//! (`generators:` plugin configs, the legacy `helmChartInflationGenerator` field,
//! `helmGlobals`), release naming, hooks and tests, and kustomize's errors.

use kubeplay_kustomize::{build, BuildOptions};
use kubeplay_vfs::FileTree;

const CHART: &[(&str, &str)] = &[
    ("Chart.yaml", "apiVersion: v2\nname: mini\nversion: 0.2.0\n"),
    ("values.yaml", "color: blue\nsize: 1\nlist: [a, b]\n"),
    (
        "templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  color: {{ .Values.color | quote }}\n  size: {{ .Values.size | quote }}\n  list: {{ join \",\" .Values.list | quote }}\n  ns: {{ .Release.Namespace }}\n",
    ),
    (
        "templates/test.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    helm.sh/hook: test\nspec:\n  containers: []\n",
    ),
    (
        "templates/hook.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      containers: []\n",
    ),
];

fn tree(home: &str, kustomization: &str, extra: &[(&str, &str)]) -> FileTree {
    let mut t = FileTree::new();
    for (p, c) in CHART {
        t.write(&format!("{home}/mini/{p}"), c.as_bytes().to_vec())
            .unwrap();
    }
    t.write("/k/kustomization.yaml", kustomization.as_bytes().to_vec())
        .unwrap();
    for (p, c) in extra {
        t.write(p, c.as_bytes().to_vec()).unwrap();
    }
    t
}

fn helm() -> BuildOptions {
    BuildOptions {
        enable_helm: true,
        ..Default::default()
    }
}

fn names(out: &str) -> Vec<&str> {
    out.lines()
        .filter_map(|l| l.strip_prefix("  name: "))
        .collect()
}

#[test]
fn plugin_config_and_legacy_field_match_helm_charts() {
    let via_field = build(
        &tree(
            "/k/charts",
            "helmCharts:\n- name: mini\n  releaseName: r\n  valuesInline:\n    color: red\n",
            &[],
        ),
        "/k",
        &helm(),
    )
    .unwrap();
    assert!(via_field.contains("color: red"), "{via_field}");
    let via_plugin = build(
        &tree(
            "/k/charts",
            "generators:\n- gen.yaml\n",
            &[(
                "/k/gen.yaml",
                "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n  name: x\nname: mini\nreleaseName: r\nvaluesInline:\n  color: red\n",
            )],
        ),
        "/k",
        &helm(),
    )
    .unwrap();
    assert_eq!(via_field, via_plugin);
    let legacy = build(
        &tree(
            "/k/charts",
            "helmChartInflationGenerator:\n- chartName: mini\n  releaseName: r\n  valuesLocal:\n    color: red\n",
            &[],
        ),
        "/k",
        &helm(),
    )
    .unwrap();
    assert_eq!(via_field, legacy);
}

#[test]
fn globals_chart_home_and_values_merge_modes() {
    let k = |merge: &str| {
        format!(
            "helmGlobals:\n  chartHome: vendor\nhelmCharts:\n- name: mini\n  releaseName: r\n  namespace: ns1\n  valuesFile: v.yaml\n  valuesMerge: {merge}\n  valuesInline:\n    color: red\n    list: [z]\n"
        )
    };
    let extra = [("/k/v.yaml", "color: green\nsize: 7\n")];
    let out = |m: &str| build(&tree("/k/vendor", &k(m), &extra), "/k", &helm()).unwrap();
    // override: valuesInline over the file; merge: the file over valuesInline; replace:
    // valuesInline alone (over the chart's defaults, as helm reads them anyway).
    let o = out("override");
    assert!(o.contains("color: red") && o.contains("size: \"7\"") && o.contains("list: z"));
    assert!(o.contains("ns: ns1"), "{o}");
    let m = out("merge");
    assert!(m.contains("color: green") && m.contains("size: \"7\"") && m.contains("list: z"));
    let r = out("replace");
    assert!(r.contains("color: red") && r.contains("size: \"1\"") && r.contains("list: z"));
}

#[test]
fn hooks_tests_and_release_names() {
    let out = build(
        &tree(
            "/k/charts",
            "helmCharts:\n- name: mini\n  releaseName: r\n",
            &[],
        ),
        "/k",
        &helm(),
    )
    .unwrap();
    // Legacy sort: Job is an ordered kind, Pod is not.
    assert_eq!(names(&out), ["r-cm", "r-migrate", "r-test"]);
    let out = build(
        &tree(
            "/k/charts",
            "helmCharts:\n- name: mini\n  releaseName: r\n  skipTests: true\n  skipHooks: true\n",
            &[],
        ),
        "/k",
        &helm(),
    )
    .unwrap();
    assert_eq!(names(&out), ["r-cm"]);
    let out = build(
        &tree(
            "/k/charts",
            "helmCharts:\n- name: mini\n  nameTemplate: '{{ printf \"%s-x\" \"tpl\" }}'\n  skipHooks: true\n  skipTests: true\n",
            &[],
        ),
        "/k",
        &helm(),
    )
    .unwrap();
    assert_eq!(names(&out), ["tpl-x-cm"]);
    let out = build(
        &tree(
            "/k/charts",
            "helmCharts:\n- name: mini\n  skipHooks: true\n  skipTests: true\n",
            &[],
        ),
        "/k",
        &helm(),
    )
    .unwrap();
    let name = names(&out)[0];
    assert!(name.starts_with("mini-") && name.ends_with("-cm"), "{name}");
}

#[test]
fn errors_are_kustomizes() {
    let e = |k: &str, opts: &BuildOptions| {
        build(&tree("/k/charts", k, &[]), "/k", opts)
            .expect_err("build should fail")
            .message
    };
    assert!(e("helmCharts:\n- name: mini\n", &BuildOptions::default()).ends_with(
        "trouble configuring builtin HelmChartInflationGenerator with config: `\nname: mini\n`: must specify --enable-helm"
    ));
    assert!(e("helmCharts:\n- releaseName: r\n", &helm()).ends_with("chart name cannot be empty"));
    assert!(
        e("helmCharts:\n- name: mini\n  valuesMerge: deep\n", &helm())
            .ends_with("valuesMerge must be one of [merge override replace]")
    );
    assert!(e("helmCharts:\n- name: other\n", &helm())
        .contains("no repo specified for pull, no chart found at ''"));
    let pull = e(
        "helmCharts:\n- name: other\n  repo: https://charts.example.com\n  version: 1.0.0\n",
        &helm(),
    );
    assert!(pull.contains("kubeplay builds offline"), "{pull}");
    assert!(pull.contains("/k/charts/other-1.0.0/other"), "{pull}");
    let outside = e(
        "helmCharts:\n- name: mini\n  additionalValuesFiles:\n  - ../x.yaml\n",
        &helm(),
    );
    assert!(
        outside.contains("could not load additionalValuesFile"),
        "{outside}"
    );
    assert!(e(
        "helmCharts:\n- name: mini\n  releaseName: r\n  nameTemplate: t\n",
        &helm()
    )
    .contains("cannot set --name-template and also specify a name"));
}
