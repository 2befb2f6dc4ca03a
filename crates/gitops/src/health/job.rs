//! batch/v1 Job: one pass over the conditions, then complete/failed/suspended.

use super::fields::{api_version_is, conditions, str_at, string};
use super::{unsupported_gvk, Health, HealthStatus};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["batch/v1"]) {
        return unsupported_gvk("Job", obj);
    }
    let (mut failed, mut complete, mut suspended) = (false, false, false);
    let (mut fail_message, mut message) = (String::new(), String::new());
    // Condition status is ignored except for Suspended, as in the engine: a Complete
    // condition with status False still counts as complete.
    for c in conditions(obj) {
        match str_at(c, &["type"]) {
            Some("Failed") => {
                failed = true;
                complete = true;
                fail_message = string(c, &["message"]);
            }
            Some("Complete") => {
                complete = true;
                message = string(c, &["message"]);
            }
            Some("Suspended") => {
                complete = true;
                message = string(c, &["message"]);
                suspended |= str_at(c, &["status"]) == Some("True");
            }
            _ => {}
        }
    }
    if !complete {
        Health::progressing(message)
    } else if failed {
        Health::degraded(fail_message)
    } else if suspended {
        Health::new(HealthStatus::Suspended, message)
    } else {
        Health::healthy_with(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(conditions: Value) -> Value {
        json!({"apiVersion": "batch/v1", "kind": "Job", "status": {"conditions": conditions}})
    }

    #[test]
    fn suspended_job_reports_the_suspension_message() {
        let j = job(json!([{"type": "Suspended", "status": "True", "message": "Job suspended"}]));
        assert_eq!(
            health(&j),
            Health::new(HealthStatus::Suspended, "Job suspended")
        );
    }

    #[test]
    fn resumed_job_counts_as_healthy() {
        let j = job(json!([{"type": "Suspended", "status": "False", "message": "Job resumed"}]));
        assert_eq!(health(&j), Health::healthy_with("Job resumed"));
    }

    #[test]
    fn failure_wins_over_completion() {
        let j = job(json!([{"type": "Complete", "status": "True"},
                           {"type": "Failed", "status": "True", "message": "BackoffLimitExceeded"}]));
        assert_eq!(health(&j), Health::degraded("BackoffLimitExceeded"));
        assert_eq!(health(&job(json!([]))), Health::progressing(""));
    }
}
