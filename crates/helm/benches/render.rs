//! Time per render (load excluded): kubeplay's starter chart (what `kubeplay helm create`
//! writes), a generated chart with 200 templates over shared helpers, and, when the shared
//! conformance corpus is beside the repository, its largest charts (Bitnami nginx with the
//! common library, kube-state-metrics). "render" parses every template, as Helm does on each
//! render; "re-render" reuses the parsed templates (`Renderer`, what the page does), also
//! after an edit of one template, which parses that one again; "parse" is the parser alone on
//! the starter's templates.

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay_helm::{load_chart, render, Chart, RenderOptions, UserValues, Values};
use kubeplay_vfs::FileTree;
use std::hint::black_box;
use std::path::Path;

/// The allocator the `kubeplay` CLI uses, so figures match what users run.
#[global_allocator]
static ALLOCATOR: kubeplay_alloc::Mimalloc = kubeplay_alloc::Mimalloc;

fn starter() -> Chart {
    starter_with_edit("")
}

/// The starter chart with `extra` appended to its deployment template (an edit in the page).
fn starter_with_edit(extra: &str) -> Chart {
    let mut tree = FileTree::new();
    for (rel, mut text) in kubeplay_helm::starter::starter_files("web") {
        if rel == "templates/deployment.yaml" {
            text.push_str(extra);
        }
        tree.write(&format!("/web/{rel}"), text).unwrap();
    }
    load_chart(&tree, "/web").unwrap()
}

/// 200 Deployments and Services sharing the starter's helpers, with values per component.
fn large() -> (Chart, Values) {
    let mut tree = FileTree::new();
    for (rel, text) in kubeplay_helm::starter::starter_files("big") {
        if rel.starts_with("templates/") && rel != "templates/_helpers.tpl" {
            continue;
        }
        tree.write(&format!("/big/{rel}"), text).unwrap();
    }
    let mut values = String::from("components:\n");
    for i in 0..100 {
        values.push_str(&format!(
            "  c{i}:\n    replicas: {}\n    image: registry.example.com/team/c{i}:1.{i}.0\n    port: {}\n    env: {{A: \"1\", B: two, C: \"{i}\"}}\n    labels: {{tier: t{}, owner: team{}}}\n",
            i % 5 + 1,
            8000 + i,
            i % 3,
            i % 7
        ));
    }
    let deployment = r#"{{- $c := index .Values.components "NAME" }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "big.fullname" . }}-NAME
  labels:
    {{- include "big.labels" . | nindent 4 }}
    {{- toYaml $c.labels | nindent 4 }}
spec:
  replicas: {{ $c.replicas }}
  selector:
    matchLabels:
      {{- include "big.selectorLabels" . | nindent 6 }}
  template:
    spec:
      containers:
        - name: NAME
          image: {{ $c.image | quote }}
          ports:
            - containerPort: {{ $c.port }}
          env:
            {{- range $k, $v := $c.env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
"#;
    let service = r#"{{- $c := index .Values.components "NAME" }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "big.fullname" . }}-NAME
  labels: {{- include "big.labels" . | nindent 4 }}
spec:
  ports:
    - port: {{ $c.port }}
      targetPort: {{ $c.port }}
  selector: {{- include "big.selectorLabels" . | nindent 4 }}
"#;
    for i in 0..100 {
        let name = format!("c{i}");
        tree.write(
            &format!("/big/templates/{name}-deployment.yaml"),
            deployment.replace("NAME", &name),
        )
        .unwrap();
        tree.write(
            &format!("/big/templates/{name}-service.yaml"),
            service.replace("NAME", &name),
        )
        .unwrap();
    }
    let chart = load_chart(&tree, "/big").unwrap();
    let uv = UserValues {
        files: vec![("values.yaml".into(), values)],
        ..Default::default()
    };
    (chart, uv.merged(&|_| Err("none".into())).unwrap())
}

fn corpus_case(name: &str, values: &str) -> Option<(Chart, Values)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/helm/cases")
        .join(name)
        .join("chart");
    if !dir.is_dir() {
        return None;
    }
    let mut tree = FileTree::new();
    fn walk(dir: &Path, rel: &str, tree: &mut FileTree) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let child = format!("{rel}/{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                walk(&e.path(), &child, tree);
            } else {
                tree.write(&child, std::fs::read(e.path()).unwrap())
                    .unwrap();
            }
        }
    }
    walk(&dir, "/c", &mut tree);
    let chart = load_chart(&tree, "/c").ok()?;
    let uv = UserValues {
        files: vec![("values.yaml".into(), values.into())],
        ..Default::default()
    };
    Some((chart, uv.merged(&|_| Err("none".into())).ok()?))
}

fn bench(c: &mut Criterion) {
    let opts = RenderOptions {
        name: "demo".into(),
        namespace: "play".into(),
        ..Default::default()
    };
    let s = starter();
    let none = Values::new();
    c.bench_function("render starter chart", |b| {
        b.iter(|| black_box(render(&s, &none, &opts).unwrap().templates.len()))
    });
    let mut warm = kubeplay_helm::Renderer::default();
    c.bench_function("re-render starter chart (parsed templates reused)", |b| {
        b.iter(|| black_box(warm.render(&s, &none, &opts).unwrap().templates.len()))
    });
    // What the page does while a user types in one template: every render sees one changed
    // file (two versions, alternately) and parses that one again.
    let edits = [starter_with_edit("# a\n"), starter_with_edit("# b\n")];
    let mut turn = 0;
    c.bench_function(
        "re-render starter chart after an edit of one template",
        |b| {
            b.iter(|| {
                turn ^= 1;
                black_box(
                    warm.render(&edits[turn], &none, &opts)
                        .unwrap()
                        .templates
                        .len(),
                )
            })
        },
    );
    // The parser alone: the starter's templates into a set with Helm's functions, the part
    // of a render that "re-render" saves.
    let set = kubeplay_helm::funcs::base_set();
    let texts: Vec<(String, String)> = kubeplay_helm::starter::starter_files("web")
        .into_iter()
        .filter(|(rel, _)| rel.starts_with("templates/"))
        .map(|(rel, text)| (format!("web/{rel}"), text))
        .collect();
    c.bench_function("parse starter chart templates", |b| {
        b.iter(|| {
            let mut t = set.clone();
            for (name, text) in &texts {
                t.parse(name, black_box(text)).unwrap();
            }
            black_box(t.has_template("web.labels"))
        })
    });
    let (big, big_values) = large();
    c.bench_function("render generated chart (200 templates)", |b| {
        b.iter(|| black_box(render(&big, &big_values, &opts).unwrap().templates.len()))
    });
    // TLS off: its certificates (RSA key generation) would dominate the measure.
    if let Some((chart, values)) = corpus_case("bitnami-nginx", "tls:\n  enabled: false\n") {
        c.bench_function("render bitnami-nginx (corpus, tls off)", |b| {
            b.iter(|| black_box(render(&chart, &values, &opts).unwrap().templates.len()))
        });
        let mut warm = kubeplay_helm::Renderer::default();
        c.bench_function("re-render bitnami-nginx (parsed templates reused)", |b| {
            b.iter(|| black_box(warm.render(&chart, &values, &opts).unwrap().templates.len()))
        });
    } else {
        eprintln!(
            "note: skipping bitnami-nginx: the shared helm corpus is not beside the repository"
        );
    }
    if let Some((chart, values)) = corpus_case("kube-state-metrics", "{}\n") {
        c.bench_function("render kube-state-metrics (corpus)", |b| {
            b.iter(|| black_box(render(&chart, &values, &opts).unwrap().templates.len()))
        });
    } else {
        eprintln!("note: skipping kube-state-metrics: the shared helm corpus is not beside the repository");
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
