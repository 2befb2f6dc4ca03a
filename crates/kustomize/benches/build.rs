//! `kustomize build` of three overlays (dev, stg, prd) over a generated 200-resource base.
//!
//! Also the seed's small examples (`web/examples/kustomize` and each overlay of
//! `web/examples/overlays`), read from disk: the page re-renders them on every keystroke.
//!
//! Set `KUSTOMIZE_BENCH_DUMP=DIR` to also write the tree to DIR, for the whole-process
//! comparison with `kubectl kustomize` (see the crate's fixtures README).

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay_kustomize::{build, BuildOptions};
use kubeplay_vfs::FileTree;

/// The base: 80 Deployments, 80 Services, 40 ConfigMaps (200 resources) over four files.
fn tree() -> FileTree {
    let mut t = FileTree::new();
    let mut files: Vec<String> = vec![String::new(); 4];
    for i in 0..80 {
        files[i % 2].push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\n  labels:\n    app: app{i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app{i}\n  template:\n    metadata:\n      labels:\n        app: app{i}\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/app{i}:1.0.{i}\n        ports:\n        - containerPort: 8080\n        envFrom:\n        - configMapRef:\n            name: settings\n        resources:\n          limits:\n            cpu: 100m\n            memory: 128Mi\n      volumes:\n      - name: conf\n        configMap:\n          name: conf{}\n",
            i % 40
        ));
        files[2].push_str(&format!(
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app{i}\nspec:\n  selector:\n    app: app{i}\n  ports:\n  - port: 80\n    targetPort: 8080\n"
        ));
    }
    for i in 0..40 {
        files[3].push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf{i}\ndata:\n  key: value-{i}\n  other: \"{i}\"\n"
        ));
    }
    let mut k = String::from("resources:\n");
    for (i, f) in files.iter().enumerate() {
        t.write(&format!("/repo/base/r{i}.yaml"), f.clone())
            .unwrap();
        k.push_str(&format!("- r{i}.yaml\n"));
    }
    k.push_str("configMapGenerator:\n- name: settings\n  literals:\n  - MODE=base\n");
    t.write("/repo/base/kustomization.yaml", k).unwrap();
    for (env, replicas) in [("dev", 1), ("stg", 2), ("prd", 3)] {
        t.write(
            &format!("/repo/overlays/{env}/kustomization.yaml"),
            format!(
                "namePrefix: {env}-\nnamespace: {env}\nlabels:\n- pairs:\n    env: {env}\n  includeSelectors: true\ncommonAnnotations:\n  owner: team-{env}\nresources:\n- ../../base\nimages:\n- name: registry.example.com/app7\n  newTag: \"2.0\"\nreplicas:\n- name: app1\n  count: {replicas}\nconfigMapGenerator:\n- name: settings\n  behavior: merge\n  literals:\n  - MODE={env}\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /metadata/labels/patched\n      value: \"{env}\"\n- path: limits.yaml\n"
            ),
        )
        .unwrap();
        t.write(
            &format!("/repo/overlays/{env}/limits.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app3\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        resources:\n          limits:\n            cpu: 500m\n",
        )
        .unwrap();
    }
    t
}

fn dump(t: &FileTree, dir: &str) {
    for (path, bytes) in t.files() {
        let target = std::path::Path::new(dir).join(path.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

/// Reads a folder of the repository into `t` under `at`.
fn read_dir_into(t: &mut FileTree, dir: &std::path::Path, at: &str) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let path = format!("{at}/{}", e.file_name().to_string_lossy());
        if e.file_type().unwrap().is_dir() {
            read_dir_into(t, &e.path(), &path);
        } else {
            t.write(&path, std::fs::read(e.path()).unwrap()).unwrap();
        }
    }
}

fn bench_examples(c: &mut Criterion) {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/examples");
    let mut t = FileTree::new();
    read_dir_into(&mut t, &examples.join("kustomize"), "/kustomize");
    read_dir_into(&mut t, &examples.join("overlays"), "/overlays");
    let opts = BuildOptions::default();
    c.bench_function("seed example kustomize (image)", |b| {
        b.iter(|| build(&t, "/kustomize", &opts).unwrap())
    });
    for env in ["dev", "stg", "prd"] {
        build(&t, &format!("/overlays/overlays/{env}"), &opts).unwrap();
    }
    c.bench_function("seed example overlays (prd)", |b| {
        b.iter(|| build(&t, "/overlays/overlays/prd", &opts).unwrap())
    });
}

fn bench(c: &mut Criterion) {
    let t = tree();
    if let Ok(dir) = std::env::var("KUSTOMIZE_BENCH_DUMP") {
        dump(&t, &dir);
    }
    let opts = BuildOptions::default();
    for env in ["dev", "stg", "prd"] {
        let out = build(&t, &format!("/repo/overlays/{env}"), &opts).unwrap();
        assert_eq!(
            out.matches("\n---\n").count(),
            200,
            "one document per resource"
        );
    }
    c.bench_function("build 3 overlays over a 200-resource base", |b| {
        b.iter(|| {
            for env in ["dev", "stg", "prd"] {
                build(&t, &format!("/repo/overlays/{env}"), &opts).unwrap();
            }
        })
    });
    c.bench_function("build one overlay (prd)", |b| {
        b.iter(|| build(&t, "/repo/overlays/prd", &opts).unwrap())
    });
}

criterion_group!(benches, bench, bench_examples);
criterion_main!(benches);
