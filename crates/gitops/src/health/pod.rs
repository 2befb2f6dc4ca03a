//! v1 Pod: container errors first for long-running pods, then the phase.

use super::fields::{api_version_is, at, items, quote, str_at, string};
use super::{unsupported_gvk, Health, HealthStatus};
use crate::hook::{annotation, is_hook};
use serde_json::Value;

/// Makes a run-to-completion pod be assessed like a long-running one (not for hooks).
const IGNORE_RESTART_POLICY: &str = "argocd.argoproj.io/ignore-restart-policy";

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["v1"]) {
        return unsupported_gvk("Pod", obj);
    }
    let policy = str_at(obj, &["spec", "restartPolicy"]).unwrap_or("");
    let ignore_policy = annotation(obj, IGNORE_RESTART_POLICY) == Some("true") && !is_hook(obj);
    // OnFailure/Never pods are usually hooks: marking them Degraded on a pull error would
    // fail the sync early, so only long-running pods get the container-error check.
    let long_running = policy == "Always" || ignore_policy;
    let containers = items(obj, &["status", "containerStatuses"]);
    let message = string(obj, &["status", "message"]);

    if long_running {
        let errors: Vec<String> = containers
            .iter()
            .filter(|c| {
                at(c, &["state", "waiting"]).is_some_and(|w| {
                    let reason = str_at(w, &["reason"]).unwrap_or("");
                    reason.starts_with("Err")
                        || reason.ends_with("Error")
                        || reason.ends_with("BackOff")
                })
            })
            .map(|c| string(c, &["state", "waiting", "message"]))
            .collect();
        if !errors.is_empty() {
            return Health::degraded(errors.join(", "));
        }
    }

    match str_at(obj, &["status", "phase"]).unwrap_or("") {
        "Pending" => Health::progressing(message),
        "Succeeded" => Health::healthy_with(message),
        "Failed" => {
            if !message.is_empty() {
                return Health::degraded(message);
            }
            let init = items(obj, &["status", "initContainerStatuses"]);
            let failure = init
                .iter()
                .chain(containers)
                .map(fail_message)
                .find(|m| !m.is_empty());
            Health::degraded(failure.unwrap_or_default())
        }
        "Running" if long_running => {
            if is_ready(obj) {
                Health::healthy_with(message)
            } else if containers
                .iter()
                .any(|c| at(c, &["lastState", "terminated"]).is_some_and(|t| !t.is_null()))
            {
                Health::degraded(message)
            } else {
                Health::progressing(message)
            }
        }
        "Running" if policy == "OnFailure" || policy == "Never" => Health::progressing(message),
        _ => Health::new(HealthStatus::Unknown, message),
    }
}

fn is_ready(obj: &Value) -> bool {
    items(obj, &["status", "conditions"])
        .iter()
        .any(|c| str_at(c, &["type"]) == Some("Ready") && str_at(c, &["status"]) == Some("True"))
}

/// Why a terminated container failed: its message, OOMKilled, or its exit code.
fn fail_message(container: &Value) -> String {
    let Some(terminated) = at(container, &["state", "terminated"]).filter(|t| t.is_object()) else {
        return String::new();
    };
    let message = string(terminated, &["message"]);
    if !message.is_empty() {
        return message;
    }
    if str_at(terminated, &["reason"]) == Some("OOMKilled") {
        return "OOMKilled".to_string();
    }
    let code = super::fields::int(terminated, &["exitCode"]);
    if code != 0 {
        let name = quote(&string(container, &["name"]));
        return format!("container {name} failed with exit code {code}");
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(policy: &str, status: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "spec": {"restartPolicy": policy}, "status": status})
    }

    #[test]
    fn crash_loops_join_waiting_messages() {
        let p = pod(
            "Always",
            json!({"phase": "Running", "containerStatuses": [
                {"name": "a", "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off a"}}},
                {"name": "b", "state": {"running": {}}},
                {"name": "c", "state": {"waiting": {"reason": "ErrImagePull", "message": "pull c"}}}]}),
        );
        assert_eq!(health(&p), Health::degraded("back-off a, pull c"));
    }

    #[test]
    fn failed_pod_names_the_failing_init_container() {
        let p = pod(
            "Never",
            json!({"phase": "Failed",
                "initContainerStatuses": [{"name": "init", "state": {"terminated": {"exitCode": 2}}}],
                "containerStatuses": [{"name": "main", "state": {"terminated": {"reason": "OOMKilled"}}}]}),
        );
        assert_eq!(
            health(&p),
            Health::degraded("container \"init\" failed with exit code 2")
        );
    }

    #[test]
    fn running_hook_pods_ignore_the_annotation() {
        let mut p = pod("Never", json!({"phase": "Running"}));
        p["metadata"] = json!({"annotations": {IGNORE_RESTART_POLICY: "true",
                                               "argocd.argoproj.io/hook": "PreSync"}});
        assert_eq!(health(&p).status, HealthStatus::Progressing);
    }

    #[test]
    fn unknown_phase_is_unknown() {
        let p = pod(
            "Always",
            json!({"phase": "Unknown", "message": "node lost"}),
        );
        assert_eq!(health(&p), Health::unknown("node lost"));
    }
}
