//! Parse and print a ~1 MB multi-document manifest, the size of a large `kustomize build`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeplay_yaml::{emit_json_documents, parse_documents, to_json, EmitOptions, ParseOptions};
use std::hint::black_box;

fn manifest() -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 1024 * 1024 {
        s.push_str(&format!(
            "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  labels: {{app: app-{i}, tier: \"backend\"}}
  annotations:
    description: >
      A long description that folds over several lines so that the emitter has to
      break it again at eighty columns when it prints the object back out.
spec:
  replicas: {r}
  template:
    spec:
      containers:
      - name: main
        image: 'registry.example.com/app:{i}.0'
        args: [\"--port=8080\", \"--verbose\", \"*\"]
        env:
        - name: RATIO
          value: \"0.{r}\"
        - name: ENABLED
          value: \"true\"
        resources:
          limits: {{cpu: 500m, memory: 128Mi}}
        command:
        - /bin/sh
        - -c
        - |
          echo starting {i}
          exec /app --config /etc/app.yaml
",
            r = i % 7
        ));
        i += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let src = manifest();
    let docs = parse_documents(&src, "bench.yaml").expect("manifest parses");
    let json: Vec<_> = docs.iter().map(|d| to_json(d).expect("json")).collect();
    let mut g = c.benchmark_group("manifest_1mb");
    g.throughput(Throughput::Bytes(src.len() as u64));
    g.sample_size(10);
    g.bench_function("parse", |b| {
        b.iter(|| parse_documents(black_box(&src), "bench.yaml").map(|d| d.len()))
    });
    g.bench_function("parse_to_json", |b| {
        b.iter(|| {
            let d = parse_documents_with_default(black_box(&src));
            d.iter().filter(|n| to_json(n).is_ok()).count()
        })
    });
    g.bench_function("emit_sigs_yaml", |b| {
        b.iter(|| emit_json_documents(black_box(&json), &EmitOptions::sigs_yaml()).map(|s| s.len()))
    });
    g.bench_function("emit_kyaml", |b| {
        b.iter(|| {
            kubeplay_yaml::emit_documents(black_box(&docs), &EmitOptions::kyaml()).map(|s| s.len())
        })
    });
    g.finish();
}

fn parse_documents_with_default(src: &str) -> Vec<kubeplay_yaml::Node> {
    kubeplay_yaml::parse_documents_with(src, "bench.yaml", &ParseOptions::default())
        .unwrap_or_default()
}

criterion_group!(benches, bench);
criterion_main!(benches);
