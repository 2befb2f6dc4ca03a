//! The CronJob controller, checked against the real controller's behaviour: Job names, the
//! schedule on the virtual clock, concurrency policies, suspend, starting deadlines, history
//! limits, status and events.

use kubeplay_cluster::clock::{MINUTE, SECOND};
use kubeplay_cluster::{Cluster, ClusterConfig};
use serde_json::{json, Value};

/// Virtual time 0 is 2025-01-01T00:00:00Z: Unix minute 28,928,160.
const MINUTE_ZERO: u64 = 1_735_689_600 / 60;

fn cronjob(name: &str, schedule: &str, script: &str, extra: Value) -> Value {
    let mut cj = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
        "spec": {"schedule": schedule,
            "jobTemplate": {"metadata": {"labels": {"team": "a"}}, "spec": {"template": {"spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "work", "image": "busybox:1.36", "command": ["sh", "-c", script]}]}}}}}});
    for (k, v) in extra.as_object().into_iter().flatten() {
        cj["spec"][k] = v.clone();
    }
    cj
}

fn job_names(c: &Cluster) -> Vec<String> {
    c.list("Job")
        .iter()
        .map(|j| j["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    c.events()
        .occurrences()
        .filter(|(_, e)| e.involved.kind == "CronJob" && e.reason == reason)
        .map(|(_, e)| e.message.clone())
        .collect()
}

#[test]
fn jobs_are_named_after_their_schedule_time_and_history_is_trimmed() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(cronjob("hello", "*/1 * * * *", "echo hi", json!({})))
        .unwrap();
    c.run_until(MINUTE - SECOND).unwrap();
    assert!(job_names(&c).is_empty());
    c.run_until(MINUTE + SECOND).unwrap();
    let first = format!("hello-{}", MINUTE_ZERO + 1);
    assert_eq!(job_names(&c), std::slice::from_ref(&first));
    let job = c.get("Job", "default", &first).unwrap();
    assert_eq!(job["metadata"]["labels"]["team"], "a");
    assert_eq!(job["metadata"]["ownerReferences"][0]["kind"], "CronJob");
    assert_eq!(
        job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2025-01-01T00:01:00Z"
    );
    let cj = c.get("CronJob", "default", "hello").unwrap();
    assert_eq!(cj["status"]["lastScheduleTime"], "2025-01-01T00:01:00Z");
    assert_eq!(cj["status"]["active"][0]["name"], first.as_str());
    assert_eq!(
        events(&c, "SuccessfulCreate"),
        [format!("Created job {first}")]
    );

    c.run_until(6 * MINUTE + 30 * SECOND).unwrap();
    // Six runs, all complete; the default successfulJobsHistoryLimit keeps the newest three.
    let kept: Vec<String> = (4..=6)
        .map(|m| format!("hello-{}", MINUTE_ZERO + m))
        .collect();
    assert_eq!(job_names(&c), kept);
    assert_eq!(events(&c, "SuccessfulCreate").len(), 6);
    assert_eq!(
        events(&c, "SawCompletedJob")[0],
        format!("Saw completed job: {first}, condition: Complete")
    );
    assert_eq!(
        events(&c, "SuccessfulDelete"),
        (1..=3)
            .map(|m| format!("Deleted job hello-{}", MINUTE_ZERO + m))
            .collect::<Vec<_>>()
    );
    let cj = c.get("CronJob", "default", "hello").unwrap();
    assert!(cj["status"].get("active").is_none());
    assert_eq!(cj["status"]["lastScheduleTime"], "2025-01-01T00:06:00Z");
    assert!(cj["status"]["lastSuccessfulTime"]
        .as_str()
        .unwrap()
        .starts_with("2025-01-01T00:06:"));
    // Deleting the CronJob takes its Jobs with it.
    c.delete("CronJob", "default", "hello").unwrap();
    assert!(job_names(&c).is_empty());
}

#[test]
fn concurrency_policies() {
    let mut c = Cluster::new(ClusterConfig::default());
    for (name, policy) in [
        ("allow", "Allow"),
        ("forbid", "Forbid"),
        ("replace", "Replace"),
    ] {
        c.apply(cronjob(
            name,
            "* * * * *",
            "sleep 3600",
            json!({"concurrencyPolicy": policy}),
        ))
        .unwrap();
    }
    c.run_until(2 * MINUTE + 30 * SECOND).unwrap();
    let names = job_names(&c);
    let of = |cj: &str| {
        names
            .iter()
            .filter(|n| n.starts_with(&format!("{cj}-")))
            .count()
    };
    assert_eq!((of("allow"), of("forbid"), of("replace")), (2, 1, 1));
    assert!(names.contains(&format!("replace-{}", MINUTE_ZERO + 2)));
    let forbid = c.get("CronJob", "default", "forbid").unwrap();
    assert_eq!(forbid["status"]["lastScheduleTime"], "2025-01-01T00:01:00Z");
    assert_eq!(
        c.events()
            .all()
            .iter()
            .find(|e| e.reason == "JobAlreadyActive")
            .map(|e| (e.involved.name.as_str(), e.message.as_str())),
        Some((
            "forbid",
            "Not starting job because prior execution is running and concurrency policy is Forbid"
        ))
    );
    assert!(events(&c, "SuccessfulDelete")
        .contains(&format!("Deleted job replace-{}", MINUTE_ZERO + 1)));
    let allow = c.get("CronJob", "default", "allow").unwrap();
    assert_eq!(allow["status"]["active"].as_array().unwrap().len(), 2);
}

#[test]
fn suspend_and_starting_deadline() {
    let mut c = Cluster::new(ClusterConfig::default());
    let suspended = |deadline: Value| {
        cronjob(
            "late",
            "* * * * *",
            "echo hi",
            json!({"suspend": true, "startingDeadlineSeconds": deadline}),
        )
    };
    c.apply(suspended(json!(30))).unwrap();
    c.run_until(3 * MINUTE + 40 * SECOND).unwrap();
    assert!(job_names(&c).is_empty(), "suspended");
    // Resumed 40 s after the last schedule time: outside the 30 s deadline, nothing starts
    // until the next time.
    let mut resumed = suspended(json!(30));
    resumed["spec"]["suspend"] = json!(false);
    c.apply(resumed).unwrap();
    assert!(job_names(&c).is_empty());
    c.run_until(4 * MINUTE + SECOND).unwrap();
    assert_eq!(job_names(&c), [format!("late-{}", MINUTE_ZERO + 4)]);

    // Without a deadline the most recent missed time starts at once.
    let mut c = Cluster::new(ClusterConfig::default());
    let mut cj = cronjob("late", "* * * * *", "echo hi", json!({"suspend": true}));
    c.apply(cj.clone()).unwrap();
    c.run_until(3 * MINUTE + 40 * SECOND).unwrap();
    cj["spec"]["suspend"] = json!(false);
    c.apply(cj).unwrap();
    assert_eq!(job_names(&c), [format!("late-{}", MINUTE_ZERO + 3)]);
}

#[test]
fn macros_and_named_fields_run_on_the_virtual_clock() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.apply(cronjob("hourly", "@hourly", "echo hi", json!({})))
        .unwrap();
    c.apply(cronjob("weekday", "30 0 * jan wed", "echo hi", json!({})))
        .unwrap();
    c.run_until(61 * MINUTE).unwrap();
    assert_eq!(
        job_names(&c),
        [
            format!("hourly-{}", MINUTE_ZERO + 60),
            format!("weekday-{}", MINUTE_ZERO + 30)
        ]
    );
}

#[test]
fn bad_schedules_are_rejected_like_the_api_server() {
    let mut c = Cluster::new(ClusterConfig::default());
    let err = |c: &mut Cluster, schedule: &str| {
        c.apply(cronjob("c", schedule, "true", json!({})))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(&mut c, "bad"),
        "CronJob.batch \"c\" is invalid: spec.schedule: Invalid value: \"bad\": expected exactly 5 fields, found 1: [bad]"
    );
    assert_eq!(
        err(&mut c, "61 * * * *"),
        "CronJob.batch \"c\" is invalid: spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"
    );
    assert_eq!(
        err(&mut c, "TZ=UTC 0 * * * *"),
        "CronJob.batch \"c\" is invalid: spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
    );
    let mut policy = cronjob(
        "c",
        "* * * * *",
        "true",
        json!({"concurrencyPolicy": "Sometimes"}),
    );
    policy["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
    assert_eq!(
        c.apply(policy).unwrap_err().to_string(),
        "CronJob.batch \"c\" is invalid: [spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\", spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"]"
    );
    assert!(c.list("CronJob").is_empty());
}

#[test]
fn a_fixed_time_zone_moves_the_schedule() {
    let mut c = Cluster::new(ClusterConfig::default());
    // 01:00 two hours east of UTC is 23:00 UTC the day before: the first run is at 23:00 UTC.
    let applied = c
        .apply(cronjob(
            "tz",
            "0 1 * * *",
            "echo hi",
            json!({"timeZone": "Etc/GMT-2"}),
        ))
        .unwrap();
    assert_eq!(applied.warning, None);
    c.run_until(23 * 60 * MINUTE + SECOND).unwrap();
    assert_eq!(job_names(&c), [format!("tz-{}", MINUTE_ZERO + 23 * 60)]);
    let other = c
        .apply(cronjob(
            "paris",
            "0 1 * * *",
            "echo hi",
            json!({"timeZone": "Europe/Paris"}),
        ))
        .unwrap();
    assert!(other.warning.unwrap().contains("simulated as UTC"));
}
