//! Deployments and ReplicaSets: pods from templates, rolling updates, cascading deletion.

use kubeplay_cluster::clock::SECOND;
use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn deployment(image: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": image,
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 2}}]}}}})
}

fn pods(c: &Cluster) -> Vec<Value> {
    c.list("Pod")
}

#[test]
fn deployment_creates_and_rolls_its_pods() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(deployment("nginx:1.25", 3)).unwrap();
    c.run_until(30 * SECOND).unwrap();
    let ps = pods(&c);
    assert_eq!(ps.len(), 3);
    assert!(ps
        .iter()
        .all(|p| p["metadata"]["name"].as_str().unwrap().starts_with("web-")));
    assert!(ps
        .iter()
        .all(|p| p["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet"));
    let d = c.get("Deployment", "default", "web").unwrap();
    assert_eq!(d["status"]["availableReplicas"], 3);
    assert_eq!(
        d["status"]["conditions"][0]["reason"],
        "MinimumReplicasAvailable"
    );
    assert_eq!(
        d["status"]["conditions"][1]["reason"],
        "NewReplicaSetAvailable"
    );

    // A new image rolls out: new pods come up before all old ones go (maxUnavailable 0 of 3).
    c.apply(deployment("nginx:1.26", 3)).unwrap();
    let mut min_ready = 3;
    for t in 31..120 {
        c.run_until(t * SECOND).unwrap();
        let ready = pods(&c)
            .iter()
            .filter(|p| {
                p["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["type"] == "Ready" && k["status"] == "True")
            })
            .count();
        min_ready = min_ready.min(ready);
    }
    assert!(
        min_ready >= 3,
        "never below the desired count during the rollout"
    );
    let ps = pods(&c);
    assert_eq!(ps.len(), 3, "old pods are gone");
    assert!(ps
        .iter()
        .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.26"));
    let rss = c.list("ReplicaSet");
    assert_eq!(rss.len(), 2);
    let scaled: Vec<String> = c
        .events()
        .all()
        .iter()
        .filter(|e| e.reason == "ScalingReplicaSet")
        .map(|e| e.message.clone())
        .collect();
    assert!(
        scaled[0].starts_with("Scaled up replica set web-") && scaled[0].ends_with(" from 0 to 3"),
        "{scaled:?}"
    );
    assert!(
        scaled
            .iter()
            .any(|m| m.starts_with("Scaled down replica set") && m.ends_with("to 0")),
        "{scaled:?}"
    );
    let d = c.get("Deployment", "default", "web").unwrap();
    assert_eq!(d["status"]["updatedReplicas"], 3);
}

#[test]
fn replicaset_replaces_deleted_pods_and_deletion_cascades() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(deployment("nginx:1.25", 2)).unwrap();
    c.run_until(10 * SECOND).unwrap();
    let victim = pods(&c)[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    c.delete("Pod", "default", &victim).unwrap();
    c.run_until(60 * SECOND).unwrap();
    let names: Vec<String> = pods(&c)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(!names.contains(&victim));
    let created = c
        .events()
        .all()
        .iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .map(|e| e.count)
        .sum::<u32>();
    assert_eq!(created, 3);
    c.delete("Deployment", "default", "web").unwrap();
    c.run_until(120 * SECOND).unwrap();
    assert!(c.list("ReplicaSet").is_empty());
    assert!(pods(&c).is_empty());
}

#[test]
fn workload_validation() {
    let mut c = Cluster::new(ClusterConfig::default());
    let mut bad = deployment("nginx", 1);
    bad["spec"]["selector"]["matchLabels"]["app"] = json!("other");
    let err = c.apply(bad).unwrap_err().to_string();
    assert_eq!(err, "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`");
    let mut no_image = deployment("", 1);
    no_image["spec"]["template"]["spec"]["containers"][0]["image"] = json!("");
    let err = c.apply(no_image).unwrap_err().to_string();
    assert_eq!(err, "Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value");
}

fn job(name: &str, script: &str, completions: i64, backoff_limit: i64) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
        "spec": {"completions": completions, "backoffLimit": backoff_limit,
            "template": {"spec": {"restartPolicy": "Never",
                "containers": [{"name": "work", "image": "busybox:1.36", "command": ["sh", "-c", script]}]}}}})
}

#[test]
fn jobs_complete_or_exhaust_their_backoff_limit() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(job("ok", "sleep 3; exit 0", 2, 6)).unwrap();
    c.apply(job("bad", "exit 1", 1, 1)).unwrap();
    c.run_until(60 * SECOND).unwrap();
    let ok = c.get("Job", "default", "ok").unwrap();
    assert_eq!(ok["status"]["succeeded"], 2);
    assert_eq!(ok["status"]["conditions"][0]["type"], "Complete");
    let bad = c.get("Job", "default", "bad").unwrap();
    assert_eq!(bad["status"]["failed"], 2);
    assert_eq!(
        bad["status"]["conditions"][0]["reason"],
        "BackoffLimitExceeded"
    );
    let reasons: Vec<&str> = c
        .events()
        .all()
        .iter()
        .filter(|e| e.involved.kind == "Job")
        .map(|e| e.reason.as_str())
        .collect();
    assert!(
        reasons.contains(&"Completed") && reasons.contains(&"BackoffLimitExceeded"),
        "{reasons:?}"
    );
    let job_pods = c
        .list("Pod")
        .into_iter()
        .filter(|p| p["metadata"]["labels"]["job-name"] == "ok")
        .count();
    assert_eq!(job_pods, 2, "completed pods stay");
    let mut always = job("x", "true", 1, 1);
    always["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
    assert_eq!(
        c.apply(always).unwrap_err().to_string(),
        "Job.batch \"x\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
    );
}

#[test]
fn malformed_templates_are_rejected_or_tolerated_without_panics() {
    let mut c = Cluster::new(ClusterConfig::default());
    let mut j = job("odd", "true", 1, 0);
    j["spec"]["template"]["metadata"] = json!("not a map");
    c.apply(j).unwrap();
    let mut j2 = job("odd2", "true", 1, 0);
    j2["spec"]["template"]["metadata"] = json!({"labels": ["a"]});
    c.apply(j2).unwrap();
    let mut d = deployment("nginx", 1);
    d["spec"]["template"] = json!("nope");
    assert!(c.apply(d).is_err());
    let mut d2 = deployment("nginx", 1);
    d2["spec"] = json!(42);
    assert!(c.apply(d2).is_err());
    c.run_until(30 * SECOND).unwrap();
    assert_eq!(
        c.get("Job", "default", "odd").unwrap()["status"]["succeeded"],
        1
    );
}

#[test]
fn failing_job_backs_off_then_exceeds_its_limit() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "fail"},
        "spec": {"backoffLimit": 3, "template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 1; exit 1"]}]}}}}))
        .unwrap();
    // Creation times of the job's pods, from the SuccessfulCreate events.
    c.run_until(600 * SECOND).unwrap();
    let creates: Vec<u64> = c
        .events()
        .occurrences()
        .filter(|(_, e)| e.reason == "SuccessfulCreate" && e.involved.name == "fail")
        .map(|(t, _)| t)
        .collect();
    assert_eq!(creates.len(), 4, "{creates:?}");
    let gaps: Vec<u64> = creates.windows(2).map(|w| w[1] - w[0]).collect();
    // Each gap is the pod's run (a few seconds) plus 10 s, 20 s, 40 s of back-off.
    for (gap, backoff) in gaps.iter().zip([10, 20, 40]) {
        assert!(
            *gap >= backoff * SECOND && *gap < (backoff + 8) * SECOND,
            "{gaps:?}"
        );
    }
    let job = c.get("Job", "default", "fail").unwrap();
    let cond = &job["status"]["conditions"][0];
    assert_eq!(cond["type"], "Failed");
    assert_eq!(cond["reason"], "BackoffLimitExceeded");
    assert_eq!(
        cond["message"],
        "Job has reached the specified backoff limit"
    );
    assert_eq!(job["status"]["failed"], 4);
}

#[test]
fn stuck_rollout_exceeds_its_progress_deadline() {
    let mut c = Cluster::new(ClusterConfig::default());
    let mut d = deployment("nginx:1.25", 2);
    d["spec"]["progressDeadlineSeconds"] = json!(60);
    c.apply(d.clone()).unwrap();
    c.run_until(30 * SECOND).unwrap();
    let dep = c.get("Deployment", "default", "web").unwrap();
    assert_eq!(
        dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    // A bad image never becomes available: 60 s without progress.
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:doesnotexist");
    c.apply(d.clone()).unwrap();
    c.run_until(60 * SECOND).unwrap();
    let progressing = |c: &Cluster| {
        c.get("Deployment", "default", "web").unwrap()["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["type"] == "Progressing")
            .cloned()
            .unwrap()
    };
    assert_eq!(progressing(&c)["reason"], "ReplicaSetUpdated");
    c.run_until(200 * SECOND).unwrap();
    let p = progressing(&c);
    assert_eq!(p["status"], "False");
    assert_eq!(p["reason"], "ProgressDeadlineExceeded");
    let dep = c.get("Deployment", "default", "web").unwrap();
    let rs = dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"].clone();
    assert_eq!(rs, "2");
    assert!(p["message"]
        .as_str()
        .unwrap()
        .ends_with("has timed out progressing."));
    // Rolling back to the first template moves its ReplicaSet to revision 3 and completes.
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.25");
    c.apply(d).unwrap();
    c.run_until(300 * SECOND).unwrap();
    let p = progressing(&c);
    assert_eq!(p["reason"], "NewReplicaSetAvailable");
    let dep = c.get("Deployment", "default", "web").unwrap();
    assert_eq!(
        dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "3"
    );
}

#[test]
fn old_replicasets_beyond_the_history_limit_are_removed() {
    let mut c = Cluster::new(ClusterConfig::default());
    for (i, tag) in ["1.21", "1.22", "1.23", "1.24", "1.25"].iter().enumerate() {
        let mut d = deployment(&format!("nginx:{tag}"), 1);
        d["spec"]["revisionHistoryLimit"] = json!(2);
        c.apply(d).unwrap();
        c.run_until((i as u64 + 1) * 60 * SECOND).unwrap();
    }
    let rs = c.list("ReplicaSet");
    let mut revs: Vec<String> = rs
        .iter()
        .map(|r| {
            r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    revs.sort();
    assert_eq!(revs, ["3", "4", "5"]);
}
