//! v1 PersistentVolumeClaim: the phase decides.

use super::fields::{api_version_is, str_at};
use super::{unsupported_gvk, Health, HealthStatus};
use serde_json::Value;

pub(super) fn health(obj: &Value) -> Health {
    if !api_version_is(obj, &["v1"]) {
        return unsupported_gvk("PersistentVolumeClaim", obj);
    }
    let status = match str_at(obj, &["status", "phase"]) {
        Some("Bound") => HealthStatus::Healthy,
        Some("Pending") => HealthStatus::Progressing,
        Some("Lost") => HealthStatus::Degraded,
        _ => HealthStatus::Unknown,
    };
    Health::new(status, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn phases() {
        let pvc = |phase: &str| json!({"apiVersion": "v1", "status": {"phase": phase}});
        assert_eq!(health(&pvc("Lost")).status, HealthStatus::Degraded);
        assert_eq!(health(&pvc("Pending")).status, HealthStatus::Progressing);
        assert_eq!(
            health(&json!({"apiVersion": "v1"})).status,
            HealthStatus::Unknown
        );
    }
}
