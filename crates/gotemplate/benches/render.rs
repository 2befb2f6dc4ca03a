//! Parse + execute a Deployment-like template with ranges and conditionals
//! over Helm-shaped values, as the Helm engine does for every render. (The
//! parser alone on real chart text is measured in kubeplay-helm's bench.)

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay_gotemplate::{MissingKey, Templates, Value};
use std::hint::black_box;

const HELPERS: &str = r#"{{- define "app.name" -}}{{ .Values.nameOverride | printf "%.63s" }}{{- end }}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ template "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ $v | printf "%q" }}
{{- end }}
{{- end }}"#;

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ template "app.name" . }}
  labels:
{{ template "app.labels" . }}
spec:
  {{- if not .Values.autoscaling }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      containers:
      {{- range $i, $c := .Values.containers }}
        - name: {{ $c.name }}
          image: "{{ $c.image.repository }}:{{ $c.image.tag | default }}"
          {{- with $c.ports }}
          ports:
            {{- range . }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: {{ or .protocol "TCP" }}
            {{- end }}
          {{- end }}
          env:
            {{- range $k, $v := $.Values.env }}
            - name: {{ $k | printf "%s" }}
              value: {{ printf "%v" $v | printf "%q" }}
            {{- end }}
          {{- if and $c.resources (gt (len $c.resources) 0) }}
          resources:
            {{- range $k, $v := $c.resources }}
            {{ $k }}: {{ $v }}
            {{- end }}
          {{- else }}
          resources: {}
          {{- end }}
      {{- end }}
"#;

fn values() -> Value {
    let container = |i: usize| {
        Value::map([
            ("name", Value::from(format!("c{i}"))),
            (
                "image",
                Value::map([
                    ("repository", Value::from("registry.example/app")),
                    ("tag", Value::from("1.2.3")),
                ]),
            ),
            (
                "ports",
                Value::list(
                    (0..3)
                        .map(|p| {
                            Value::map([
                                ("name", Value::from(format!("p{p}"))),
                                ("port", Value::Float(8080.0 + p as f64)),
                            ])
                        })
                        .collect(),
                ),
            ),
            (
                "resources",
                Value::map([
                    ("cpu", Value::from("100m")),
                    ("memory", Value::from("128Mi")),
                ]),
            ),
        ])
    };
    let vals = Value::map([
        ("nameOverride", Value::from("my-application")),
        ("replicaCount", Value::Float(3.0)),
        ("autoscaling", Value::Bool(false)),
        (
            "labels",
            Value::map((0..5).map(|i| (format!("l{i}"), Value::from(format!("v{i}"))))),
        ),
        ("containers", Value::list((0..4).map(container).collect())),
        (
            "env",
            Value::map((0..10).map(|i| (format!("ENV_{i}"), Value::Float(i as f64 * 1.5)))),
        ),
    ]);
    Value::map([
        ("Values", vals),
        ("Release", Value::map([("Name", Value::from("rel"))])),
    ])
}

fn engine() -> Templates {
    let mut t = Templates::new("gotpl");
    t.missing_key(MissingKey::Zero);
    // Sprig's `default`, reduced to the one-argument form used above.
    t.add_func(kubeplay_gotemplate::Func::simple("default", |a| {
        Ok(a.last().cloned().unwrap_or_default())
    }));
    t
}

fn bench(c: &mut Criterion) {
    let data = values();
    c.bench_function("parse+execute deployment x300", |b| {
        b.iter(|| {
            let mut total = 0;
            for _ in 0..300 {
                let mut t = engine();
                t.parse("_helpers.tpl", HELPERS).unwrap();
                t.parse("deployment.yaml", DEPLOYMENT).unwrap();
                total += t
                    .execute("deployment.yaml", black_box(&data))
                    .unwrap()
                    .len();
            }
            total
        })
    });
    let mut t = engine();
    t.parse("_helpers.tpl", HELPERS).unwrap();
    t.parse("deployment.yaml", DEPLOYMENT).unwrap();
    c.bench_function("execute deployment", |b| {
        b.iter(|| {
            t.execute("deployment.yaml", black_box(&data))
                .unwrap()
                .len()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
