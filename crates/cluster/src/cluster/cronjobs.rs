//! The CronJob controller (kube-controller-manager's cronjob controller v2): Jobs named
//! `<cronjob>-<scheduled time in minutes since the Unix epoch>` at each schedule time on the
//! virtual clock, concurrency policies, suspend, starting deadlines, history limits, status
//! and the controller's events. It wakes 100 ms after each schedule time, as the real one
//! requeues itself.

use super::controllers::{owner_ref, uid, validate_workload};
use super::{key, Cluster};
use crate::clock::{
    parse_rfc3339, rfc1123z, rfc3339, unix_seconds, Millis, EPOCH_UNIX_SECONDS, SECOND,
};
use crate::cron::{self, zone_offset};
use crate::error::{FieldError, FieldErrorKind};
use crate::events::EventType;
use crate::store::Key;
use serde_json::{json, Map, Value};

const COMPONENT: &str = "cronjob-controller";
/// The controller requeues itself this long after a schedule time.
const REQUEUE_DELAY: Millis = 100;
/// Past this many missed start times the controller warns (and still starts the latest).
const TOO_MANY_MISSED: u32 = 100;
/// Schedule times looked at per sync at most (a minutely schedule over the whole virtual week
/// is about 10,000).
const MAX_SCHEDULE_STEPS: u32 = 20_000;
/// A CronJob's name leaves room for the 11-character suffix of its Jobs' names.
const MAX_NAME: usize = 52;

/// API defaulting of a CronJob (batch/v1).
pub(super) fn default_cronjob(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    for (field, value) in [
        ("concurrencyPolicy", json!("Allow")),
        ("suspend", json!(false)),
        ("successfulJobsHistoryLimit", json!(3)),
        ("failedJobsHistoryLimit", json!(1)),
    ] {
        spec.entry(field).or_insert(value);
    }
}

/// The API server's validation of a CronJob: its name, schedule, time zone, policies and
/// limits, and its Job template like a Job's.
pub fn validate_cronjob(obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let invalid = |path: &str, value: String, detail: &str| FieldError {
        path: path.into(),
        kind: FieldErrorKind::Invalid(value),
        detail: detail.into(),
    };
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.len() > MAX_NAME {
        errs.push(invalid(
            "metadata.name",
            format!("{name:?}"),
            "must be no more than 52 characters",
        ));
    }
    match obj.pointer("/spec/schedule").and_then(Value::as_str) {
        None | Some("") => errs.push(FieldError {
            path: "spec.schedule".into(),
            kind: FieldErrorKind::Required,
            detail: String::new(),
        }),
        Some(s) if s.contains("TZ") => errs.push(invalid(
            "spec.schedule",
            format!("{s:?}"),
            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        )),
        Some(s) => {
            if let Err(e) = cron::parse(s) {
                errs.push(invalid("spec.schedule", format!("{s:?}"), &e));
            }
        }
    }
    if let Some(zone) = obj.pointer("/spec/timeZone").and_then(Value::as_str) {
        let iana_like = !zone.is_empty()
            && zone
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"/_+-".contains(&c));
        if zone == "Local" || !iana_like {
            errs.push(invalid(
                "spec.timeZone",
                format!("{zone:?}"),
                &format!("unknown time zone {zone}"),
            ));
        }
    }
    match obj
        .pointer("/spec/concurrencyPolicy")
        .and_then(Value::as_str)
    {
        Some("Allow" | "Forbid" | "Replace") | None => {}
        Some(other) => errs.push(FieldError {
            path: "spec.concurrencyPolicy".into(),
            kind: FieldErrorKind::NotSupported(format!("{other:?}")),
            detail: "supported values: \"Allow\", \"Forbid\", \"Replace\"".into(),
        }),
    }
    for field in [
        "startingDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
    ] {
        if let Some(n) = obj
            .pointer(&format!("/spec/{field}"))
            .and_then(Value::as_i64)
        {
            if n < 0 {
                errs.push(invalid(
                    &format!("spec.{field}"),
                    n.to_string(),
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    let job = json!({"kind": "Job", "metadata": {"name": name},
        "spec": obj.pointer("/spec/jobTemplate/spec").cloned().unwrap_or(json!({}))});
    for mut e in validate_workload(&job) {
        e.path = format!("spec.jobTemplate.{}", e.path);
        errs.push(e);
    }
    errs
}

fn job_finished(job: &Value) -> Option<&'static str> {
    let conditions = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)?;
    conditions
        .iter()
        .find_map(|c| match (c["type"].as_str(), c["status"].as_str()) {
            (Some("Complete"), Some("True")) => Some("Complete"),
            (Some("Failed"), Some("True")) => Some("Failed"),
            _ => None,
        })
}

fn text<'a>(obj: &'a Value, pointer: &str) -> &'a str {
    obj.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Virtual time of Unix seconds (0 for instants before the virtual epoch).
fn virtual_ms(unix: i64) -> Millis {
    (unix - EPOCH_UNIX_SECONDS as i64).max(0) as Millis * SECOND
}

impl Cluster {
    /// One sync of a CronJob; true when it changed anything.
    pub(super) fn reconcile_cronjob(&mut self, k: &Key) -> bool {
        let Some(cj) = self.store.get(k).cloned() else {
            return false;
        };
        let ns = k.1.clone();
        let cj_uid = uid(&cj).to_string();
        let mut changed = false;
        let mut status = match &cj["status"] {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        let previously_active: Vec<(String, String)> = status
            .get("active")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| (text(r, "/uid").to_string(), text(r, "/name").to_string()))
            .collect();

        // What became of the Jobs it started.
        let jobs = self.owned_keyed("Job", &ns, &cj_uid);
        for (gone_uid, gone) in &previously_active {
            if !jobs.iter().any(|(_, j)| uid(j) == gone_uid) {
                self.controller_event(
                    &cj,
                    COMPONENT,
                    EventType::Normal,
                    "MissingJob",
                    format!("Active job went missing: {gone}"),
                );
            }
        }
        let mut active = Vec::new();
        let mut finished: Vec<(Key, Value, &'static str)> = Vec::new();
        for (jk, job) in jobs {
            let job_uid = uid(&job).to_string();
            let was_active = previously_active.iter().any(|(u, _)| *u == job_uid);
            match job_finished(&job) {
                None => active.push(json!({"apiVersion": "batch/v1", "kind": "Job",
                    "name": jk.2, "namespace": ns, "uid": job_uid,
                    "resourceVersion": job["metadata"]["resourceVersion"]})),
                Some(condition) => {
                    if was_active {
                        self.controller_event(
                            &cj,
                            COMPONENT,
                            EventType::Normal,
                            "SawCompletedJob",
                            format!("Saw completed job: {}, condition: {condition}", jk.2),
                        );
                    }
                    if condition == "Complete" {
                        let done = job["status"]["completionTime"].clone();
                        let newer = match (
                            done.as_str().and_then(parse_rfc3339),
                            status
                                .get("lastSuccessfulTime")
                                .and_then(Value::as_str)
                                .and_then(parse_rfc3339),
                        ) {
                            (Some(d), Some(last)) => d > last,
                            (Some(_), None) => true,
                            _ => false,
                        };
                        if newer {
                            status.insert("lastSuccessfulTime".into(), done);
                        }
                    }
                    finished.push((jk, job, condition));
                }
            }
        }

        // History limits: the oldest finished Jobs beyond them go.
        for (condition, limit_field) in [
            ("Complete", "successfulJobsHistoryLimit"),
            ("Failed", "failedJobsHistoryLimit"),
        ] {
            let Some(limit) = cj["spec"][limit_field].as_u64() else {
                continue;
            };
            let mut these: Vec<&(Key, Value, &str)> =
                finished.iter().filter(|f| f.2 == condition).collect();
            if these.len() as u64 <= limit {
                continue;
            }
            these.sort_by(|a, b| {
                (text(&a.1, "/status/startTime"), &a.0 .2)
                    .cmp(&(text(&b.1, "/status/startTime"), &b.0 .2))
            });
            let excess = these.len() - limit as usize;
            let doomed: Vec<String> = these[..excess].iter().map(|f| f.0 .2.clone()).collect();
            for job in doomed {
                if self.delete("Job", &ns, &job).is_ok() {
                    self.controller_event(
                        &cj,
                        COMPONENT,
                        EventType::Normal,
                        "SuccessfulDelete",
                        format!("Deleted job {job}"),
                    );
                    changed = true;
                }
            }
        }

        if cj["spec"]["suspend"] != true {
            changed |= self.start_due_job(k, &cj, &mut active, &mut status);
        }
        status.insert("active".into(), Value::Array(active));
        if status["active"].as_array().is_some_and(Vec::is_empty) {
            status.remove("active");
        }
        changed | self.set_status_if_changed(k, Value::Object(status))
    }

    /// The scheduling half of a sync: the most recent schedule time not yet started, the
    /// deadline and concurrency checks, the Job; and the wake-up for the next time.
    fn start_due_job(
        &mut self,
        k: &Key,
        cj: &Value,
        active: &mut Vec<Value>,
        status: &mut Map<String, Value>,
    ) -> bool {
        let Ok(schedule) = cron::parse(text(cj, "/spec/schedule")) else {
            return false;
        };
        let offset = cj
            .pointer("/spec/timeZone")
            .and_then(Value::as_str)
            .and_then(zone_offset)
            .unwrap_or(0);
        let now = unix_seconds(self.now);
        let since = status
            .get("lastScheduleTime")
            .and_then(Value::as_str)
            .or_else(|| {
                cj.pointer("/metadata/creationTimestamp")
                    .and_then(Value::as_str)
            })
            .and_then(parse_rfc3339)
            .map_or(now, unix_seconds);
        let deadline = cj["spec"]["startingDeadlineSeconds"].as_i64();
        let earliest = match deadline {
            Some(d) => since.max(now - d),
            None => since,
        };
        // The most recent schedule time in (earliest, now], and how many were missed.
        let (mut latest, mut missed, mut t) = (None, 0u32, earliest);
        let mut upcoming = None;
        for _ in 0..MAX_SCHEDULE_STEPS {
            match schedule.next(t, offset) {
                Some(n) if n <= now => {
                    latest = Some(n);
                    missed += 1;
                    t = n;
                }
                other => {
                    upcoming = other;
                    break;
                }
            }
        }
        if upcoming.is_none() && latest.is_some() {
            upcoming = schedule.next(now, offset);
        }
        if let Some(next) = upcoming {
            self.wake_at(virtual_ms(next) + REQUEUE_DELAY);
        }
        let Some(scheduled) = latest else {
            return false;
        };
        if missed > TOO_MANY_MISSED {
            self.controller_event(
                cj,
                COMPONENT,
                EventType::Warning,
                "TooManyMissedTimes",
                format!("too many missed start times: {missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew"),
            );
        }
        if deadline.is_some_and(|d| scheduled + d < now) {
            self.controller_event(
                cj,
                COMPONENT,
                EventType::Warning,
                "MissSchedule",
                format!(
                    "Missed scheduled time to start a job: {}",
                    rfc1123z(scheduled)
                ),
            );
            return false;
        }
        let (ns, cj_name) = (&k.1, &k.2);
        let job_name = format!("{cj_name}-{}", scheduled.div_euclid(60));
        if self.store.contains(&key("Job", ns, &job_name)) {
            return false;
        }
        match text(cj, "/spec/concurrencyPolicy") {
            "Forbid" if !active.is_empty() => {
                self.controller_event(
                    cj,
                    COMPONENT,
                    EventType::Normal,
                    "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
                );
                return false;
            }
            "Replace" => {
                for job in std::mem::take(active) {
                    let job = job["name"].as_str().unwrap_or("").to_string();
                    if self.delete("Job", ns, &job).is_ok() {
                        self.controller_event(
                            cj,
                            COMPONENT,
                            EventType::Normal,
                            "SuccessfulDelete",
                            format!("Deleted job {job}"),
                        );
                    }
                }
            }
            _ => {}
        }
        let template = cj
            .pointer("/spec/jobTemplate")
            .cloned()
            .unwrap_or(json!({}));
        let mut meta = template
            .get("metadata")
            .filter(|m| m.is_object())
            .cloned()
            .unwrap_or(json!({}));
        meta["name"] = json!(job_name);
        meta["namespace"] = json!(ns);
        if !meta["annotations"].is_object() {
            meta["annotations"] = json!({});
        }
        meta["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] =
            json!(rfc3339(virtual_ms(scheduled)));
        meta["ownerReferences"] = owner_ref(cj);
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": template.get("spec").cloned().unwrap_or(json!({}))});
        let jk = key("Job", ns, &job_name);
        let job_uid = self.uid();
        let created = self
            .store
            .create(jk, job, job_uid.clone(), self.now)
            .clone();
        self.controller_event(
            cj,
            COMPONENT,
            EventType::Normal,
            "SuccessfulCreate",
            format!("Created job {job_name}"),
        );
        active.push(
            json!({"apiVersion": "batch/v1", "kind": "Job", "name": job_name,
            "namespace": ns, "uid": job_uid,
            "resourceVersion": created["metadata"]["resourceVersion"]}),
        );
        status.insert(
            "lastScheduleTime".into(),
            json!(rfc3339(virtual_ms(scheduled))),
        );
        true
    }
}
