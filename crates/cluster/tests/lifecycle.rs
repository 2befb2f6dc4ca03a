//! End-to-end behaviour of the simulated cluster on the seed examples and classic probe setups.
//! Times are virtual; nothing here depends on the machine's speed.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::{ApiError, Cluster, ClusterConfig, SimError};
use serde_json::{json, Value};

fn agnhost_liveness_pod(name: &str, probe_field: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"test": "liveness"}},
        "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40",
            "args": ["liveness"],
            probe_field: {"httpGet": {"path": "/healthz", "port": 8080,
                "httpHeaders": [{"name": "Custom-Header", "value": "Awesome"}]},
                "initialDelaySeconds": 3, "periodSeconds": 3}}]}})
}

fn run(pods: &[Value], secs: u64) -> Cluster {
    let mut c = Cluster::new(ClusterConfig::default());
    for p in pods {
        c.apply(p.clone()).expect("valid object");
    }
    c.run_until(secs * SECOND).expect("within limits");
    c
}

fn restarts(c: &Cluster, pod: &str) -> Vec<(u64, u32)> {
    let mut out: Vec<(u64, u32)> = Vec::new();
    for s in c.history().iter().filter(|s| s.name == pod) {
        let rc = s.containers[0].restart_count;
        if out.last().map(|l| l.1) != Some(rc) {
            out.push((s.at, rc));
        }
    }
    out
}

fn event_messages(c: &Cluster, reason: &str) -> Vec<String> {
    c.events()
        .all()
        .iter()
        .filter(|e| e.reason == reason)
        .map(|e| e.message.clone())
        .collect()
}

#[test]
fn seed_liveness_http_restarts_after_three_500s() {
    let c = run(
        &[agnhost_liveness_pod("liveness-http", "livenessProbe")],
        60,
    );
    // Started at 2.45 s; /healthz fails from 12.45 s; probes every 3 s from the worker start,
    // so failures at 15, 18, 21 s and the kill at 21 s (failureThreshold 3).
    let r = restarts(&c, "liveness-http");
    assert_eq!(r[0].1, 0);
    assert_eq!(r.len(), 4, "{r:?}");
    assert!(r[1].0 >= 18 * SECOND && r[1].0 <= 23 * SECOND, "{r:?}");
    assert_eq!(
        event_messages(&c, "Unhealthy")[0],
        "Liveness probe failed: HTTP probe failed with statuscode: 500"
    );
    assert_eq!(
        event_messages(&c, "Killing")[0],
        "Container c failed liveness probe, will be restarted"
    );
    let pod = c.get("Pod", "default", "liveness-http").unwrap();
    assert_eq!(pod["status"]["phase"], "Running");
    assert_eq!(pod["status"]["containerStatuses"][0]["restartCount"], 3);
    // agnhost exits with code 2 on SIGTERM (Go runtime as PID 1).
    assert_eq!(
        pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
        2
    );
}

#[test]
fn seed_readiness_http_goes_unready_without_restarts() {
    let c = run(
        &[agnhost_liveness_pod("readiness-http", "readinessProbe")],
        60,
    );
    let snaps: Vec<_> = c
        .history()
        .iter()
        .filter(|s| s.name == "readiness-http")
        .collect();
    let first_ready = snaps.iter().find(|s| s.ready).expect("becomes ready").at;
    let unready = snaps
        .iter()
        .find(|s| s.at > first_ready && !s.ready)
        .expect("becomes unready")
        .at;
    assert!(first_ready <= 10 * SECOND, "ready at {first_ready}");
    assert!(
        (18 * SECOND..=24 * SECOND).contains(&unready),
        "unready at {unready}"
    );
    assert!(snaps.iter().all(|s| s.containers[0].restart_count == 0));
    let pod = c.get("Pod", "default", "readiness-http").unwrap();
    let ready = pod["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap();
    assert_eq!(ready["status"], "False");
    assert_eq!(ready["reason"], "ContainersNotReady");
    assert_eq!(ready["message"], "containers with unready status: [c]");
}

#[test]
fn readiness_failure_takes_the_pod_out_of_endpoints() {
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"test": "liveness"}, "ports": [{"port": 80, "targetPort": 8080}]}});
    let pod = agnhost_liveness_pod("readiness-http", "readinessProbe");
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(svc).unwrap();
    c.apply(pod).unwrap();
    let slice_ready = |c: &Cluster| -> Option<bool> {
        let slices = c.list("EndpointSlice");
        slices[0]["endpoints"]
            .as_array()?
            .first()
            .map(|e| e["conditions"]["ready"] == true)
    };
    c.run_until(10 * SECOND).unwrap();
    assert_eq!(slice_ready(&c), Some(true));
    c.run_until(30 * SECOND).unwrap();
    assert_eq!(slice_ready(&c), Some(false));
    let ep = c.get("Endpoints", "default", "web").unwrap();
    assert!(ep["subsets"][0].get("addresses").is_none());
    assert_eq!(
        ep["subsets"][0]["notReadyAddresses"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(c.list("EndpointSlice")[0]["ports"][0]["port"], 8080);
}

#[test]
fn crash_loop_back_off_doubles() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 1; exit 1"]}]}});
    let c = run(&[pod], 200);
    let starts: Vec<u64> = c
        .history()
        .iter()
        .filter_map(|s| s.containers[0].running_since)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Each instance runs 1 s; the next starts at least 0, 10, 20, 40, 80 s after that exit
    // (spec 39), plus the kubelet noticing the exit at its next 1 s PLEG relist.
    let waits: Vec<u64> = starts.windows(2).map(|w| w[1] - (w[0] + SECOND)).collect();
    let table = [0, 10, 20, 40, 80];
    assert_eq!(waits.len(), table.len(), "{starts:?}");
    for (wait, min) in waits.iter().zip(table) {
        assert!(
            *wait >= min * SECOND && *wait < (min + 2) * SECOND,
            "{waits:?}"
        );
    }
    let pod = c.get("Pod", "default", "crash").unwrap();
    let backoff = event_messages(&c, "BackOff");
    let uid = pod["metadata"]["uid"].as_str().unwrap();
    assert_eq!(
        backoff,
        [format!(
            "Back-off restarting failed container c in pod crash_default({uid})"
        )]
    );
    let waiting = &pod["status"]["containerStatuses"][0]["state"]["waiting"];
    assert_eq!(waiting["reason"], "CrashLoopBackOff");
    assert_eq!(
        waiting["message"],
        format!("back-off 2m40s restarting failed container=c pod=crash_default({uid})")
    );
}

#[test]
fn restart_policy_never_fails_the_pod_and_stops_probing() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "once"},
        "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 0,
            "containers": [{"name": "c", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "failureThreshold": 1}}]}});
    let c = run(&[pod], 120);
    let pod = c.get("Pod", "default", "once").unwrap();
    assert_eq!(pod["status"]["phase"], "Failed");
    assert_eq!(pod["status"]["containerStatuses"][0]["restartCount"], 0);
    assert_eq!(
        event_messages(&c, "Killing"),
        ["Container c failed liveness probe"]
    );
}

#[test]
fn deletion_unreadies_first_and_never_kills_by_liveness() {
    let script = "_term() { rm -f /tmp/ready; rm -f /tmp/liveness; sleep 20; exit 0; }\ntrap _term SIGTERM\ntouch /tmp/ready\ntouch /tmp/liveness\nwhile true; do echo hello; sleep 10; done";
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "term"},
        "spec": {"terminationGracePeriodSeconds": 30, "containers": [{"name": "c",
            "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "command": ["/bin/bash"], "args": ["-c", script],
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/liveness"]}, "initialDelaySeconds": 5, "periodSeconds": 1, "failureThreshold": 1},
            "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "initialDelaySeconds": 5, "periodSeconds": 2, "failureThreshold": 1}}]}});
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(pod).unwrap();
    c.run_until(20 * SECOND).unwrap();
    assert!(c.history().last().unwrap().ready);
    c.delete("Pod", "default", "term").unwrap();
    let deleted = c.get("Pod", "default", "term").unwrap();
    assert_eq!(deleted["metadata"]["deletionGracePeriodSeconds"], 30);
    c.run_until(120 * SECOND).unwrap();
    assert!(
        c.get("Pod", "default", "term").is_none(),
        "removed after the trap exits"
    );
    let after: Vec<_> = c.history().iter().filter(|s| s.deleting).collect();
    assert!(after.iter().any(|s| !s.ready && !s.gone));
    assert!(event_messages(&c, "Killing")
        .iter()
        .all(|m| !m.contains("failed liveness probe")));
    assert_eq!(event_messages(&c, "Killing"), ["Stopping container c"]);
    assert_eq!(
        after.last().unwrap().phase,
        kubeplay_cluster::kubelet::Phase::Succeeded
    );
}

#[test]
fn sidecar_starts_before_main_and_counts_in_ready() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sc"},
        "spec": {"initContainers": [{"name": "side", "image": "busybox", "restartPolicy": "Always",
                "command": ["sh", "-c", "sleep 5; touch /tmp/up; sleep 3600"],
                "startupProbe": {"exec": {"command": ["cat", "/tmp/up"]}, "periodSeconds": 1, "failureThreshold": 30}}],
            "containers": [{"name": "main", "image": "nginx:1.25"}]}});
    let c = run(&[pod], 30);
    let first_main = c
        .history()
        .iter()
        .find(|s| s.containers[1].running_since.is_some())
        .unwrap();
    let side_started = c
        .history()
        .iter()
        .find(|s| s.containers[0].started)
        .unwrap();
    assert!(first_main.at >= side_started.at);
    assert!(side_started.at >= 5 * SECOND);
    let pod = c.get("Pod", "default", "sc").unwrap();
    assert_eq!(kubeplay_cluster::printers::pod_row(&pod, c.now())[1], "2/2");
}

#[test]
fn same_seed_same_timeline_even_with_jitter() {
    let cfg = ClusterConfig {
        kubelet_started_at: 0,
        ..ClusterConfig::default()
    };
    let timeline = |seed: u64| {
        let mut c = Cluster::new(ClusterConfig {
            seed,
            ..cfg.clone()
        });
        c.apply(agnhost_liveness_pod("p", "livenessProbe")).unwrap();
        c.run_until(120 * SECOND).unwrap();
        c.events()
            .occurrences()
            .map(|(t, e)| (t, e.reason.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(timeline(7), timeline(7));
    assert_ne!(timeline(7), timeline(8), "the jitter depends on the seed");
}

#[test]
fn api_errors_and_limits() {
    let mut c = Cluster::new(ClusterConfig::default());
    let bad = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
        "spec": {"containers": [{"name": "c", "image": "nginx",
            "livenessProbe": {"httpGet": {"port": 80}, "tcpSocket": {"port": 80}, "periodSeconds": -1}}]}});
    assert_eq!(
        c.apply(bad).unwrap_err().to_string(),
        "Pod \"x\" is invalid: [spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type, spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0]"
    );
    let no_image = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "y"}, "spec": {"containers": [{"name": "c"}]}});
    assert_eq!(
        c.apply(no_image).unwrap_err().to_string(),
        "Pod \"y\" is invalid: spec.containers[0].image: Required value"
    );
    let unknown =
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    assert!(matches!(
        c.apply(unknown),
        Err(ApiError::NoKindMatch { .. })
    ));
    let other_ns = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "z", "namespace": "nope"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    assert_eq!(
        c.apply(other_ns).unwrap_err().to_string(),
        "namespaces \"nope\" not found"
    );
    let ann = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "annotations": {"kubeplay.dev/behavior": "explode=1"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    assert!(c
        .apply(ann)
        .unwrap_err()
        .to_string()
        .contains("unknown key \"explode\""));
    assert!(matches!(
        c.run_until(8 * 24 * 3600 * SECOND),
        Err(SimError::DurationTooLong { .. })
    ));
    assert!(matches!(
        c.delete("Pod", "default", "ghost"),
        Err(ApiError::NotFound { .. })
    ));
    assert_eq!(
        c.delete("Pod", "default", "ghost").unwrap_err().to_string(),
        "pods \"ghost\" not found"
    );
}

#[test]
fn behaviour_annotation_bends_nginx() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "n", "annotations": {"kubeplay.dev/behavior": "ready-after=20s, crash-after=60s, exit-code=3"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.25",
            "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5}}]}});
    let c = run(&[pod], 70);
    let ready_at = c.history().iter().find(|s| s.ready).unwrap().at;
    assert!(
        (20 * SECOND..=27 * SECOND).contains(&ready_at),
        "{ready_at}"
    );
    let pod = c.get("Pod", "default", "n").unwrap();
    assert_eq!(
        pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
        3
    );
    assert!(event_messages(&c, "Unhealthy")[0]
        .starts_with("Readiness probe failed: Get \"http://10.244."));
}

#[test]
fn absurd_sleep_and_shell_loops_do_not_hang() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "busy"},
        "spec": {"containers": [{"name": "c", "image": "busybox",
            "command": ["sh", "-c", "while true; do touch /tmp/a; rm /tmp/a; done; sleep 99999999999999"],
            "livenessProbe": {"exec": {"command": ["sh", "-c", "while true; do :; done"]}, "timeoutSeconds": 2}}]}});
    let c = run(&[pod], 120);
    // The probe never finishes, so it times out and the container is killed (30 s grace).
    assert!(event_messages(&c, "Unhealthy")[0].ends_with("timed out"));
    assert!(restarts(&c, "busy").len() >= 2);
}

#[test]
fn extreme_values_neither_panic_nor_hang() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "huge"},
        "spec": {"terminationGracePeriodSeconds": 9_223_372_036_854_775_807i64, "containers": [{"name": "c", "image": "busybox",
            "command": ["sh", "-c", "sleep 2147483647"],
            "livenessProbe": {"exec": {"command": ["false"]}, "periodSeconds": 2_147_483_647,
                "initialDelaySeconds": 0, "timeoutSeconds": 2_147_483_647, "failureThreshold": 1,
                "terminationGracePeriodSeconds": 9_223_372_036_854_775_807i64},
            "readinessProbe": {"exec": {"command": ["sh", "-c", "while :; do :; done"]}, "timeoutSeconds": 2_147_483_647}}]}});
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(pod).unwrap();
    c.run_until(3_600 * SECOND).unwrap();
    c.delete("Pod", "default", "huge").unwrap();
    c.run_until(7_200 * SECOND).unwrap();
    assert!(
        c.get("Pod", "default", "huge").is_some(),
        "still terminating: the grace period is huge"
    );
}

#[test]
fn step_limit_stops_a_runaway_with_a_clear_error() {
    let mut c = Cluster::new(ClusterConfig {
        max_steps: 100,
        ..ClusterConfig::default()
    });
    c.apply(agnhost_liveness_pod("p", "readinessProbe"))
        .unwrap();
    let err = c.run_until(3_600 * SECOND).unwrap_err();
    assert_eq!(err, SimError::TooManySteps { max: 100 });
    assert!(err.to_string().contains("stopped after 100 steps"));
}

#[test]
fn init_containers_run_in_order_and_failures_follow_the_restart_policy() {
    let pod = |name: &str, policy: &str, code: u8| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": policy,
                "initContainers": [{"name": "setup", "image": "busybox:1.36", "command": ["sh", "-c", format!("sleep 2; exit {code}")]}],
                "containers": [{"name": "main", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5"]}]}})
    };
    let c = run(&[pod("ok", "OnFailure", 0), pod("bad", "Never", 1)], 60);
    let ok = c.get("Pod", "default", "ok").unwrap();
    assert_eq!(ok["status"]["phase"], "Succeeded");
    assert_eq!(
        ok["status"]["containerStatuses"][0]["state"]["terminated"]["reason"],
        "Completed"
    );
    let main_started = c
        .history()
        .iter()
        .filter(|s| s.name == "ok")
        .find_map(|s| s.containers[1].running_since)
        .unwrap();
    assert!(
        main_started >= 2 * SECOND,
        "main waits for the init container"
    );
    let bad = c.get("Pod", "default", "bad").unwrap();
    assert_eq!(bad["status"]["phase"], "Failed");
    assert_eq!(
        kubeplay_cluster::printers::pod_row(&bad, c.now())[2],
        "Init:Error"
    );
    assert!(
        bad["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "PodInitializing"
    );
}
