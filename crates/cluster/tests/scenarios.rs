//! The scenario checker: scenario files parse, true facts pass, false facts fail with a reason.

use kubeplay_cluster::scenario::{parse_scenarios, run_all};
use kubeplay_cluster::ClusterConfig;
use serde_json::Value;

fn yaml(text: &str) -> Result<Value, String> {
    let doc = kubeplay_yaml::parse_documents(text, "test").map_err(|e| e.to_string())?;
    kubeplay_yaml::to_json(&doc[0]).map_err(|e| e.to_string())
}

const FILE: &str = r#"
- id: exec-restart
  pod: |
    apiVersion: v1
    kind: Pod
    metadata:
      name: exec-restart
    spec:
      containers:
      - name: busybox
        image: registry.k8s.io/e2e-test-images/busybox
        command: [/bin/sh, -c, "echo ok >/tmp/health; sleep 10; rm -rf /tmp/health; sleep 600"]
        livenessProbe:
          exec:
            command: [cat, /tmp/health]
          initialDelaySeconds: 15
          failureThreshold: 1
  expect:
  - check: restart_count_at_least
    container: busybox
    n: 1
    within_s: 240
    from: container_first_started
  - check: restart_count_monotonic
    container: busybox
  - check: event
    reason: Unhealthy
    message_contains: "can't open '/tmp/health'"
- id: exec-restart-wrongly-expected-stable
  pod: |
    apiVersion: v1
    kind: Pod
    metadata:
      name: exec-restart
    spec:
      containers:
      - name: busybox
        image: registry.k8s.io/e2e-test-images/busybox
        command: [/bin/sh, -c, "echo ok >/tmp/health; sleep 10; rm -rf /tmp/health; sleep 600"]
        livenessProbe:
          exec:
            command: [cat, /tmp/health]
          initialDelaySeconds: 15
          failureThreshold: 1
  expect:
  - check: restart_count_equals
    container: busybox
    n: 0
    over_s: 240
    from: container_first_started
  - check: never_ready
    over_s: 60
    from: pod_created
- id: webserver-ready-after-delay
  pod: |
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
      - name: test-webserver
        image: registry.k8s.io/e2e-test-images/agnhost
        args: [test-webserver]
        readinessProbe:
          httpGet: {path: /, port: 80}
          initialDelaySeconds: 15
  expect:
  - check: ready_eventually
    within_s: 300
    from: pod_created
  - check: ready_not_before
    container: test-webserver
    min_s: 15
  - check: ready_not_before
    container: test-webserver
    min_s: 40
  - check: not_running_ready
    at_s: 60
- id: broken
  pod: "kind: [unclosed"
  expect: []
- id: unknown-check
  pod: |
    kind: Pod
  expect:
  - check: sometimes_ready
"#;

#[test]
fn true_facts_pass_false_facts_fail() {
    let doc = yaml(FILE).unwrap();
    let scenarios = parse_scenarios(&doc, &yaml).unwrap();
    let reports = run_all(&scenarios, &ClusterConfig::default());
    let by_id = |id: &str| reports.iter().find(|r| r.id == id).unwrap();
    assert!(
        by_id("exec-restart").passed(),
        "{:?}",
        by_id("exec-restart")
    );
    let wrong = by_id("exec-restart-wrongly-expected-stable");
    assert_eq!(wrong.failures.len(), 2, "{wrong:?}");
    assert!(
        wrong.failures[0].starts_with("restartCount of busybox was 1 at "),
        "{wrong:?}"
    );
    assert!(
        wrong.failures[1].starts_with("the pod was Ready at "),
        "{wrong:?}"
    );
    let web = by_id("webserver-ready-after-delay");
    // Ready 15-25 s after start: the 40 s bound and "not Running+Ready at 60 s" must fail.
    assert_eq!(web.failures.len(), 2, "{web:?}");
    assert!(web.failures[0].contains("expected >= 40s"), "{web:?}");
    assert_eq!(web.failures[1], "the pod was Running and Ready at 60s");
    assert!(by_id("broken").failures[0].starts_with("pod: "));
    assert_eq!(
        by_id("unknown-check").failures,
        ["unknown check kind \"sometimes_ready\""]
    );
}

#[test]
fn a_file_that_is_not_a_list_is_an_error() {
    let doc = yaml("id: x").unwrap();
    assert!(parse_scenarios(&doc, &yaml).is_err());
}
