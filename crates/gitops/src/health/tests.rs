//! The table-driven test: every file in `testdata/` holds cases for one kind, each an object
//! and the health Argo CD gives it (`"status": "none"` when no check applies).

use super::{assess, HealthStatus};
use serde_json::Value;
use std::{fs, path::Path};

#[test]
fn testdata() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/health/testdata");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("testdata folder")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    let (mut checked, mut failures) = (0, Vec::new());
    for file in files {
        let text = fs::read_to_string(&file).expect("readable test data");
        let cases: Vec<Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in cases {
            let name = format!("{}: {}", file.display(), case["name"]);
            let want_status = case["status"].as_str().expect("status");
            let want_message = case["message"].as_str().unwrap_or("");
            let got = assess(&case["object"]);
            let ok = match &got {
                None => want_status == "none",
                Some(h) => {
                    HealthStatus::parse(want_status) == Some(h.status) && h.message == want_message
                }
            };
            if !ok {
                failures.push(format!(
                    "{name}: want {want_status} {want_message:?}, got {got:?}"
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "no test data found");
}

#[test]
fn badness_order() {
    use HealthStatus::*;
    let order = [Healthy, Suspended, Progressing, Missing, Degraded, Unknown];
    assert_eq!(order, HealthStatus::ALL);
    assert!(Degraded.is_worse_than(Missing));
    assert!(!Healthy.is_worse_than(Healthy));
    assert_eq!(
        [Suspended, Unknown, Progressing].into_iter().max(),
        Some(Unknown)
    );
}

#[test]
fn deletion_wins_unless_hook_finalizer() {
    let mut pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"deletionTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {"restartPolicy": "Always"}, "status": {"phase": "Succeeded"}});
    assert_eq!(
        assess(&pod).map(|h| h.message),
        Some("Pending deletion".into())
    );
    pod["metadata"]["finalizers"] = serde_json::json!(["argocd.argoproj.io/hook-finalizer"]);
    assert_eq!(assess(&pod).map(|h| h.status), Some(HealthStatus::Healthy));
}

#[test]
fn no_panic_on_odd_shapes() {
    let odd = [
        serde_json::json!(null),
        serde_json::json!([]),
        serde_json::json!({"apiVersion": 3, "kind": ["Pod"]}),
        serde_json::json!({"apiVersion": "v1", "kind": "Pod", "status": "x", "spec": 1}),
        serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "spec": {"replicas": "3", "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": 7}},
            "status": {"observedGeneration": 1.0, "conditions": {"a": 1}}}),
    ];
    for obj in &odd {
        let _ = assess(obj);
    }
    // Rules read odd shapes as null too.
    let cert = serde_json::json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "status": {"conditions": [null, 1, {"type": []}]}});
    assert_eq!(
        assess(&cert).map(|h| h.status),
        Some(HealthStatus::Progressing)
    );
}
