//! argoproj.io Workflow (any version): the workflow phase.

use super::fields::{str_at, string};
use super::{Health, HealthStatus};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    let message = string(obj, &["status", "message"]);
    let status = match str_at(obj, &["status", "phase"]).unwrap_or("") {
        "" | "Pending" | "Running" => HealthStatus::Progressing,
        "Succeeded" => HealthStatus::Healthy,
        "Failed" | "Error" => HealthStatus::Degraded,
        _ => HealthStatus::Unknown,
    };
    Health::new(status, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn phases() {
        let wf = |phase: &str| json!({"status": {"phase": phase, "message": "m"}});
        assert_eq!(health(&wf("Error")), Health::degraded("m"));
        assert_eq!(health(&json!({})), Health::progressing(""));
        assert_eq!(health(&wf("Omitted")).status, HealthStatus::Unknown);
    }
}
